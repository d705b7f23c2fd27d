import { createImapInbox } from '@cam/adapter-imap'
import { createPostgresStore } from '@cam/adapter-postgres'
import { createResendAlerts, createResendSender } from '@cam/adapter-resend'
import { createSlackAlerts } from '@cam/adapter-slack'
import type { AlertChannel, Logger, MailboxConfig } from '@cam/core'
import { createMailboxPool } from './create-mailbox-pool.js'
import type { FullStackConfig } from './full-stack-config.js'

/**
 * Builds every adapter of the full stack from the configuration. With a sending pool, the
 * worker sends through its mailboxes (SMTP) and reads each one's inbox (IMAP); without one,
 * through Resend. The shared IMAP inbox (`IMAP_*`) is read in both cases when configured.
 */
export function createStack(config: FullStackConfig, logger: Logger) {
  const store = createPostgresStore({ connectionString: config.database.url, schema: config.database.schema })
  const inbox = config.imap
    ? createImapInbox({
        host: config.imap.host,
        port: config.imap.port,
        secure: config.imap.secure,
        auth: config.imap.accessToken ? { user: config.imap.user, accessToken: config.imap.accessToken } : { user: config.imap.user, pass: config.imap.password ?? '' },
        mailboxes: config.imap.mailboxes,
        logger,
      })
    : undefined
  const mailboxes: MailboxConfig[] | undefined = config.pool ? createMailboxPool(config.pool, logger) : undefined
  const resendOptions = config.resend ? { apiKey: config.resend.apiKey, ...(config.resend.baseUrl ? { baseUrl: config.resend.baseUrl } : {}) } : null
  const sender = !mailboxes && resendOptions ? createResendSender(resendOptions) : undefined
  const alerts: AlertChannel[] = []
  const appUrl = config.appUrl ? (alert: { leadId: string | null }) => (alert.leadId ? `${config.appUrl}/leads/${alert.leadId}` : config.appUrl) : undefined
  if (config.slack.webhookUrl) alerts.push(createSlackAlerts({ webhookUrl: config.slack.webhookUrl, ...(appUrl ? { appUrl } : {}) }))
  if (config.slack.token && config.slack.channel) {
    alerts.push(createSlackAlerts({ token: config.slack.token, channel: config.slack.channel, ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}), ...(appUrl ? { appUrl } : {}) }))
  }
  if (config.alertEmails && resendOptions) {
    alerts.push(createResendAlerts({ ...resendOptions, from: config.alertEmails.from, to: config.alertEmails.to }))
  }
  return { store, inbox, sender, mailboxes, alerts }
}
