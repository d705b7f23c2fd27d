import type { CampaignRuleMetric } from '../domain/campaign.js'
import type { ClassificationResult } from '../domain/classification.js'
import type { LeadState } from '../domain/lead.js'
import type { CampaignMetrics } from '../domain/metrics.js'
import type { CycleReport, StepReport } from './cycle-report.js'
import type { CamEventType } from '../domain/cam-event.js'

/** Payloads of every worker event, by name (`noun:verb`). One payload object each. */
export interface CamEventPayloads {
  'worker:started': { workerId: string }
  'worker:stopped': { workerId: string; cycles: number }
  /** An error outside any step (e.g. the heartbeat could not be written). */
  'worker:error': { workerId: string; error: unknown; during: string }
  'cycle:start': { cycle: number; startedAt: Date }
  'cycle:end': { cycle: number; report: CycleReport }
  'step:start': { cycle: number; step: string }
  'step:end': { cycle: number; step: string; report: StepReport }
  'step:error': { cycle: number; step: string; error: unknown }
  'email:sent': { emailId: string; campaignId: string; leadId: string; stepIndex: number; to: string; messageId: string; providerId: string | null }
  'email:failed': { emailId: string; campaignId: string; leadId: string; stepIndex: number; error: unknown; permanent: boolean; retryAt: Date | null }
  /** Outside the lead's send window: moved to the next opening. */
  'email:deferred': { emailId: string; campaignId: string; leadId: string; scheduledAt: Date; reason: string }
  /** A worker died mid-send through a non-idempotent sender: a human must decide. */
  'email:in_doubt': { emailId: string; campaignId: string; leadId: string }
  'email:vetoed': { emailId: string; campaignId: string; leadId: string; reason: string }
  'message:received': { messageId: string; inbox: string; sourceKey: string; headerMessageId: string | null }
  'message:unmatched': { messageId: string; from: string | null; reason: string }
  /**
   * Processing a message failed because of the message (not a store outage): it is
   * retried at `retryAt`, or — after `maxMessageAttempts` failures — `quarantined` and
   * left for a human (`client.retryQuarantinedMessage`).
   */
  'message:failed': { messageId: string; failures: number; error: unknown; quarantined: boolean; retryAt: Date | null }
  'reply:classified': { messageId: string; campaignId: string | null; leadId: string | null; classification: ClassificationResult }
  'lead:transitioned': { leadId: string; campaignId: string; from: LeadState; to: LeadState; reason: string }
  'campaign:paused': { campaignId: string; reason: string; metric: CampaignRuleMetric; rate: number; lowerBound: number; threshold: number; sample: number }
  /** A pool mailbox was paused alone (its health, or its authentication failed); the others go on. */
  'mailbox:paused': { mailbox: string; reason: string }
  'metrics:computed': { metrics: CampaignMetrics[] }
  'alert:sent': { alertId: string; deliveryId: string; channel: string; attempts: number }
  'alert:failed': { alertId: string; deliveryId: string; channel: string; attempts: number; error: unknown; retryAt: Date }
  /** A webhook endpoint answered 2xx to an event. */
  'webhook:delivered': { eventId: string; type: CamEventType; deliveryId: string; endpoint: string; attempts: number }
  /** An attempt failed: retried at `retryAt`, or given up (`dead`: a dead letter, `retryAt` null). `error` never holds the secret. */
  'webhook:failed': { eventId: string; type: CamEventType; deliveryId: string; endpoint: string; attempts: number; error: unknown; retryAt: Date | null; dead: boolean }
  /** An endpoint answered `410 Gone` and was disabled: nothing goes to it until it is enabled again (`client.enableWebhookEndpoint`). */
  'webhook:disabled': { endpoint: string; reason: string }
  'lease:acquired': { name: string; token: number }
  'lease:lost': { name: string; token: number }
  /** A hook threw; the worker carried on without it. */
  'hook:error': { hook: string; error: unknown }
  /** An event listener threw; the worker carried on. */
  'listener:error': { event: string; error: unknown }
}

/** Event names. */
export type CamEventName = keyof CamEventPayloads

/** The typed event map handed to eventemitter3. */
export type CamEvents = { [K in CamEventName]: [payload: CamEventPayloads[K]] }
