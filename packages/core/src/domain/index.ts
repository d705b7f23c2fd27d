// The domain as the public API shows it: every type, and the values a host app reads
// (state sets, categories, defaults, address rules). The text rules and metric counters
// adapters use are in `@cam/core/adapter-kit`. The zod schemas that validate input stay
// inside the package. Types are exported by name: the declaration bundler turns
// `export type *` into value exports (it leaked the schemas into the declarations).
export type {
  Campaign,
  CampaignInput,
  CampaignPatch,
  CampaignRule,
  CampaignRuleMetric,
  CampaignStatus,
  NewCampaign,
  SendSchedule,
  SenderIdentity,
  SequenceStep,
  Weekday,
} from './campaign.js'
export type { Lead, LeadInput, LeadState, NewLead } from './lead.js'
export type { OutboundEmail, OutboundEmailStatus } from './outbound-email.js'
export type { InboundMessage, InboundMessageStatus } from './inbound-message.js'
export type { BounceDetails, BounceReason, BounceType, ClassificationResult, ReplyCategory } from './classification.js'
export type { Alert, AlertDelivery, AlertKind, NewAlert } from './alert.js'
export type { Suppression, SuppressionReason } from './suppression.js'
export type { MetricCounts, MetricName, MetricRates, MetricPeriod, CampaignMetrics } from './metrics.js'
export type { WorkerHeartbeat } from './heartbeat.js'
export type { MailboxRampUp, MailboxSettings, MailboxState, MailboxStatus } from './mailbox.js'
export type { DeliveryBounce, DeliveryEvent, DeliveryEventInput, DeliveryEventResult, DeliveryEventType, EmailFindingKind } from './delivery-event.js'
export type {
  AlertRaisedData,
  CamEvent,
  CamEventDataMap,
  CamEventOf,
  CamEventType,
  CampaignStatusData,
  EmailBouncedData,
  EmailSentData,
  LeadStateChangedData,
  NewCamEvent,
  ReplyClassifiedData,
} from './cam-event.js'
export type { WebhookDelivery, WebhookDeliveryStatus, WebhookDeliveryWithEvent, WebhookEndpoint, WebhookEndpointSettings, WebhookEndpointStatus } from './webhook.js'
export { defaultCampaignRules, isTimezone } from './campaign.js'
export { leadStates, openLeadStates, sendableLeadStates } from './lead.js'
export { bounceReasons, bounceReasonTypes, replyCategories } from './classification.js'
export { deliveryEventTypes, finalFindingKinds } from './delivery-event.js'
export { camEventExcerptLimit, camEventTypes, camEventVersion } from './cam-event.js'
export { camEventPayload, type CamWebhookPayload } from './cam-event-payload.js'
export { webhookDeliveryStatuses } from './webhook.js'
export { mailboxLimitOn, mailboxRampDay } from './mailbox.js'
export { isEmailAddress, normalizeEmail } from './email-address.js'
