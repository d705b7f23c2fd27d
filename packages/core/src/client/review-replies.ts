import { randomUUID } from 'node:crypto'
import type { ClassificationResult, ReplyCategory } from '../domain/classification.js'
import type { InboundMessage } from '../domain/inbound-message.js'
import type { MetricCounts } from '../domain/metrics.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import { CamError } from '../errors/cam-error.js'
import { parseRawMessage } from '../mime/parse-raw-message.js'
import { decideFollowUp } from '../policy/follow-up-policy.js'
import { alertRaisedEvent, leadStateChangedEvent, replyClassifiedEvent } from '../policy/cam-event-builders.js'
import { buildReplyAlert } from '../policy/reply-alert.js'
import type { ReclassifyMessageInput, StoreV1 } from '../ports/store-v1.js'
import { nextSendWindowStart } from '../schedule/send-window.js'
import type { Logger } from '../util/logger.js'

/** Categories a person may set by hand: a bounce is read from its report, never declared. */
export const overridableCategories = ['positive', 'question', 'referral', 'negative', 'unsubscribe', 'out_of_office', 'auto_reply', 'complaint', 'unknown'] as const satisfies readonly ReplyCategory[]

/** A category a person may give a reply (every category but `bounce`). */
export type OverridableCategory = (typeof overridableCategories)[number]

/** What the override applies, as the worker would (the worker's settings, given to the client). */
export interface ReplyPolicySettings {
  alertCategories: readonly ReplyCategory[]
  alertChannels: readonly string[]
  outOfOfficeDefaultDays: number
}

/** A lead that changed while the override was decided is read again and decided once more, not more. */
const decisionsPerOverride = 3

/**
 * The counters the old category added that the lead's state still shows (a positive reply
 * whose lead is still `interested`), taken back so the funnel counts each reply once, under
 * the category a person settled on.
 */
function takeBack(previous: ReplyCategory | null, leadState: string): Partial<MetricCounts> {
  if (previous === 'positive' && leadState === 'interested') return { positive: -1 }
  if (previous === 'negative' && leadState === 'not_interested') return { negative: -1 }
  return {}
}

function addCounts(a: Partial<MetricCounts>, b: Partial<MetricCounts>): Partial<MetricCounts> {
  const out: Partial<MetricCounts> = { ...a }
  for (const [name, value] of Object.entries(b) as Array<[keyof MetricCounts, number]>) out[name] = (out[name] ?? 0) + value
  return out
}

/**
 * A person's correction of a processed reply: the message takes the new category (confidence
 * 1, the reason naming who and why) and CAM's follow-up policy runs as if the classifier had
 * said it — lead state, sequence stop, suppression, alert — in one store transaction. An
 * override never takes back a suppression (use `removeSuppression`).
 */
export async function overrideReplyClassification(
  store: StoreV1,
  logger: Logger,
  settings: ReplyPolicySettings,
  now: Date,
  input: { messageId: string; category: OverridableCategory; actor: string; reason?: string | undefined },
): Promise<InboundMessage> {
  for (let attempt = 1; ; attempt++) {
    const message = await store.getInboundMessage(input.messageId)
    if (!message) throw new NotFoundError(`inbound message ${input.messageId} not found`)
    if (message.status !== 'processed') throw new ConflictError(`inbound message ${input.messageId} is ${message.status}; only processed replies can be reclassified`)
    const previous = message.classification
    const classification: ClassificationResult = {
      category: input.category,
      confidence: 1,
      reason: `set by ${input.actor}${input.reason ? `: ${input.reason}` : ''} (was ${previous ? `${previous.category}: ${previous.reason}` : 'unclassified'})`,
      classifier: 'person',
      ...(input.category === previous?.category && previous.returnDate ? { returnDate: previous.returnDate } : {}),
      ...(input.category === previous?.category && previous.referralEmail ? { referralEmail: previous.referralEmail } : {}),
    }
    const request: ReclassifyMessageInput = { messageId: message.id, now, expectedCategory: previous?.category ?? null, classification, note: message.note }
    const parsed = await parseRawMessage(message.raw)
    const lead = message.leadId ? await store.getLead(message.leadId) : null
    const campaign = message.campaignId ? await store.getCampaign(message.campaignId) : null
    if (lead && campaign) {
      const decision = decideFollowUp({
        classification,
        lead,
        campaign,
        now,
        settings: { outOfOfficeDefaultDays: settings.outOfOfficeDefaultDays, alertCategories: settings.alertCategories, minConfidence: 0 },
      })
      if (decision.transition) request.leadTransition = { leadId: lead.id, ...decision.transition }
      request.cancelPendingEmails = decision.cancelPendingEmails
      request.metrics = addCounts(takeBack(previous?.category ?? null, lead.state), decision.metrics)
      if (decision.resumeAt) {
        const [pending] = await store.listEmails({ leadId: lead.id, statuses: ['queued'] })
        const target = pending && pending.scheduledAt > decision.resumeAt ? pending.scheduledAt : decision.resumeAt
        request.reschedulePendingEmailTo = nextSendWindowStart(target, campaign.schedule, lead.timezone ?? campaign.schedule.timezone)
      }
      if (decision.suppression) request.suppression = { email: lead.emailNormalized, reason: decision.suppression, source: `message ${message.id} (set by ${input.actor})` }
      if (decision.alert && settings.alertChannels.length > 0) {
        request.alert = { alert: { ...buildReplyAlert({ parsed, lead, campaign, category: decision.category, classification, messageId: message.id }), id: randomUUID() }, channels: [...settings.alertChannels] }
      }
    }
    // For webhook endpoints (the store keeps only those some endpoint subscribes to).
    request.events = [
      replyClassifiedEvent({
        message: { id: message.id, headerMessageId: message.messageId },
        from: parsed.from?.address ?? null,
        subject: parsed.subject,
        replyText: parsed.replyText.trim() || parsed.text,
        lead,
        campaign,
        outbound: null,
        classification,
        now,
      }),
      ...(request.leadTransition && lead ? [leadStateChangedEvent({ lead, transition: request.leadTransition, now })] : []),
      ...(request.alert?.alert.id ? [alertRaisedEvent({ ...request.alert.alert, id: request.alert.alert.id }, now)] : []),
    ]
    try {
      const updated = await store.reclassifyMessage(request)
      logger.info('reply reclassified', { messageId: message.id, actor: input.actor, from: previous?.category ?? null, to: input.category, leadId: message.leadId })
      return updated
    } catch (error) {
      // The reply or its lead changed under us (the worker, another person): decide again.
      if (attempt < decisionsPerOverride && CamError.isInstance(error, 'CONFLICT')) continue
      throw error
    }
  }
}
