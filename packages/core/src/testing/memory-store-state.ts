import { randomUUID } from 'node:crypto'
import type { Alert, AlertDelivery, NewAlert } from '../domain/alert.js'
import type { Campaign } from '../domain/campaign.js'
import type { DeliveryEvent, EmailFindingKind } from '../domain/delivery-event.js'
import type { WorkerHeartbeat } from '../domain/heartbeat.js'
import type { InboundMessage } from '../domain/inbound-message.js'
import type { MailboxSettings, MailboxStatus } from '../domain/mailbox.js'
import { openLeadStates, type Lead, type LeadState } from '../domain/lead.js'
import { addMetricCounts, emptyMetricCounts, type MetricCounts } from '../domain/metrics.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import type { Suppression, SuppressionReason } from '../domain/suppression.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import type { EmailFinding, NewOutboundEmail } from '../ports/store-v1.js'
import { utcDayKey } from '../util/day-key.js'
import type { Clock } from '../util/clock.js'
import { createMemoryWebhookState } from './memory-webhook-state.js'

/** An outbound email as the memory store keeps it. */
export interface StoredEmail extends OutboundEmail {
  /** Day key the email was counted against its campaign's daily cap, null when not counted. */
  capDay: string | null
  /** When the current claim was taken. */
  claimedAt: Date | null
  /** The claim (its `claimedAt`) still waiting to be handed to the sender; null once it was, or when not tracked. */
  attemptPendingSince: Date | null
}

/** An inbound message as the memory store keeps it. */
export interface StoredMessage extends InboundMessage {
  availableAt: Date
  seq: number
  /** SHA-256 of the raw bytes, kept for messages without a Message-ID (deduplication per inbox). */
  contentHash: string | null
}

/** A pool mailbox as the memory store keeps it. */
export interface StoredMailbox {
  settings: MailboxSettings
  status: MailboxStatus
  statusReason: string | null
  firstSendDay: string | null
  lastSentAt: Date | null
  updatedAt: Date
  /** Sends reserved per UTC day. */
  used: Map<string, number>
}

/** A lease row. */
export interface StoredLease {
  holder: string | null
  token: number
  expiresAt: Date
}

/** A deep copy, so callers never hold the store's own objects. */
export const clone = <T>(value: T): T => structuredClone(value)

/**
 * Everything the memory store keeps, and the helpers its method groups share. Every
 * method runs synchronously to completion inside its promise, so each one is atomic.
 */
export function createMemoryStoreState(clock: Clock) {
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
  const messageByContent = new Map<string, string>()
  const cursors = new Map<string, string>()
  const suppressions = new Map<string, Suppression>()
  const counters = new Map<string, Map<string, MetricCounts>>()
  const dailySends = new Map<string, number>()
  const alerts = new Map<string, Alert>()
  const deliveries = new Map<string, AlertDelivery>()
  const heartbeats = new Map<string, WorkerHeartbeat>()
  const leases = new Map<string, StoredLease>()
  /** Per outbound email: its findings, each with whether it was counted. */
  const findings = new Map<string, Map<EmailFindingKind, boolean>>()
  /** Delivery events by `provider` NUL `id`. */
  const deliveryEvents = new Map<string, DeliveryEvent>()
  const mailboxes = new Map<string, StoredMailbox>()
  /** Per mailbox, per UTC day. */
  const mailboxCounters = new Map<string, Map<string, MetricCounts>>()
  const workListeners = new Set<() => void>()
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
    mailbox: null,
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
    attemptPendingSince: null,
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
    const { capDay: _capDay, claimedAt: _claimedAt, attemptPendingSince: _attemptPendingSince, ...rest } = email
    return clone(rest)
  }

  const publicMessage = (message: StoredMessage): InboundMessage => {
    const { availableAt: _availableAt, seq: _seq, contentHash: _contentHash, ...rest } = message
    return clone(rest)
  }

  const leadEmails = (leadId: string): StoredEmail[] => [...emails.values()].filter((email) => email.leadId === leadId)

  const releaseCapSlot = (email: StoredEmail) => {
    if (email.capDay === null) return
    const key = `${email.campaignId}|${email.capDay}`
    dailySends.set(key, Math.max(0, (dailySends.get(key) ?? 0) - 1))
    email.capDay = null
  }

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

  const addCounts = (campaignId: string | null, day: string, counts: Partial<MetricCounts> | undefined) => {
    if (!campaignId || !counts) return
    let byDay = counters.get(campaignId)
    if (!byDay) counters.set(campaignId, (byDay = new Map()))
    byDay.set(day, addMetricCounts(byDay.get(day) ?? emptyMetricCounts(), counts))
  }

  const addMailboxCounts = (mailbox: string | null, day: string, counts: Partial<MetricCounts> | undefined) => {
    if (!mailbox || !counts) return
    let byDay = mailboxCounters.get(mailbox)
    if (!byDay) mailboxCounters.set(mailbox, (byDay = new Map()))
    byDay.set(day, addMetricCounts(byDay.get(day) ?? emptyMetricCounts(), counts))
  }

  const createAlertRows = (alert: NewAlert, channels: string[], now: Date): Alert => {
    const stored: Alert = { ...clone(alert), id: alert.id ?? randomUUID(), createdAt: now }
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
      if (openLeadStates.includes(lead.state)) {
        lead.state = target
        lead.stateReason = `address suppressed (${reason})`
        lead.resumeAt = null
        lead.replyDeadlineAt = null
        lead.updatedAt = now
      }
    }
    return created
  }

  /** Records a finding about an email; its counters move only the first time (see `EmailFinding`). Returns whether they did. */
  const applyFinding = (finding: EmailFinding, now: Date): boolean => {
    const email = emails.get(finding.emailId)
    if (!email) throw new NotFoundError(`outbound email ${finding.emailId} not found`)
    let known = findings.get(email.id)
    if (!known) findings.set(email.id, (known = new Map()))
    if (known.has(finding.kind)) return false
    const counted = !(finding.unlessKinds ?? []).some((kind) => known.has(kind))
    known.set(finding.kind, counted)
    if (!counted) return false
    const day = utcDayKey(now)
    addCounts(email.campaignId, day, finding.metrics)
    addMailboxCounts(email.mailbox, day, finding.metrics)
    if (finding.amends && known.get(finding.amends.kind) === true) {
      addCounts(email.campaignId, day, finding.amends.metrics)
      addMailboxCounts(email.mailbox, day, finding.amends.metrics)
    }
    return true
  }

  /**
   * The email `workerId` holds: `sending` under its claim — or, with `orInDoubt`, set
   * `in_doubt` while this worker was sending it (the worker now knows the outcome).
   */
  const requireClaimedEmail = (emailId: string, workerId: string, options: { orInDoubt?: boolean } = {}): StoredEmail => {
    const email = emails.get(emailId)
    if (!email) throw new NotFoundError(`outbound email ${emailId} not found`)
    const held = email.status === 'sending' || (options.orInDoubt === true && email.status === 'in_doubt')
    if (!held || email.claimedBy !== workerId) {
      throw new ConflictError(`outbound email ${emailId} is not claimed by ${workerId} (status ${email.status})`)
    }
    return email
  }

  return {
    clock,
    campaigns,
    leads,
    leadSeq,
    leadByCampaignEmail,
    leadsByEmail,
    emails,
    emailByLeadStep,
    emailByMessageId,
    messages,
    messageBySource,
    messageByMessageId,
    messageByContent,
    cursors,
    suppressions,
    counters,
    dailySends,
    alerts,
    deliveries,
    heartbeats,
    leases,
    findings,
    deliveryEvents,
    mailboxes,
    mailboxCounters,
    workListeners,
    /** Webhook endpoints, the event outbox and deliveries. */
    webhooks: createMemoryWebhookState(),
    /** Where the next email claim starts in its list of campaigns (fair turns across calls). */
    claimRotation: 0,
    nextSequence: () => ++sequence,
    notifyWork,
    requireCampaign,
    insertEmail,
    publicEmail,
    publicMessage,
    leadEmails,
    releaseCapSlot,
    cancelQueuedEmails,
    addCounts,
    addMailboxCounts,
    createAlertRows,
    applySuppression,
    applyFinding,
    requireClaimedEmail,
  }
}

/** The shared state of one memory store. */
export type MemoryStoreState = ReturnType<typeof createMemoryStoreState>
