/**
 * `@cam/adapter-slack`: CAM's `AlertChannel` on Slack (incoming webhook or Web API).
 *
 * @packageDocumentation
 */
export {
  createSlackAlerts,
  type SlackAlertsOptions,
  type SlackAlertsCommonOptions,
  type SlackWebhookAlertsOptions,
  type SlackWebApiAlertsOptions,
} from './create-slack-alerts.js'
export { escapeMrkdwn } from './escape-mrkdwn.js'
