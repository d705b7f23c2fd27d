import { sendableLeadStates } from '../domain/lead.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import type { ClaimDueEmailsResult, ClaimedEmail, InDoubtResolutionInput, RecordEmailSentInput, StoreV1 } from '../ports/store-v1.js'
import { utcDayKey } from '../util/day-key.js'
import { clone, type MemoryStoreState, type StoredEmail } from './memory-store-state.js'

type EmailMethods = Pick<
  StoreV1,
  | 'claimDueEmails'
  | 'recordSendAttempt'
  | 'renewEmailClaims'
  | 'recordEmailSent'
  | 'recordEmailsSent'
  | 'recordEmailFailed'
  | 'deferEmail'
  | 'resolveInDoubtEmail'
  | 'getEmail'
  | 'listEmails'
  | 'findEmailsByMessageIds'
>

/** True when the email's current claim never reached the sender (tracked for senders that are not idempotent). */
const neverAttempted = (email: StoredEmail) =>
  email.attemptPendingSince !== null && email.claimedAt !== null && email.attemptPendingSince.getTime() === email.claimedAt.getTime()

/** The memory store's outbound emails: claims, attempts, records, in-doubt resolution. */
export function memoryEmailMethods(state: MemoryStoreState): EmailMethods {
  const { emails, campaigns, leads, suppressions, dailySends, emailByMessageId, publicEmail, requireClaimedEmail, releaseCapSlot, insertEmail, addCounts } = state
  /** What `recordEmailSent` writes, for an email whose claim was checked. */
  const applySent = (email: StoredEmail, input: RecordEmailSentInput) => {
    email.status = 'sent'
    email.sentAt = input.sentAt
    email.subject = input.subject
    email.providerId = input.providerId
    email.providerMessageId = input.providerMessageId
    email.claimedBy = null
    email.claimExpiresAt = null
    email.attemptPendingSince = null
    email.lastError = null
    email.updatedAt = input.sentAt
    if (input.providerMessageId) emailByMessageId.set(input.providerMessageId, email.id)
    const lead = leads.get(email.leadId)
    if (lead && sendableLeadStates.includes(lead.state)) {
      lead.state = input.lead.state
      lead.nextStepIndex = input.lead.nextStepIndex
      lead.lastSentAt = input.lead.lastSentAt
      lead.replyDeadlineAt = input.lead.replyDeadlineAt
      lead.threadSubject = input.lead.threadSubject
      lead.resumeAt = null
      lead.stateReason = `step ${email.stepIndex + 1} sent`
      lead.updatedAt = input.sentAt
      if (input.next) insertEmail(lead, input.next, input.sentAt)
    }
    addCounts(email.campaignId, utcDayKey(input.sentAt), { sent: 1 })
    if (input.mailbox) {
      email.mailbox = input.mailbox
      if (lead && lead.mailbox === null) lead.mailbox = input.mailbox
      state.addMailboxCounts(input.mailbox, utcDayKey(input.sentAt), { sent: 1 })
    }
    state.webhooks.insertEvents(input.events, input.sentAt)
  }

  return {
    async claimDueEmails(input): Promise<ClaimDueEmailsResult> {
      const { now } = input
      const result: ClaimDueEmailsResult = { claimed: [], inDoubt: [], cancelledSuppressed: [] }
      const caps = new Map(input.caps.map((cap) => [cap.campaignId, cap]))
      const candidates: StoredEmail[] = []
      for (const email of emails.values()) {
        if (!caps.has(email.campaignId)) continue
        if (email.status === 'sending' && email.claimExpiresAt !== null && email.claimExpiresAt <= now) {
          // A claim that never reached the sender is simply claimed again, by any worker.
          const forgotten =
            input.senderIdempotencyWindowMs !== undefined && email.claimedAt !== null && now.getTime() - email.claimedAt.getTime() > input.senderIdempotencyWindowMs
          if (!neverAttempted(email) && (!input.senderIdempotent || forgotten)) {
            email.status = 'in_doubt'
            email.lastError = forgotten
              ? `claim by ${email.claimedBy} expired while sending, longer ago than the provider keeps idempotency keys; not resent`
              : `claim by ${email.claimedBy} expired while sending; not resent because the sender is not idempotent`
            // `claimedBy` stays: that worker may still record the outcome it learns.
            email.claimExpiresAt = null
            email.updatedAt = now
            result.inDoubt.push(publicEmail(email))
            continue
          }
          candidates.push(email)
        } else if (email.status === 'queued' && email.scheduledAt <= now) {
          candidates.push(email)
        }
      }
      candidates.sort(
        (a, b) =>
          Number(b.stepIndex > 0) - Number(a.stepIndex > 0) ||
          a.scheduledAt.getTime() - b.scheduledAt.getTime() ||
          a.createdAt.getTime() - b.createdAt.getTime() ||
          (a.id < b.id ? -1 : 1),
      )
      // Claim order within each campaign; across campaigns, turns: the first due email of
      // every campaign, then the second…, starting one campaign further on each call.
      const listed = [...new Set(input.caps.map((cap) => cap.campaignId))]
      const start = listed.length === 0 ? 0 : state.claimRotation % listed.length
      const turnOrder = [...listed.slice(start), ...listed.slice(0, start)]
      const queues = new Map<string, StoredEmail[]>(turnOrder.map((id) => [id, []]))
      for (const email of candidates) queues.get(email.campaignId)?.push(email)
      const inTurns: StoredEmail[] = []
      for (let turn = 0; inTurns.length < candidates.length; turn++) {
        for (const id of turnOrder) {
          const email = queues.get(id)?.[turn]
          if (email) inTurns.push(email)
        }
      }
      let lastServed: string | null = null
      for (const email of inTurns) {
        if (result.claimed.length >= input.limit) break
        const cap = caps.get(email.campaignId)
        const campaign = campaigns.get(email.campaignId)
        const lead = leads.get(email.leadId)
        if (!cap || !campaign || campaign.status !== 'active' || !lead || !sendableLeadStates.includes(lead.state)) continue
        if (suppressions.has(lead.emailNormalized)) {
          email.status = 'cancelled'
          email.lastError = 'address suppressed'
          email.claimedBy = null
          email.claimExpiresAt = null
          email.updatedAt = now
          releaseCapSlot(email)
          result.cancelledSuppressed.push(publicEmail(email))
          continue
        }
        if (email.capDay === null) {
          const key = `${email.campaignId}|${cap.day}`
          const used = dailySends.get(key) ?? 0
          if (used >= cap.dailyCap) continue
          dailySends.set(key, used + 1)
          email.capDay = cap.day
        }
        email.status = 'sending'
        email.claimedAt = now
        email.attemptPendingSince = input.senderIdempotent ? null : now
        email.claimedBy = input.workerId
        email.claimExpiresAt = new Date(now.getTime() + input.claimTtlMs)
        email.attempts += 1
        email.updatedAt = now
        const claimed: ClaimedEmail = { email: publicEmail(email), lead: clone(lead), campaign: clone(campaign) }
        result.claimed.push(claimed)
        lastServed = email.campaignId
      }
      if (lastServed !== null) state.claimRotation = (listed.indexOf(lastServed) + 1) % listed.length
      return result
    },
    async recordSendAttempt(input) {
      const email = requireClaimedEmail(input.emailId, input.workerId)
      email.attemptPendingSince = null
      email.updatedAt = input.now
    },
    async renewEmailClaims(input) {
      const renewed: string[] = []
      const expiresAt = new Date(input.now.getTime() + input.claimTtlMs)
      for (const id of new Set(input.emailIds)) {
        const email = emails.get(id)
        if (!email || email.status !== 'sending' || email.claimedBy !== input.workerId) continue
        email.claimExpiresAt = expiresAt
        renewed.push(id)
      }
      return renewed
    },
    async recordEmailSent(input) {
      const email = requireClaimedEmail(input.emailId, input.workerId, { orInDoubt: true })
      applySent(email, input)
      return publicEmail(email)
    },
    async recordEmailsSent(inputs) {
      // Checked first, applied after: a failure (a next step's id taken) records none.
      const held: Array<[StoredEmail, RecordEmailSentInput]> = []
      const lost: string[] = []
      const seen = new Set<string>()
      for (const input of inputs) {
        const email = emails.get(input.emailId)
        const claimed = email && (email.status === 'sending' || email.status === 'in_doubt') && email.claimedBy === input.workerId
        // A repeated id counts once (its first occurrence); the repeat is reported lost.
        if (email && claimed && !seen.has(email.id)) held.push([email, input])
        else lost.push(input.emailId)
        seen.add(input.emailId)
      }
      for (const [, input] of held) {
        if (input.next && emails.has(input.next.id)) throw new ConflictError(`outbound email ${input.next.id} already exists`)
      }
      for (const [email, input] of held) applySent(email, input)
      return { recorded: held.map(([email]) => email.id), lost }
    },
    async recordEmailFailed(input) {
      const email = requireClaimedEmail(input.emailId, input.workerId, { orInDoubt: true })
      if (input.mailbox !== undefined) email.mailbox = input.mailbox
      email.lastError = input.error
      email.claimedBy = null
      email.claimExpiresAt = null
      email.attemptPendingSince = null
      email.updatedAt = input.now
      if (input.retryAt === null) {
        email.status = 'failed'
        const lead = leads.get(email.leadId)
        if (lead && sendableLeadStates.includes(lead.state)) {
          lead.state = 'failed'
          lead.stateReason = `step ${email.stepIndex + 1} failed: ${input.error}`
          lead.updatedAt = input.now
        }
        addCounts(email.campaignId, utcDayKey(input.now), { failed: 1 })
      } else {
        email.status = 'queued'
        email.scheduledAt = input.retryAt
      }
      return publicEmail(email)
    },
    async deferEmail(input) {
      const email = requireClaimedEmail(input.emailId, input.workerId)
      email.status = 'queued'
      email.scheduledAt = input.scheduledAt
      email.attempts = Math.max(0, email.attempts - 1)
      email.claimedBy = null
      email.claimExpiresAt = null
      email.attemptPendingSince = null
      email.updatedAt = input.now
      releaseCapSlot(email)
      return publicEmail(email)
    },
    async resolveInDoubtEmail(input: InDoubtResolutionInput) {
      const email = emails.get(input.emailId)
      if (!email) throw new NotFoundError(`outbound email ${input.emailId} not found`)
      if (email.status !== 'in_doubt') throw new ConflictError(`outbound email ${input.emailId} is ${email.status}, not in_doubt`)
      email.updatedAt = input.now
      email.claimedBy = null
      const lead = leads.get(email.leadId)
      const leadInSequence = lead !== undefined && sendableLeadStates.includes(lead.state)
      if (input.resolution === 'resend') {
        email.status = 'queued'
        email.scheduledAt = input.now
        state.notifyWork()
      } else if (input.resolution === 'cancel') {
        email.status = 'cancelled'
        email.lastError = 'in-doubt email cancelled by a human'
        if (lead && leadInSequence) {
          lead.state = 'failed'
          lead.stateReason = 'in-doubt email cancelled by a human'
          lead.updatedAt = input.now
        }
      } else {
        email.status = 'sent'
        email.sentAt = input.now
        addCounts(email.campaignId, utcDayKey(input.now), { sent: 1 })
        if (lead && leadInSequence) {
          Object.assign(lead, clone(input.lead), { resumeAt: null, stateReason: 'in-doubt email confirmed sent', updatedAt: input.now })
          if (input.next) insertEmail(lead, input.next, input.now)
        }
        state.webhooks.insertEvents(input.events, input.now)
      }
      return publicEmail(email)
    },
    async getEmail(id) {
      const email = emails.get(id)
      return email ? publicEmail(email) : null
    },
    async listEmails(filter) {
      const out: OutboundEmail[] = []
      for (const email of emails.values()) {
        if (filter.limit !== undefined && out.length >= filter.limit) break
        if (filter.campaignId !== undefined && email.campaignId !== filter.campaignId) continue
        if (filter.leadId !== undefined && email.leadId !== filter.leadId) continue
        if (filter.statuses && !filter.statuses.includes(email.status)) continue
        out.push(publicEmail(email))
      }
      return out
    },
    async findEmailsByMessageIds(messageIds) {
      const found = new Map<string, StoredEmail>()
      for (const messageId of messageIds) {
        const id = emailByMessageId.get(messageId)
        if (id) found.set(id, emails.get(id)!)
      }
      return [...found.values()].map(publicEmail)
    },
  }
}
