import { finalFindingKinds } from '../domain/delivery-event.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import type { StoreV1 } from '../ports/store-v1.js'
import { clone, type MemoryStoreState } from './memory-store-state.js'

type DeliveryMethods = Pick<StoreV1, 'findEmailByProviderId' | 'recordDeliveryEvent' | 'listDeliveryEvents' | 'listEmailsAwaitingDelivery'>

/** The memory store's delivery events: recorded once per provider and id, findings counted once per email. */
export function memoryDeliveryMethods(state: MemoryStoreState): DeliveryMethods {
  const { emails, leads, deliveryEvents, findings, publicEmail } = state

  return {
    async findEmailByProviderId(providerId) {
      for (const email of emails.values()) if (email.providerId === providerId) return publicEmail(email)
      return null
    },
    async recordDeliveryEvent(input) {
      const { event, now, finding } = input
      const key = `${event.provider}\u0000${event.id}`
      if (deliveryEvents.has(key)) return { recorded: false, counted: false }
      if (!emails.has(finding.emailId)) throw new NotFoundError(`outbound email ${finding.emailId} not found`)
      const transition = input.leadTransition
      const lead = transition ? leads.get(transition.leadId) : undefined
      if (transition) {
        if (!lead) throw new NotFoundError(`lead ${transition.leadId} not found`)
        if (lead.state !== transition.from) throw new ConflictError(`lead ${transition.leadId} is ${lead.state}, expected ${transition.from}`)
      }
      // Every check passed: apply everything.
      deliveryEvents.set(key, { ...clone(event), recordedAt: now })
      const counted = state.applyFinding(finding, now)
      if (transition && lead) {
        lead.state = transition.to
        lead.stateReason = transition.reason
        if (transition.resumeAt !== undefined) lead.resumeAt = transition.resumeAt
        if (transition.replyDeadlineAt !== undefined) lead.replyDeadlineAt = transition.replyDeadlineAt
        lead.updatedAt = now
      }
      if (input.cancelPendingEmails) state.cancelQueuedEmails(event.leadId, now, `sequence stopped by ${event.provider} ${event.type} event`)
      if (input.suppression) state.applySuppression(input.suppression.email, input.suppression.reason, input.suppression.source, now)
      state.webhooks.insertEvents(input.events, now)
      return { recorded: true, counted }
    },
    async listDeliveryEvents(filter) {
      return [...deliveryEvents.values()]
        .filter((event) => (filter.emailId === undefined || event.emailId === filter.emailId) && (filter.campaignId === undefined || event.campaignId === filter.campaignId))
        .reverse()
        .slice(0, filter.limit ?? 100)
        .map(clone)
    },
    async listEmailsAwaitingDelivery(input) {
      const from = input.sentAfter.getTime()
      const to = input.sentBefore.getTime()
      return [...emails.values()]
        .filter((email) => {
          if (email.status !== 'sent' || email.providerId === null || email.sentAt === null) return false
          const sentAt = email.sentAt.getTime()
          if (sentAt < from || sentAt >= to) return false
          const known = findings.get(email.id)
          return !finalFindingKinds.some((kind) => known?.has(kind))
        })
        .sort((a, b) => a.sentAt!.getTime() - b.sentAt!.getTime() || (a.id < b.id ? -1 : 1))
        .slice(0, input.limit)
        .map(publicEmail)
    },
  }
}
