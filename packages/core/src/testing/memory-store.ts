import { randomUUID } from 'node:crypto'
import type { Campaign, NewCampaign } from '../domain/campaign.js'
import type { Lead, LeadState } from '../domain/lead.js'
import { addMetricCounts, emptyMetricCounts } from '../domain/metrics.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import type { Lease, LockV1 } from '../ports/lock-v1.js'
import type { AddLeadsInput, AddLeadsResult, CampaignCounters, StoreV1 } from '../ports/store-v1.js'
import { systemClock, type Clock } from '../util/clock.js'
import { memoryEmailMethods } from './memory-email-methods.js'
import { memoryMessageMethods } from './memory-message-methods.js'
import { clone, createMemoryStoreState } from './memory-store-state.js'

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

/**
 * Creates an in-memory store. Every method runs synchronously to completion inside
 * its promise, so each one is atomic, like a database transaction.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? systemClock
  const state = createMemoryStoreState(clock)
  const { campaigns, leads, leadSeq, leadByCampaignEmail, leadsByEmail, suppressions, counters, alerts, deliveries, heartbeats, leases, workListeners } = state
  const { notifyWork, requireCampaign, insertEmail, cancelQueuedEmails, createAlertRows, applySuppression } = state
  const failures = new Map<string, Error[]>()

  const checkFailure = (operation: string) => {
    const queue = failures.get(operation)
    const error = queue?.shift()
    if (error) throw error
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
        leadSeq.set(lead.id, state.nextSequence())
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

    ...memoryEmailMethods(state),
    ...memoryMessageMethods(state),


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
