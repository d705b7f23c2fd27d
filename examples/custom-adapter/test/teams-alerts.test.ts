import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker } from '@cam/core'
import { createManualClock, createMemoryInbox, createMemorySender, createMemoryStore, describeAlertChannelConformance, type ReceivedAlertPart } from '@cam/core/testing'
import { createTeamsAlerts } from '../src/create-teams-alerts.js'
import { startTeamsWebhookServer } from './teams-webhook-server.js'

/** Every text of a card as Teams renders it (HTML + Markdown). */
function cardParts(card: Record<string, unknown>): ReceivedAlertPart[] {
  const parts: ReceivedAlertPart[] = [
    { format: 'html', text: String(card.title ?? '') },
    { format: 'html', text: String(card.summary ?? '') },
  ]
  for (const section of (card.sections as Array<{ text?: string; facts?: Array<{ name: string; value: string }> }>) ?? []) {
    if (section.text) parts.push({ format: 'html', text: section.text })
    for (const fact of section.facts ?? []) parts.push({ format: 'html', text: `${fact.name}: ${fact.value}` })
  }
  return parts
}

// The published conformance suite, run against the adapter and the fake webhook.
describeAlertChannelConformance(
  { describe, it, beforeEach, afterEach },
  {
    name: 'teams webhook (custom adapter example)',
    failures: ['rate-limited', 'unavailable', 'rejected'],
    create: async () => {
      const server = await startTeamsWebhookServer()
      return {
        channel: createTeamsAlerts({ webhookUrl: server.url }),
        received: () => server.cards.map((card) => ({ parts: cardParts(card) })),
        failNext: (failure) => server.failNext(failure),
        close: () => server.close(),
      }
    },
  },
)

describe('teams alerts in a worker', () => {
  it('delivers a positive reply alert to the webhook exactly once, surviving an outage', async () => {
    const server = await startTeamsWebhookServer()
    try {
      const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
      const store = createMemoryStore({ clock })
      const client = createCamClient({ store, clock })
      const campaign = await client.createCampaign({
        name: 'Teams demo',
        sender: { email: 'ana@sender.example' },
        steps: [{ subject: 'Hello', text: 'Hi {{ firstName }}', delayDays: 0 }],
        schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
      })
      const { addedLeads } = await client.addLeads(campaign.id, [{ email: 'lee@prospect.example', firstName: 'Lee' }])
      await client.startCampaign(campaign.id)
      const inbox = createMemoryInbox()
      const sender = createMemorySender()
      const teams = createTeamsAlerts({ webhookUrl: server.url, link: (alert) => `https://app.example/leads/${alert.leadId}` })
      const worker = createCamWorker({ store, inbox, sender, alerts: [teams], clock, config: { stopOnSignals: false } })
      await worker.runOnce()
      const [sent] = sender.sent
      inbox.deliver(`From: lee@prospect.example\r\nTo: ana@sender.example\r\nSubject: Re: Hello\r\nMessage-ID: <r1@prospect.example>\r\nIn-Reply-To: ${sent!.email.messageId}\r\n\r\nYes, I'm interested — let's talk next week.\r\n`)
      server.failNext('unavailable')
      await worker.runOnce()
      expect(server.cards).toHaveLength(0)
      clock.advance(10 * 60_000)
      await worker.runOnce()
      clock.advance(10 * 60_000)
      await worker.runOnce()
      expect(server.cards).toHaveLength(1)
      const card = server.cards[0]!
      expect(card.title).toBe('Positive reply from Lee')
      expect(JSON.stringify(card.potentialAction)).toContain(`https://app.example/leads/${addedLeads[0]!.id}`)
    } finally {
      await server.close()
    }
  })

  it('refuses a webhook URL that is not https', () => {
    expect(() => createTeamsAlerts({ webhookUrl: 'ftp://example.com/x' })).toThrow(/webhookUrl: expected an https URL/)
  })
})
