import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createCamClient, createCamWorker } from '@cam/core'
import { createManualClock, createMemoryInbox, createMemorySender, createMemoryStore } from '@cam/core/testing'
import { afterEach, describe, it } from 'vitest'
import { createSlackAlerts } from '../src/index.js'
import { startSlackApiServer, type SlackApiServer } from './slack-api-server.js'

const minute = 60_000
const schedule = { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] as Array<1 | 2 | 3 | 4 | 5>, startTime: '08:00', endTime: '18:00' }

const servers: SlackApiServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

function reply(options: { from: string; subject: string; inReplyTo: string; body: string; date: Date }): string {
  return [
    `From: ${options.from}`,
    'To: Ana <ana@acme.example>',
    `Subject: ${options.subject}`,
    `Date: ${options.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@prospect.example>`,
    `In-Reply-To: ${options.inReplyTo}`,
    `References: ${options.inReplyTo}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    options.body,
    '',
  ].join('\r\n')
}

type Block = { type: string; text?: { text: string }; elements?: Array<{ text: string }> }

describe('Slack alerts under the worker: an hour-long Slack outage', () => {
  it('ends with each positive reply alerted exactly once, with hostile reply text inert', async () => {
    const clock = createManualClock(new Date('2026-01-05T09:00:00Z')) // Monday 10:00 in Berlin
    const store = createMemoryStore({ clock })
    const inbox = createMemoryInbox({ name: 'replies' })
    const sender = createMemorySender()
    const slack = await startSlackApiServer()
    servers.push(slack)
    const client = createCamClient({ store, clock })
    const campaign = await client.createCampaign({
      name: 'Q1 <!channel> outreach',
      sender: { email: 'ana@acme.example', name: 'Ana' },
      steps: [{ subject: 'Quick question, {{ firstName }}', text: 'Hi {{ firstName }}, does this help?', delayDays: 0 }],
      schedule,
      rules: [],
    })
    const names = ['Lee', 'Kim', 'Sam']
    await client.addLeads(
      campaign.id,
      names.map((firstName) => ({ email: `${firstName.toLowerCase()}@prospect.example`, firstName })),
    )
    await client.startCampaign(campaign.id)
    const worker = createCamWorker({
      store,
      inbox,
      sender,
      alerts: [createSlackAlerts({ webhookUrl: slack.webhookUrl, appUrl: (alert) => `https://app.acme.example/leads/${alert.leadId ?? ''}` })],
      clock,
      config: { workerId: 'worker-1', stopOnSignals: false },
    })
    const sentEvents: string[] = []
    const failedEvents: string[] = []
    worker.on('alert:sent', (event) => void sentEvents.push(event.alertId))
    worker.on('alert:failed', (event) => void failedEvents.push(event.alertId))

    await worker.runOnce()
    assert.equal(sender.sent.length, 3, 'the first step went out to the three leads')

    // Slack goes down; then the three leads say yes (one reply carries mention/HTML injection attempts).
    slack.setDown(true)
    for (const [index, record] of sender.sent.entries()) {
      inbox.deliver(
        reply({
          from: `${names[index]} <${record.email.to.email}>`,
          subject: `Re: ${record.email.subject}`,
          inReplyTo: record.email.messageId,
          body:
            index === 0
              ? "Yes, this sounds great. Let's set up a call next week. <!channel> <@U123> <script>alert(1)</script>"
              : "Yes, this sounds great. Let's set up a call next week.",
          date: clock.now(),
        }),
      )
    }

    // One hour of simulated time with Slack down, the worker cycling every minute.
    for (let elapsed = 0; elapsed < 60 * minute; elapsed += minute) {
      await worker.runOnce()
      clock.advance(minute)
    }
    assert.equal(slack.messages.length, 0, 'nothing was posted during the outage')
    const attemptsDuringOutage = slack.requests.length
    assert.ok(attemptsDuringOutage >= 3 * 3, `deliveries were retried during the outage (${attemptsDuringOutage} attempts)`)
    assert.ok(attemptsDuringOutage < 3 * 60, 'retries backed off instead of hammering Slack every cycle')
    assert.equal(new Set(failedEvents).size, 3, 'each of the three alerts failed and was rescheduled')

    // Slack comes back, first rate limiting once; the worker keeps cycling for two more hours.
    slack.setDown(false)
    slack.failNext({ type: 'rate-limited', retryAfterSeconds: 30 })
    for (let elapsed = 0; elapsed < 120 * minute; elapsed += minute) {
      await worker.runOnce()
      clock.advance(minute)
    }

    assert.equal(slack.messages.length, 3, 'each alert was posted exactly once')
    assert.equal(slack.requests.filter((request) => request.status === 429).length, 1, 'the rate limit after the outage was honoured')
    assert.equal(new Set(sentEvents).size, 3)
    assert.equal(sentEvents.length, 3, 'no alert was reported delivered twice')
    const alertIds = slack.messages.map((message) => {
      const footer = (message.payload['blocks'] as Block[]).at(-1)?.elements?.[0]?.text ?? ''
      return /alert (\S+) ·/.exec(footer)?.[1]
    })
    assert.equal(new Set(alertIds).size, 3, 'three different alerts')
    for (const [index, address] of names.map((name) => `${name.toLowerCase()}@prospect.example`).entries()) {
      assert.equal(slack.messages.filter((message) => JSON.stringify(message.payload).includes(address)).length, 1, `one message about lead ${index}`)
    }
    const everything = JSON.stringify(slack.messages.map((message) => message.payload))
    for (const live of ['<!channel>', '<@U123>', '<script>']) assert.ok(!everything.includes(live), `${live} is inert`)
    assert.ok(everything.includes('&lt;!channel&gt;'), 'the hostile text is shown, escaped')

    // Later cycles post nothing more.
    for (let elapsed = 0; elapsed < 30 * minute; elapsed += 5 * minute) {
      await worker.runOnce()
      clock.advance(5 * minute)
    }
    assert.equal(slack.messages.length, 3)
  })
})
