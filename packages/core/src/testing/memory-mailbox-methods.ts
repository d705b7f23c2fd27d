import type { MailboxState } from '../domain/mailbox.js'
import { addMetricCounts, emptyMetricCounts } from '../domain/metrics.js'
import { NotFoundError } from '../errors/adapter-error.js'
import type { StoreV1 } from '../ports/store-v1.js'
import { clone, type MemoryStoreState, type StoredMailbox } from './memory-store-state.js'

type MailboxMethods = Pick<StoreV1, 'registerMailboxes' | 'reserveMailboxSend' | 'releaseMailboxSend' | 'listMailboxes' | 'transitionMailbox' | 'getMailboxCounters'>

/** The memory store's sending pool: settings, status, daily reservations and per-mailbox counters. */
export function memoryMailboxMethods(state: MemoryStoreState): MailboxMethods {
  const { mailboxes, mailboxCounters } = state

  const toState = (mailbox: StoredMailbox, day: string): MailboxState => ({
    ...clone(mailbox.settings),
    status: mailbox.status,
    statusReason: mailbox.statusReason,
    firstSendDay: mailbox.firstSendDay,
    sentOnDay: mailbox.used.get(day) ?? 0,
    lastSentAt: mailbox.lastSentAt,
    updatedAt: mailbox.updatedAt,
  })

  return {
    async registerMailboxes(input) {
      for (const settings of input.mailboxes) {
        const existing = mailboxes.get(settings.name)
        if (existing) {
          existing.settings = clone(settings)
          existing.updatedAt = input.now
        } else {
          mailboxes.set(settings.name, { settings: clone(settings), status: 'active', statusReason: null, firstSendDay: null, lastSentAt: null, updatedAt: input.now, used: new Map() })
        }
      }
    },
    async reserveMailboxSend(input) {
      const mailbox = mailboxes.get(input.mailbox)
      if (!mailbox) return { reserved: false, reason: 'unknown', availableAt: null }
      if (mailbox.status !== 'active') return { reserved: false, reason: 'paused', availableAt: null }
      const used = mailbox.used.get(input.day) ?? 0
      if (used >= input.limit) return { reserved: false, reason: 'limit', availableAt: null }
      if (mailbox.lastSentAt !== null && input.now.getTime() - mailbox.lastSentAt.getTime() < input.minGapMs) {
        return { reserved: false, reason: 'gap', availableAt: new Date(mailbox.lastSentAt.getTime() + input.minGapMs) }
      }
      mailbox.used.set(input.day, used + 1)
      mailbox.lastSentAt = input.now
      mailbox.firstSendDay ??= input.day
      mailbox.updatedAt = input.now
      return { reserved: true }
    },
    async releaseMailboxSend(input) {
      const mailbox = mailboxes.get(input.mailbox)
      if (!mailbox) return
      mailbox.used.set(input.day, Math.max(0, (mailbox.used.get(input.day) ?? 0) - 1))
    },
    async listMailboxes(input) {
      const names = input.names ?? [...mailboxes.keys()].sort()
      return names.flatMap((name) => {
        const mailbox = mailboxes.get(name)
        return mailbox ? [toState(mailbox, input.day)] : []
      })
    },
    async transitionMailbox(input) {
      const mailbox = mailboxes.get(input.name)
      if (!mailbox) throw new NotFoundError(`mailbox ${input.name} not found`)
      if (!input.from.includes(mailbox.status)) return null
      mailbox.status = input.to
      mailbox.statusReason = input.to === 'active' ? null : input.reason
      mailbox.updatedAt = input.now
      if (input.alert) state.createAlertRows(input.alert.alert, input.alert.channels, input.now)
      state.webhooks.insertEvents(input.events, input.now)
      return toState(mailbox, input.now.toISOString().slice(0, 10))
    },
    async getMailboxCounters(input) {
      return input.names.map((name) => {
        let lifetime = emptyMetricCounts()
        let window = emptyMetricCounts()
        for (const [day, counts] of mailboxCounters.get(name) ?? []) {
          lifetime = addMetricCounts(lifetime, counts)
          if (day >= input.sinceDay) window = addMetricCounts(window, counts)
        }
        return { mailbox: name, lifetime, window }
      })
    },
  }
}
