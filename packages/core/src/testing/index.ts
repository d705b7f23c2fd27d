/**
 * `@cam/core/testing`: in-memory adapters, a manual clock and the adapter
 * conformance suites. Import in tests and examples, never in production code.
 *
 * @packageDocumentation
 */
export type { ConformanceTestApi } from './conformance/test-api.js'
export { createManualClock, type ManualClock } from './manual-clock.js'
export { createMemorySender, type MemorySender, type MemorySenderOptions, type RecordedEmail } from './memory-sender.js'
export { createMemoryAlertChannel, type MemoryAlertChannel, type DeliveredAlert } from './memory-alert-channel.js'
export { createMemoryInbox, type MemoryInbox } from './memory-inbox.js'
export { createWebhookReceiver, type WebhookReceiver, type WebhookAnswer, type AcceptedWebhook, type ReceivedWebhookRequest } from './webhook-receiver.js'
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './memory-store.js'
export { describeStoreConformance, type StoreConformanceOptions } from './conformance/store-conformance.js'
export { describeMailboxPoolScenario, type MailboxPoolScenarioOptions, type MailboxPoolScenarioSize } from './conformance/store-conformance-mailbox-pool.js'
export { describeLockConformance, type LockConformanceOptions } from './conformance/lock-conformance.js'
export { sampleCampaign, sampleLead, sampleEmail, sampleAlert, sampleRawMessage } from './conformance/store-fixtures.js'
export { sampleBounceReport } from './sample-bounce-report.js'
export { createRecordingLogger, type RecordingLogger, type LogEntry } from './recording-logger.js'
export {
  describeSenderConformance,
  type SenderConformanceOptions,
  type SenderConformanceSubject,
  type SenderFailure,
  type ReceivedEmail,
} from './conformance/sender-conformance.js'
export {
  describeAlertChannelConformance,
  type AlertChannelConformanceOptions,
  type AlertChannelConformanceSubject,
  type AlertChannelFailure,
  type AlertTextFormat,
  type ReceivedAlert,
  type ReceivedAlertPart,
} from './conformance/alert-channel-conformance.js'
export {
  describeInboxConformance,
  type InboxConformanceOptions,
  type InboxConformanceSubject,
} from './conformance/inbox-conformance.js'
