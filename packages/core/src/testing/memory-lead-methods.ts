import { randomUUID } from 'node:crypto'
import type { Lead, LeadState } from '../domain/lead.js'
import { NotFoundError } from '../errors/adapter-error.js'
import type { AddLeadsInput, AddLeadsResult, StoreV1 } from '../ports/store-v1.js'
import { clone, type MemoryStoreState } from './memory-store-state.js'

type LeadMethods = Pick<
  StoreV1,
  'addLeads' | 'getLead' | 'listLeads' | 'findLeadsByEmail' | 'countLeadsByState' | 'transitionLead' | 'listLeadsPastReplyDeadline'
>

/** The memory store's leads (each added with its first email). */
export function memoryLeadMethods(state: MemoryStoreState): LeadMethods {
  const { leads, leadSeq, leadByCampaignEmail, leadsByEmail, suppressions, requireCampaign, insertEmail, cancelQueuedEmails, notifyWork } = state
  return {
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
          mailbox: null,
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
      state.webhooks.insertEvents(input.events, input.now)
      return clone(lead)
    },
    async listLeadsPastReplyDeadline({ now, limit }) {
      return [...leads.values()]
        .filter((l) => (l.state === 'completed' || l.state === 'paused') && l.replyDeadlineAt !== null && l.replyDeadlineAt <= now)
        .sort((a, b) => a.replyDeadlineAt!.getTime() - b.replyDeadlineAt!.getTime())
        .slice(0, limit)
        .map(clone)
    },
  }
}
