import { z } from 'zod'
import type { BounceAction } from '../policy/bounce-actions.js'
import type { BounceReason } from '../domain/classification.js'
import { deliveryEventTypes, type DeliveryBounce, type DeliveryEventInput, type DeliveryEventResult } from '../domain/delivery-event.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import { toSingleLine } from '../domain/plain-text.js'
import { CamError } from '../errors/cam-error.js'
import { ValidationError } from '../errors/validation-error.js'
import { decideDeliveryEvent } from '../policy/delivery-event-policy.js'
import { emailBouncedEvent, leadStateChangedEvent } from '../policy/cam-event-builders.js'
import type { RecordDeliveryEventInput, StoreV1 } from '../ports/store-v1.js'
import type { Logger } from '../util/logger.js'
import { argumentIssues, emailArgument, idArgument, oneOf } from './client-arguments.js'

/** A lead that changed between reading it and recording the event is read again and decided once more, not more. */
const decisionsPerEvent = 3
/** Longest provider text kept (reason, diagnostic). */
const maxReasonLength = 1000

const optionalText = z
  .string({ error: `expected a string of at most ${maxReasonLength} characters` })
  .transform((value) => toSingleLine(value).slice(0, maxReasonLength))
  .optional()

const deliveryEventSchema = z
  .strictObject(
    {
      id: idArgument,
      provider: idArgument,
      type: oneOf(deliveryEventTypes, 'delivery event type'),
      email: z.strictObject(
        { providerId: idArgument.optional(), messageId: idArgument.optional() },
        { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown field (expected only providerId, messageId)' : 'expected { providerId?, messageId? }') },
      ),
      recipient: emailArgument.optional(),
      bounce: z
        .object(
          { type: oneOf(['hard', 'soft', 'block'] as const, 'bounce type'), reason: optionalText, diagnosticCode: optionalText },
          { error: 'expected { type: hard | soft | block, reason?, diagnosticCode? }' },
        )
        .optional(),
      reason: optionalText,
      occurredAt: z.date({ error: 'expected a valid Date' }),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown field' : 'expected a delivery event object') },
  )
  .check((context) => {
    const event = context.value
    if (event.email.providerId === undefined && event.email.messageId === undefined) {
      context.issues.push({ code: 'custom', input: event.email, path: ['email'], message: 'expected at least one of providerId or messageId' })
    }
    if (event.type === 'bounced' && event.bounce === undefined) {
      context.issues.push({ code: 'custom', input: event, path: ['bounce'], message: 'expected the bounce details ({ type }) of a bounced event' })
    }
  })

/** Validates a delivery event: one `ValidationError` naming every bad field (`event.type`, `event.email`, …). */
function parseDeliveryEvent(event: unknown): z.output<typeof deliveryEventSchema> {
  const parsed = deliveryEventSchema.safeParse(event)
  if (!parsed.success) throw new ValidationError('arguments of recordDeliveryEvent', argumentIssues(parsed.error, 'event'))
  return parsed.data
}

async function findEmail(store: StoreV1, email: { providerId?: string | undefined; messageId?: string | undefined }): Promise<OutboundEmail | null> {
  if (email.providerId !== undefined) {
    const found = await store.findEmailByProviderId(email.providerId)
    if (found) return found
  }
  if (email.messageId !== undefined) {
    const [found] = await store.findEmailsByMessageIds([email.messageId])
    if (found) return found
  }
  return null
}

/**
 * Records a provider's delivery event (the client's `recordDeliveryEvent`): matched to the
 * email CAM sent, decided by the delivery policy, stored with its effects in one store
 * call — idempotent by provider and event id.
 */
export async function recordDeliveryEvent(
  store: StoreV1,
  logger: Logger,
  input: DeliveryEventInput,
  now: Date,
  bounceActions?: Readonly<Partial<Record<BounceReason, BounceAction>>>,
): Promise<DeliveryEventResult> {
  const event = parseDeliveryEvent(input)
  const email = await findEmail(store, event.email)
  const unknown: DeliveryEventResult = { status: 'unknown_email', emailId: null, leadId: null, campaignId: null, counted: false, transition: null, suppressed: null }
  if (!email) {
    logger.debug('delivery event for an email CAM did not send; ignored', { provider: event.provider, eventId: event.id, type: event.type })
    return unknown
  }
  const campaign = await store.getCampaign(email.campaignId)
  let lead = await store.getLead(email.leadId)
  if (!campaign || !lead) {
    logger.debug('delivery event for an email whose lead or campaign is gone; ignored', { provider: event.provider, eventId: event.id, emailId: email.id })
    return { ...unknown, emailId: email.id }
  }
  const bounce: DeliveryBounce | null = event.bounce ? { type: event.bounce.type, reason: event.bounce.reason ?? null, diagnosticCode: event.bounce.diagnosticCode ?? null } : null
  const reason = event.reason ?? null
  for (let attempt = 1; ; attempt++) {
    const decision = decideDeliveryEvent({ type: event.type, bounce, reason, provider: event.provider, lead, campaign, now, ...(bounceActions ? { bounceActions } : {}) })
    const record: RecordDeliveryEventInput = {
      event: {
        id: event.id,
        provider: event.provider,
        type: event.type,
        emailId: email.id,
        campaignId: email.campaignId,
        leadId: email.leadId,
        recipient: event.recipient ?? null,
        bounce,
        reason,
        occurredAt: event.occurredAt,
      },
      now,
      finding: { emailId: email.id, ...decision.finding },
      cancelPendingEmails: decision.cancelPendingEmails,
    }
    if (decision.transition) record.leadTransition = { leadId: lead.id, ...decision.transition }
    // Recorded with the event (and only when it is new); kept only when a webhook endpoint subscribes.
    const events = [
      ...(decision.bounce ? [emailBouncedEvent({ email, bounce: decision.bounce, source: 'provider', provider: event.provider, now })] : []),
      ...(decision.transition ? [leadStateChangedEvent({ lead, transition: decision.transition, now })] : []),
    ]
    if (events.length > 0) record.events = events
    const suppressed = decision.suppression ? lead.emailNormalized : null
    if (decision.suppression && suppressed) record.suppression = { email: suppressed, reason: decision.suppression, source: `${event.provider} event ${event.id}` }
    try {
      const result = await store.recordDeliveryEvent(record)
      const base = { emailId: email.id, leadId: lead.id, campaignId: campaign.id }
      if (!result.recorded) return { ...base, status: 'duplicate', counted: false, transition: null, suppressed: null }
      return {
        ...base,
        status: 'applied',
        counted: result.counted,
        transition: decision.transition ? { from: decision.transition.from, to: decision.transition.to } : null,
        suppressed,
      }
    } catch (error) {
      if (attempt < decisionsPerEvent && record.leadTransition && CamError.isInstance(error, 'CONFLICT')) {
        const current = await store.getLead(lead.id)
        if (current) {
          lead = current
          continue
        }
      }
      throw error
    }
  }
}
