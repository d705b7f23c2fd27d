import { randomUUID } from 'node:crypto'
import type { Alert, AlertDelivery, NewAlert } from '../domain/alert.js'
import type { Campaign, NewCampaign } from '../domain/campaign.js'
import type { WorkerHeartbeat } from '../domain/heartbeat.js'
import type { InboundMessage } from '../domain/inbound-message.js'
import { sendableLeadStates, type Lead, type LeadState } from '../domain/lead.js'
import { addMetricCounts, emptyMetricCounts, type MetricCounts } from '../domain/metrics.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import type { Suppression, SuppressionReason } from '../domain/suppression.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import type { Lease, LockV1 } from '../ports/lock-v1.js'
import type {
  AddLeadsInput,
  AddLeadsResult,
  CampaignCounters,
  ClaimDueEmailsResult,
  ClaimedEmail,
  InDoubtResolutionInput,
  NewOutboundEmail,
  StoreV1,
} from '../ports/store-v1.js'
import { systemClock, type Clock } from '../util/clock.js'
import { utcDayKey } from '../util/day-key.js'

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Clock used for leases (the "database clock" of this store). Pass the worker's
   * manual clock in simulations so leases expire in simulated time.
   */
  clock?: Clock
}

/** An in-memory {@link StoreV1} and {@link LockV1}, for tests, examples and prototypes. */
export interface MemoryStore extends StoreV1, LockV1 {
  /** Makes the next `count` calls of `operation` (a method name) throw `error` — to simulate outages. */
  failNext(operation: keyof StoreV1 | keyof LockV1, count?: number, error?: Error): void
}

interface StoredEmail extends OutboundEmail {
  /** Day key the email was counted against its campaign's daily cap, null when not counted. */
  capDay: string | null
  /** When the current claim was taken. */
  claimedAt: Date | null
}

interface StoredMessage extends InboundMessage {
  availableAt: Date
  seq: number
}

interface StoredLease {
  holder: string | null
  token: number
  expiresAt: Date
}

const inSequenceStates: readonly LeadState[] = ['queued', 'active', 'paused', 'completed']

const clone = <T>(value: T): T => structuredClone(value)

/**
 * Creates an in-memory store. Every method runs synchronously to completion inside
 * its promise, so each one is atomic, like a database transaction.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? systemClock
  const campaigns = new Map<string, Campaign>()
  const leads = new Map<string, Lead>()
  const leadSeq = new Map<string, number>()
  const leadByCampaignEmail = new Map<string, string>()
  const leadsByEmail = new Map<string, Set<string>>()
  const emails = new Map<string, StoredEmail>()
  const emailByLeadStep = new Map<string, string>()
  const emailByMessageId = new Map<string, string>()
  const messages = new Map<string, StoredMessage>()
  const messageBySource = new Map<string, string>()
  const messageByMessageId = new Map<string, string>()
  const cursors = new Map<string, string>()
  const suppressions = new Map<string, Suppression>()
  const counters = new Map<string, Map<string, MetricCounts>>()
  const dailySends = new Map<string, number>()
  /** Where the next claim starts in its list of campaigns (fair turns across calls). */
  let claimRotation = 0
  const alerts = new Map<string, Alert>()
  const deliveries = new Map<string, AlertDelivery>()
  const heartbeats = new Map<string, WorkerHeartbeat>()
  const leases = new Map<string, StoredLease>()
  const workListeners = new Set<() => void>()
  const failures = new Map<string, Error[]>()
  let sequence = 0

  const notifyWork = () => {
    for (const listener of workListeners) {
      try {
        listener()
      } catch {
        // A listener's failure must not break the store operation that queued work.
      }
    }
  }

  const checkFailure = (operation: string) => {
    const queue = failures.get(operation)
    const error = queue?.shift()
    if (error) throw error
  }

  const requireCampaign = (id: string): Campaign => {
    const campaign = campaigns.get(id)
    if (!campaign) throw new NotFoundError(`campaign ${id} not found`)
    return campaign
  }

  const newEmail = (lead: Lead, draft: NewOutboundEmail, now: Date): StoredEmail => ({
    id: draft.id,
    campaignId: lead.campaignId,
    leadId: lead.id,
    stepIndex: draft.stepIndex,
    status: 'queued',
    scheduledAt: new Date(draft.scheduledAt),
    messageId: draft.messageId,
    providerId: null,
    providerMessageId: null,
    idempotencyKey: draft.idempotencyKey,
    inReplyTo: draft.inReplyTo,
    references: [...draft.references],
    subject: null,
    attempts: 0,
    lastError: null,
    claimedBy: null,
    claimExpiresAt: null,
    sentAt: null,
    createdAt: now,
    updatedAt: now,
    capDay: null,
    claimedAt: null,
  })

  const insertEmail = (lead: Lead, draft: NewOutboundEmail, now: Date): boolean => {
    const key = `${lead.id}\u0000${draft.stepIndex}`
    if (emailByLeadStep.has(key)) return false
    if (emails.has(draft.id)) throw new ConflictError(`outbound email ${draft.id} already exists`)
    const email = newEmail(lead, draft, now)
    emails.set(email.id, email)
    emailByLeadStep.set(key, email.id)
    emailByMessageId.set(email.messageId, email.id)
    return true
  }

  const publicEmail = (email: StoredEmail): OutboundEmail => {
    const { capDay: _capDay, claimedAt: _claimedAt, ...rest } = email
    return clone(rest)
  }

  const publicMessage = (message: StoredMessage): InboundMessage => {
    const { availableAt: _availableAt, seq: _seq, ...rest } = message
    return clone(rest)
  }

  const leadEmails = (leadId: string): StoredEmail[] => [...emails.values()].filter((email) => email.leadId === leadId)

  const cancelQueuedEmails = (leadId: string, now: Date, reason: string) => {
    for (const email of leadEmails(leadId)) {
      if (email.status === 'queued') {
        email.status = 'cancelled'
        email.lastError = reason
        email.updatedAt = now
        releaseCapSlot(email)
      }
    }
  }

  const releaseCapSlot = (email: StoredEmail) => {
    if (email.capDay === null) return
    const key = `${email.campaignId}|${email.capDay}`
    dailySends.set(key, Math.max(0, (dailySends.get(key) ?? 0) - 1))
    email.capDay = null
  }

  const addCounts = (campaignId: string | null, day: string, counts: Partial<MetricCounts> | undefined) => {
    if (!campaignId || !counts) return
    let byDay = counters.get(campaignId)
    if (!byDay) counters.set(campaignId, (byDay = new Map()))
    byDay.set(day, addMetricCounts(byDay.get(day) ?? emptyMetricCounts(), counts))
  }

  const createAlertRows = (alert: NewAlert, channels: string[], now: Date): Alert => {
    const stored: Alert = { ...clone(alert), id: randomUUID(), createdAt: now }
    alerts.set(stored.id, stored)
    for (const channel of new Set(channels)) {
      const delivery: AlertDelivery = {
        id: randomUUID(),
        alertId: stored.id,
        channel,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        deliveredAt: null,
        claimedBy: null,
        claimExpiresAt: null,
      }
      deliveries.set(delivery.id, delivery)
    }
    return stored
  }

  const applySuppression = (email: string, reason: SuppressionReason, source: string | null, now: Date): boolean => {
    const created = !suppressions.has(email)
    if (created) suppressions.set(email, { email, reason, source, createdAt: now })
    const target: LeadState = reason === 'hard_bounce' ? 'bounced' : 'unsubscribed'
    for (const leadId of leadsByEmail.get(email) ?? []) {
      const lead = leads.get(leadId)!
      cancelQueuedEmails(leadId, now, `address suppressed (${reason})`)
      if (inSequenceStates.includes(lead.state)) {
        lead.state = target
        lead.stateReason = `address suppressed (${reason})`
        lead.resumeAt = null
        lead.replyDeadlineAt = null
        lead.updatedAt = now
      }
    }
    return created
  }

  const requireClaimedEmail = (emailId: string, workerId: string): StoredEmail => {
    const email = emails.get(emailId)
    if (!email) throw new NotFoundError(`outbound email ${emailId} not found`)
    if (email.status !== 'sending' || email.claimedBy !== workerId) {
      throw new ConflictError(`outbound email ${emailId} is not claimed by ${workerId} (status ${email.status})`)
    }
    return email
  }

  const store: StoreV1 & LockV1 = {
    // ── campaigns ──────────────────────────────────────────────────────────────
    async createCampaign(campaign: NewCampaign, now: Date) {
      const stored: Campaign = { ...clone(campaign), id: randomUUID(), status: 'draft', statusReason: null, createdAt: now, updatedAt: now }
      campaigns.set(stored.id, stored)
      return clone(stored)
    },
    async getCampaign(id) {
      const campaign = campaigns.get(id)
      return campaign ? clone(campaign) : null
    },
    async listCampaigns(filter = {}) {
      return [...campaigns.values()].filter((c) => !filter.statuses || filter.statuses.includes(c.status)).map(clone)
    },
    async updateCampaign(id, patch, now) {
      const campaign = requireCampaign(id)
      Object.assign(campaign, clone(patch), { updatedAt: now })
      return clone(campaign)
    },
    async transitionCampaign(input) {
      const campaign = requireCampaign(input.campaignId)
      if (!input.from.includes(campaign.status)) return null
      campaign.status = input.to
      campaign.statusReason = input.reason
      campaign.updatedAt = input.now
      if (input.alert) createAlertRows(input.alert.alert, input.alert.channels, input.now)
      if (input.to === 'active') notifyWork()
      return clone(campaign)
    },

    // ── leads ──────────────────────────────────────────────────────────────────
    async addLeads(input: AddLeadsInput): Promise<AddLeadsResult> {
      requireCampaign(input.campaignId)
      const result: AddLeadsResult = { added: [], duplicates: [], suppressed: [] }
      for (const { lead: draft, firstEmail } of input.leads) {
        const key = `${input.campaignId}\u0000${draft.emailNormalized}`
        if (leadByCampaignEmail.has(key)) {
          result.duplicates.push(draft.emailNormalized)
          continue
        }
        if (suppressions.has(draft.emailNormalized)) {
          result.suppressed.push(draft.emailNormalized)
          continue
        }
        const lead: Lead = {
          ...clone(draft),
          id: randomUUID(),
          campaignId: input.campaignId,
          state: 'queued',
          stateReason: null,
          nextStepIndex: 0,
          resumeAt: null,
          lastSentAt: null,
          replyDeadlineAt: null,
          threadSubject: null,
          createdAt: input.now,
          updatedAt: input.now,
        }
        leads.set(lead.id, lead)
        leadSeq.set(lead.id, ++sequence)
        leadByCampaignEmail.set(key, lead.id)
        let byEmail = leadsByEmail.get(lead.emailNormalized)
        if (!byEmail) leadsByEmail.set(lead.emailNormalized, (byEmail = new Set()))
        byEmail.add(lead.id)
        insertEmail(lead, firstEmail, input.now)
        result.added.push(clone(lead))
      }
      if (result.added.length > 0) notifyWork()
      return result
    },
    async getLead(id) {
      const lead = leads.get(id)
      return lead ? clone(lead) : null
    },
    async listLeads(filter) {
      const limit = filter.limit ?? 100
      const afterSeq = filter.after === undefined ? 0 : (leadSeq.get(filter.after) ?? Number.POSITIVE_INFINITY)
      const out: Lead[] = []
      for (const lead of leads.values()) {
        if (out.length >= limit) break
        if ((leadSeq.get(lead.id) ?? 0) <= afterSeq) continue
        if (filter.campaignId !== undefined && lead.campaignId !== filter.campaignId) continue
        if (filter.states && !filter.states.includes(lead.state)) continue
        if (filter.email !== undefined && lead.emailNormalized !== filter.email) continue
        out.push(clone(lead))
      }
      return out
    },
    async findLeadsByEmail(email) {
      const found = [...(leadsByEmail.get(email) ?? [])].map((id) => leads.get(id)!)
      found.sort((a, b) => (b.lastSentAt?.getTime() ?? 0) - (a.lastSentAt?.getTime() ?? 0) || (leadSeq.get(b.id) ?? 0) - (leadSeq.get(a.id) ?? 0))
      return found.map(clone)
    },
    async countLeadsByState(campaignId) {
      const counts: Partial<Record<LeadState, number>> = {}
      for (const lead of leads.values()) {
        if (lead.campaignId === campaignId) counts[lead.state] = (counts[lead.state] ?? 0) + 1
      }
      return counts
    },
    async transitionLead(input) {
      const lead = leads.get(input.leadId)
      if (!lead) throw new NotFoundError(`lead ${input.leadId} not found`)
      if (lead.state !== input.from) return null
      lead.state = input.to
      lead.stateReason = input.reason
      if (input.resumeAt !== undefined) lead.resumeAt = input.resumeAt
      if (input.replyDeadlineAt !== undefined) lead.replyDeadlineAt = input.replyDeadlineAt
      lead.updatedAt = input.now
      if (input.cancelPendingEmails) cancelQueuedEmails(lead.id, input.now, `lead moved to ${input.to}`)
      return clone(lead)
    },
    async listLeadsPastReplyDeadline({ now, limit }) {
      return [...leads.values()]
        .filter((l) => (l.state === 'completed' || l.state === 'paused') && l.replyDeadlineAt !== null && l.replyDeadlineAt <= now)
        .sort((a, b) => a.replyDeadlineAt!.getTime() - b.replyDeadlineAt!.getTime())
        .slice(0, limit)
        .map(clone)
    },

    // ── outbound emails ────────────────────────────────────────────────────────
    async claimDueEmails(input): Promise<ClaimDueEmailsResult> {
      const { now } = input
      const result: ClaimDueEmailsResult = { claimed: [], inDoubt: [], cancelledSuppressed: [] }
      const caps = new Map(input.caps.map((cap) => [cap.campaignId, cap]))
      const candidates: StoredEmail[] = []
      for (const email of emails.values()) {
        if (!caps.has(email.campaignId)) continue
        if (email.status === 'sending' && email.claimExpiresAt !== null && email.claimExpiresAt <= now) {
          const forgotten =
            input.senderIdempotencyWindowMs !== undefined && email.claimedAt !== null && now.getTime() - email.claimedAt.getTime() > input.senderIdempotencyWindowMs
          if (!input.senderIdempotent || forgotten) {
            email.status = 'in_doubt'
            email.lastError = forgotten
              ? `claim by ${email.claimedBy} expired while sending, longer ago than the provider keeps idempotency keys; not resent`
              : `claim by ${email.claimedBy} expired while sending; not resent because the sender is not idempotent`
            email.claimedBy = null
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
      const start = listed.length === 0 ? 0 : claimRotation % listed.length
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
        email.claimedBy = input.workerId
        email.claimExpiresAt = new Date(now.getTime() + input.claimTtlMs)
        email.attempts += 1
        email.updatedAt = now
        const claimed: ClaimedEmail = { email: publicEmail(email), lead: clone(lead), campaign: clone(campaign) }
        result.claimed.push(claimed)
        lastServed = email.campaignId
      }
      if (lastServed !== null) claimRotation = (listed.indexOf(lastServed) + 1) % listed.length
      return result
    },
    async recordEmailSent(input) {
      const email = requireClaimedEmail(input.emailId, input.workerId)
      email.status = 'sent'
      email.sentAt = input.sentAt
      email.subject = input.subject
      email.providerId = input.providerId
      email.providerMessageId = input.providerMessageId
      email.claimedBy = null
      email.claimExpiresAt = null
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
      return publicEmail(email)
    },
    async recordEmailFailed(input) {
      const email = requireClaimedEmail(input.emailId, input.workerId)
      email.lastError = input.error
      email.claimedBy = null
      email.claimExpiresAt = null
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
      email.updatedAt = input.now
      releaseCapSlot(email)
      return publicEmail(email)
    },
    async resolveInDoubtEmail(input: InDoubtResolutionInput) {
      const email = emails.get(input.emailId)
      if (!email) throw new NotFoundError(`outbound email ${input.emailId} not found`)
      if (email.status !== 'in_doubt') throw new ConflictError(`outbound email ${input.emailId} is ${email.status}, not in_doubt`)
      email.updatedAt = input.now
      const lead = leads.get(email.leadId)
      const leadInSequence = lead !== undefined && sendableLeadStates.includes(lead.state)
      if (input.resolution === 'resend') {
        email.status = 'queued'
        email.scheduledAt = input.now
        notifyWork()
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

    // ── inbound messages ───────────────────────────────────────────────────────
    async getInboxCursor(inbox) {
      return cursors.get(inbox) ?? null
    },
    async saveInboxCursor(inbox, cursor) {
      cursors.set(inbox, cursor)
    },
    async saveInboundMessage(input) {
      cursors.set(input.inbox, input.cursor)
      const sourceKey = `${input.inbox}\u0000${input.sourceKey}`
      const existing = messageBySource.get(sourceKey) ?? (input.messageId ? messageByMessageId.get(input.messageId) : undefined)
      if (existing) return { stored: false, id: existing }
      const message: StoredMessage = {
        id: randomUUID(),
        inbox: input.inbox,
        sourceKey: input.sourceKey,
        messageId: input.messageId,
        raw: new Uint8Array(input.raw),
        truncated: input.truncated,
        receivedAt: input.receivedAt,
        status: 'pending',
        processedAt: null,
        leadId: null,
        campaignId: null,
        outboundEmailId: null,
        classification: null,
        note: null,
        attempts: 0,
        claimedBy: null,
        claimExpiresAt: null,
        availableAt: new Date(0),
        seq: ++sequence,
      }
      messages.set(message.id, message)
      messageBySource.set(sourceKey, message.id)
      if (input.messageId) messageByMessageId.set(input.messageId, message.id)
      return { stored: true, id: message.id }
    },
    async claimPendingMessages(input) {
      const due = [...messages.values()]
        .filter(
          (m) =>
            m.status === 'pending' &&
            m.availableAt <= input.now &&
            (m.claimedBy === null || (m.claimExpiresAt !== null && m.claimExpiresAt <= input.now)),
        )
        .sort((a, b) => a.seq - b.seq)
        .slice(0, input.limit)
      for (const message of due) {
        message.claimedBy = input.workerId
        message.claimExpiresAt = new Date(input.now.getTime() + input.claimTtlMs)
        message.attempts += 1
      }
      return due.map(publicMessage)
    },
    async recordMessageOutcome(outcome) {
      const message = messages.get(outcome.messageId)
      if (!message) throw new NotFoundError(`inbound message ${outcome.messageId} not found`)
      if (message.status !== 'pending' || message.claimedBy !== outcome.workerId) {
        throw new ConflictError(`inbound message ${outcome.messageId} is not claimed by ${outcome.workerId}`)
      }
      const transition = outcome.leadTransition
      const lead = transition ? leads.get(transition.leadId) : undefined
      if (transition) {
        if (!lead) throw new NotFoundError(`lead ${transition.leadId} not found`)
        if (lead.state !== transition.from) {
          throw new ConflictError(`lead ${transition.leadId} is ${lead.state}, expected ${transition.from}`)
        }
      }
      // Every check passed: apply everything.
      const { now } = outcome
      message.status = 'processed'
      message.processedAt = now
      message.leadId = outcome.leadId
      message.campaignId = outcome.campaignId
      message.outboundEmailId = outcome.outboundEmailId
      message.classification = outcome.classification ? clone(outcome.classification) : null
      message.note = outcome.note
      message.claimedBy = null
      message.claimExpiresAt = null
      if (transition && lead) {
        lead.state = transition.to
        lead.stateReason = transition.reason
        if (transition.resumeAt !== undefined) lead.resumeAt = transition.resumeAt
        if (transition.replyDeadlineAt !== undefined) lead.replyDeadlineAt = transition.replyDeadlineAt
        lead.updatedAt = now
      }
      if (outcome.leadId && outcome.cancelPendingEmails) cancelQueuedEmails(outcome.leadId, now, 'sequence stopped by reply')
      if (outcome.leadId && outcome.reschedulePendingEmailTo) {
        for (const email of leadEmails(outcome.leadId)) {
          if (email.status === 'queued') {
            email.scheduledAt = outcome.reschedulePendingEmailTo
            email.updatedAt = now
          }
        }
      }
      if (outcome.suppression) applySuppression(outcome.suppression.email, outcome.suppression.reason, outcome.suppression.source, now)
      if (outcome.alert) createAlertRows(outcome.alert.alert, outcome.alert.channels, now)
      addCounts(outcome.campaignId, utcDayKey(now), outcome.metrics)
    },
    async releaseMessage(input) {
      const message = messages.get(input.messageId)
      if (!message) throw new NotFoundError(`inbound message ${input.messageId} not found`)
      if (message.status !== 'pending' || message.claimedBy !== input.workerId) {
        throw new ConflictError(`inbound message ${input.messageId} is not claimed by ${input.workerId}`)
      }
      message.claimedBy = null
      message.claimExpiresAt = null
      message.note = input.error
      message.availableAt = input.retryAt
    },
    async getInboundMessage(id) {
      const message = messages.get(id)
      return message ? publicMessage(message) : null
    },
    async listInboundMessages(filter) {
      const out: InboundMessage[] = []
      for (const message of messages.values()) {
        if (filter.limit !== undefined && out.length >= filter.limit) break
        if (filter.leadId !== undefined && message.leadId !== filter.leadId) continue
        if (filter.status !== undefined && message.status !== filter.status) continue
        out.push(publicMessage(message))
      }
      return out
    },

    // ── suppressions ───────────────────────────────────────────────────────────
    async suppress(input) {
      return { created: applySuppression(input.email, input.reason, input.source, input.now) }
    },
    async getSuppression(email) {
      const entry = suppressions.get(email)
      return entry ? clone(entry) : null
    },
    async listSuppressions(filter = {}) {
      return [...suppressions.values()].slice(0, filter.limit ?? 1000).map(clone)
    },

    // ── metrics ────────────────────────────────────────────────────────────────
    async getCampaignCounters({ campaignIds, sinceDay }): Promise<CampaignCounters[]> {
      return campaignIds.map((campaignId) => {
        let lifetime = emptyMetricCounts()
        let window = emptyMetricCounts()
        for (const [day, counts] of counters.get(campaignId) ?? []) {
          lifetime = addMetricCounts(lifetime, counts)
          if (day >= sinceDay) window = addMetricCounts(window, counts)
        }
        return { campaignId, lifetime, window }
      })
    },

    // ── alerts ─────────────────────────────────────────────────────────────────
    async createAlert(input) {
      return clone(createAlertRows(input.alert, input.channels, input.now))
    },
    async claimAlertDeliveries(input) {
      const channels = new Set(input.channels)
      const due = [...deliveries.values()]
        .filter(
          (d) =>
            channels.has(d.channel) &&
            ((d.status === 'pending' && d.nextAttemptAt <= input.now) ||
              (d.status === 'delivering' && d.claimExpiresAt !== null && d.claimExpiresAt <= input.now)),
        )
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
        .slice(0, input.limit)
      return due.map((delivery) => {
        delivery.status = 'delivering'
        delivery.claimedBy = input.workerId
        delivery.claimExpiresAt = new Date(input.now.getTime() + input.claimTtlMs)
        delivery.attempts += 1
        return { delivery: clone(delivery), alert: clone(alerts.get(delivery.alertId)!) }
      })
    },
    async recordAlertDelivered(input) {
      const delivery = deliveries.get(input.deliveryId)
      if (!delivery) throw new NotFoundError(`alert delivery ${input.deliveryId} not found`)
      if (delivery.status !== 'delivering' || delivery.claimedBy !== input.workerId) {
        throw new ConflictError(`alert delivery ${input.deliveryId} is not claimed by ${input.workerId}`)
      }
      delivery.status = 'delivered'
      delivery.deliveredAt = input.now
      delivery.lastError = null
      delivery.claimedBy = null
      delivery.claimExpiresAt = null
    },
    async recordAlertFailed(input) {
      const delivery = deliveries.get(input.deliveryId)
      if (!delivery) throw new NotFoundError(`alert delivery ${input.deliveryId} not found`)
      if (delivery.status !== 'delivering' || delivery.claimedBy !== input.workerId) {
        throw new ConflictError(`alert delivery ${input.deliveryId} is not claimed by ${input.workerId}`)
      }
      delivery.status = 'pending'
      delivery.nextAttemptAt = input.retryAt
      delivery.lastError = input.error
      delivery.claimedBy = null
      delivery.claimExpiresAt = null
    },
    async listAlerts(filter = {}) {
      return [...alerts.values()]
        .filter((a) => filter.campaignId === undefined || a.campaignId === filter.campaignId)
        .slice(0, filter.limit ?? 1000)
        .map(clone)
    },
    async listAlertDeliveries(filter = {}) {
      return [...deliveries.values()]
        .filter((d) => (filter.alertId === undefined || d.alertId === filter.alertId) && (!filter.statuses || filter.statuses.includes(d.status)))
        .map(clone)
    },

    // ── workers ────────────────────────────────────────────────────────────────
    async recordHeartbeat(heartbeat) {
      heartbeats.set(heartbeat.workerId, clone(heartbeat))
    },
    async listHeartbeats() {
      return [...heartbeats.values()].map(clone)
    },

    onWorkQueued(listener) {
      workListeners.add(listener)
      return () => workListeners.delete(listener)
    },
    async close() {
      workListeners.clear()
    },

    // ── lock ───────────────────────────────────────────────────────────────────
    async acquire({ name, holder, ttlMs }): Promise<Lease | null> {
      const now = clock.now()
      const expiresAt = new Date(now.getTime() + ttlMs)
      const row = leases.get(name)
      if (row && row.holder === holder && row.expiresAt > now) {
        row.expiresAt = expiresAt
        return { name, holder, token: row.token, expiresAt }
      }
      if (row && row.holder !== null && row.expiresAt > now) return null
      const token = (row?.token ?? 0) + 1
      leases.set(name, { holder, token, expiresAt })
      return { name, holder, token, expiresAt }
    },
    async renew(lease, ttlMs) {
      const row = leases.get(lease.name)
      if (!row || row.holder !== lease.holder || row.token !== lease.token) return null
      row.expiresAt = new Date(clock.now().getTime() + ttlMs)
      return { ...lease, expiresAt: row.expiresAt }
    },
    async release(lease) {
      const row = leases.get(lease.name)
      if (!row || row.holder !== lease.holder || row.token !== lease.token) return
      row.holder = null
      row.expiresAt = clock.now()
    },
  }

  // Failure injection: wrap every method so `failNext` can make it throw.
  const wrapped = {} as MemoryStore
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') continue
    const method = value as (...args: unknown[]) => unknown
    ;(wrapped as unknown as Record<string, unknown>)[name] =
      name === 'onWorkQueued'
        ? method
        : async (...args: unknown[]) => {
            checkFailure(name)
            return method(...args)
          }
  }
  wrapped.failNext = (operation, count = 1, error) => {
    const queue = failures.get(operation) ?? []
    for (let i = 0; i < count; i++) queue.push(error ?? new Error(`injected ${String(operation)} failure`))
    failures.set(operation, queue)
  }
  return wrapped
}
