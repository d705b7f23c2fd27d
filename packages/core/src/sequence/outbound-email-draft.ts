import { randomUUID } from 'node:crypto'
import type { Campaign } from '../domain/campaign.js'
import { emailDomain } from '../domain/email-address.js'
import type { NewOutboundEmail } from '../ports/store-v1.js'
import { nextSendWindowStart } from '../schedule/send-window.js'

const day = 86_400_000

/** Our Message-ID for an outbound email: `<cam.{id}@{sender domain}>`. */
export function outboundMessageId(emailId: string, senderEmail: string): string {
  return `<cam.${emailId}@${emailDomain(senderEmail) || 'cam.invalid'}>`
}

/** Idempotency key sent with every attempt of an outbound email. */
export function outboundIdempotencyKey(emailId: string): string {
  return `cam-email-${emailId}`
}

/** When a step is due: `from + delayDays`, moved into the send window in the lead's timezone. */
export function scheduleStep(campaign: Campaign, stepIndex: number, from: Date, leadTimezone: string | null): Date {
  const delay = campaign.steps[stepIndex]?.delayDays ?? 0
  return nextSendWindowStart(new Date(from.getTime() + delay * day), campaign.schedule, leadTimezone ?? campaign.schedule.timezone)
}

/** The first email of a new lead. */
export function firstEmailDraft(campaign: Campaign, leadTimezone: string | null, now: Date): NewOutboundEmail {
  const id = randomUUID()
  return {
    id,
    stepIndex: 0,
    scheduledAt: scheduleStep(campaign, 0, now, leadTimezone),
    messageId: outboundMessageId(id, campaign.sender.email),
    idempotencyKey: outboundIdempotencyKey(id),
    inReplyTo: null,
    references: [],
  }
}

/**
 * The follow-up after a sent email, threaded under it: `In-Reply-To` is the sent
 * email's Message-ID (the provider's when it replaced ours), `References` the thread.
 */
export function nextEmailDraft(
  campaign: Campaign,
  leadTimezone: string | null,
  sent: { stepIndex: number; messageId: string; providerMessageId: string | null; references: string[] },
  sentAt: Date,
): NewOutboundEmail | null {
  const stepIndex = sent.stepIndex + 1
  if (stepIndex >= campaign.steps.length) return null
  const id = randomUUID()
  const threadId = sent.providerMessageId ?? sent.messageId
  return {
    id,
    stepIndex,
    scheduledAt: scheduleStep(campaign, stepIndex, sentAt, leadTimezone),
    messageId: outboundMessageId(id, campaign.sender.email),
    idempotencyKey: outboundIdempotencyKey(id),
    inReplyTo: threadId,
    references: [...sent.references, threadId],
  }
}
