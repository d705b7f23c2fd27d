import { createHash, randomUUID } from 'node:crypto'
import type { InboundMessage } from '../domain/inbound-message.js'
import type { Lead } from '../domain/lead.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import type { LeadTransition, MessageOutcome, StoreV1 } from '../ports/store-v1.js'
import { utcDayKey } from '../util/day-key.js'
import { clone, type MemoryStoreState, type StoredMessage } from './memory-store-state.js'

/** The parts of a message's outcome that act on its lead, campaign and alerts. */
type ReplyEffects = Pick<MessageOutcome, 'leadId' | 'campaignId' | 'leadTransition' | 'cancelPendingEmails' | 'reschedulePendingEmailTo' | 'suppression' | 'alert' | 'metrics'>

type MessageMethods = Pick<
  StoreV1,
  | 'getInboxCursor'
  | 'saveInboxCursor'
  | 'saveInboundMessage'
  | 'claimPendingMessages'
  | 'recordMessageOutcome'
  | 'releaseMessage'
  | 'quarantineMessage'
  | 'retryQuarantinedMessage'
  | 'getInboundMessage'
  | 'listInboundMessages'
  | 'reclassifyMessage'
>

/** The memory store's inbound messages: stored with their cursor, claimed, processed, quarantined. */
export function memoryMessageMethods(state: MemoryStoreState): MessageMethods {
  const { messages, messageBySource, messageByMessageId, messageByContent, cursors, leads, publicMessage } = state

  const requireClaimedMessage = (messageId: string, workerId: string): StoredMessage => {
    const message = messages.get(messageId)
    if (!message) throw new NotFoundError(`inbound message ${messageId} not found`)
    if (message.status !== 'pending' || message.claimedBy !== workerId) {
      throw new ConflictError(`inbound message ${messageId} is not claimed by ${workerId}`)
    }
    return message
  }

  /** What a classified reply does beyond the message itself (shared by outcome and reclassification). */
  const applyReplyEffects = (effects: ReplyEffects & { lead: Lead | undefined }, now: Date) => {
    const { lead, leadTransition: transition } = effects
    if (transition && lead) {
      lead.state = transition.to
      lead.stateReason = transition.reason
      if (transition.resumeAt !== undefined) lead.resumeAt = transition.resumeAt
      if (transition.replyDeadlineAt !== undefined) lead.replyDeadlineAt = transition.replyDeadlineAt
      lead.updatedAt = now
    }
    if (effects.leadId && effects.cancelPendingEmails) state.cancelQueuedEmails(effects.leadId, now, 'sequence stopped by reply')
    if (effects.leadId && effects.reschedulePendingEmailTo) {
      for (const email of state.leadEmails(effects.leadId)) {
        if (email.status === 'queued') {
          email.scheduledAt = effects.reschedulePendingEmailTo
          email.updatedAt = now
        }
      }
    }
    if (effects.suppression) state.applySuppression(effects.suppression.email, effects.suppression.reason, effects.suppression.source, now)
    if (effects.alert) state.createAlertRows(effects.alert.alert, effects.alert.channels, now)
    state.addCounts(effects.campaignId, utcDayKey(now), effects.metrics)
  }

  /** A lead transition's lead, checked: it exists and is still in `from`. */
  const requireLeadIn = (transition: LeadTransition | undefined): Lead | undefined => {
    if (!transition) return undefined
    const lead = leads.get(transition.leadId)
    if (!lead) throw new NotFoundError(`lead ${transition.leadId} not found`)
    if (lead.state !== transition.from) throw new ConflictError(`lead ${transition.leadId} is ${lead.state}, expected ${transition.from}`)
    return lead
  }

  return {
    async getInboxCursor(inbox) {
      return cursors.get(inbox) ?? null
    },
    async saveInboxCursor(inbox, cursor) {
      cursors.set(inbox, cursor)
    },
    async saveInboundMessage(input) {
      cursors.set(input.inbox, input.cursor)
      const sourceKey = `${input.inbox}\u0000${input.sourceKey}`
      // Without a Message-ID, the same bytes in the same inbox are the same message.
      const contentHash = input.messageId ? null : createHash('sha256').update(input.raw).digest('hex')
      const contentKey = contentHash === null ? null : `${input.inbox}\u0000${contentHash}`
      const existing =
        messageBySource.get(sourceKey) ??
        (input.messageId ? messageByMessageId.get(input.messageId) : undefined) ??
        (contentKey ? messageByContent.get(contentKey) : undefined)
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
        failures: 0,
        lastError: null,
        claimedBy: null,
        claimExpiresAt: null,
        availableAt: new Date(0),
        seq: state.nextSequence(),
        contentHash,
      }
      messages.set(message.id, message)
      messageBySource.set(sourceKey, message.id)
      if (input.messageId) messageByMessageId.set(input.messageId, message.id)
      if (contentKey) messageByContent.set(contentKey, message.id)
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
        // A claim that expired: the worker processing it crashed or stalled.
        if (message.claimedBy !== null) message.failures += 1
        message.claimedBy = input.workerId
        message.claimExpiresAt = new Date(input.now.getTime() + input.claimTtlMs)
        message.attempts += 1
      }
      return due.map(publicMessage)
    },
    async recordMessageOutcome(outcome) {
      const message = requireClaimedMessage(outcome.messageId, outcome.workerId)
      const lead = requireLeadIn(outcome.leadTransition)
      if (outcome.finding && !state.emails.has(outcome.finding.emailId)) throw new NotFoundError(`outbound email ${outcome.finding.emailId} not found`)
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
      applyReplyEffects({ ...outcome, lead }, now)
      if (outcome.finding) state.applyFinding(outcome.finding, now)
      state.webhooks.insertEvents(outcome.events, now)
    },
    async releaseMessage(input) {
      const message = requireClaimedMessage(input.messageId, input.workerId)
      message.claimedBy = null
      message.claimExpiresAt = null
      message.availableAt = input.retryAt
      if (input.error !== undefined) {
        message.failures += 1
        message.lastError = input.error
      }
    },
    async quarantineMessage(input) {
      const message = requireClaimedMessage(input.messageId, input.workerId)
      message.status = 'quarantined'
      if (input.countFailure !== false) message.failures += 1
      message.lastError = input.error
      message.claimedBy = null
      message.claimExpiresAt = null
      return publicMessage(message)
    },
    async retryQuarantinedMessage(input) {
      const message = messages.get(input.messageId)
      if (!message) throw new NotFoundError(`inbound message ${input.messageId} not found`)
      if (message.status !== 'quarantined') throw new ConflictError(`inbound message ${input.messageId} is ${message.status}, not quarantined`)
      message.status = 'pending'
      message.failures = 0
      message.availableAt = input.now
      state.notifyWork()
      return publicMessage(message)
    },
    async getInboundMessage(id) {
      const message = messages.get(id)
      return message ? publicMessage(message) : null
    },
    async listInboundMessages(filter) {
      const newestFirst = filter.order === 'newest_first'
      // After a message that does not exist: nothing.
      const afterSeq = filter.after === undefined ? undefined : (messages.get(filter.after)?.seq ?? (newestFirst ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY))
      const out: InboundMessage[] = []
      for (const message of [...messages.values()].sort((a, b) => (newestFirst ? b.seq - a.seq : a.seq - b.seq))) {
        if (filter.limit !== undefined && out.length >= filter.limit) break
        if (afterSeq !== undefined && (newestFirst ? message.seq >= afterSeq : message.seq <= afterSeq)) continue
        if (filter.leadId !== undefined && message.leadId !== filter.leadId) continue
        if (filter.campaignId !== undefined && message.campaignId !== filter.campaignId) continue
        if (filter.status !== undefined && message.status !== filter.status) continue
        if (filter.category !== undefined && message.classification?.category !== filter.category) continue
        out.push(publicMessage(message))
      }
      return out
    },
    async reclassifyMessage(input) {
      const message = messages.get(input.messageId)
      if (!message) throw new NotFoundError(`inbound message ${input.messageId} not found`)
      if (message.status !== 'processed') throw new ConflictError(`inbound message ${input.messageId} is ${message.status}, not processed`)
      const stored = message.classification?.category ?? null
      if (stored !== input.expectedCategory) throw new ConflictError(`inbound message ${input.messageId} is classified ${stored ?? 'nothing'}, expected ${input.expectedCategory ?? 'nothing'}`)
      const lead = requireLeadIn(input.leadTransition)
      // Every check passed: apply everything.
      message.classification = clone(input.classification)
      message.note = input.note
      applyReplyEffects({ ...input, lead, leadId: message.leadId, campaignId: message.campaignId }, input.now)
      state.webhooks.insertEvents(input.events, input.now)
      return publicMessage(message)
    },
  }
}
