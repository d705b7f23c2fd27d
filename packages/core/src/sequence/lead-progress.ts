import type { Campaign } from '../domain/campaign.js'
import type { Lead } from '../domain/lead.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import type { LeadProgress, NewOutboundEmail } from '../ports/store-v1.js'
import { nextEmailDraft } from './outbound-email-draft.js'

const day = 86_400_000

/** What follows from one sent email: the lead's progress and the next step to schedule. */
export interface ProgressAfterSend {
  progress: LeadProgress
  /** The next step, threaded under the sent email; null after the last step. */
  next: NewOutboundEmail | null
}

/**
 * The one rule for a lead's progress after an email of its sequence went out, used by
 * the send step and by a human confirming an in-doubt email: the next step is due
 * `delayDays` after `sentAt`; after the last step, the lead waits for a reply until
 * `sentAt + noReplyTimeoutDays`. The thread subject is the first step's subject.
 */
export function progressAfterSend(
  campaign: Campaign,
  lead: Pick<Lead, 'timezone' | 'threadSubject'>,
  sent: Pick<OutboundEmail, 'stepIndex' | 'messageId' | 'references'> & { providerMessageId: string | null; subject: string },
  sentAt: Date,
): ProgressAfterSend {
  const next = nextEmailDraft(campaign, lead.timezone, sent, sentAt)
  return {
    progress: {
      state: next ? 'active' : 'completed',
      nextStepIndex: sent.stepIndex + 1,
      lastSentAt: sentAt,
      replyDeadlineAt: next ? null : new Date(sentAt.getTime() + campaign.noReplyTimeoutDays * day),
      threadSubject: sent.stepIndex === 0 ? sent.subject : (lead.threadSubject ?? sent.subject),
    },
    next,
  }
}
