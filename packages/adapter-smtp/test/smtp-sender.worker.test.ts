import assert from 'node:assert/strict'
import { createCamClient, createCamWorker } from '@cam/core'
import { createManualClock, createMemoryStore } from '@cam/core/testing'
import { afterEach, describe, it } from 'vitest'
import { createSmtpSender, type SmtpSender } from '../src/index.js'
import { startSmtpTestServer, type SmtpTestServer } from './support/smtp-test-server.js'

const minute = 60_000
const schedule = { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] as Array<1 | 2 | 3 | 4 | 5>, startTime: '08:00', endTime: '18:00' }

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('SMTP sender under the worker', () => {
  it('sends each lead once; an email that may have been delivered is held in doubt, never sent again', async () => {
    const clock = createManualClock(new Date('2026-01-05T09:00:00Z')) // Monday 10:00 in Berlin
    const store = createMemoryStore({ clock })
    const server: SmtpTestServer = await startSmtpTestServer({ passwords: { 'ana@acme.example': 'app password' } })
    cleanups.push(() => server.close())
    const sender: SmtpSender = createSmtpSender({ host: server.host, port: server.port, requireTls: false, auth: { user: 'ana@acme.example', pass: 'app password' } })
    cleanups.push(() => sender.close())
    const client = createCamClient({ store, clock })
    const campaign = await client.createCampaign({
      name: 'SMTP run',
      sender: { email: 'ana@acme.example', name: 'Ana' },
      steps: [{ subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }}, quick question.', delayDays: 0 }],
      schedule,
      rules: [],
    })
    await client.addLeads(campaign.id, [
      { email: 'lee@prospect.example', firstName: 'Lee' },
      { email: 'kim@prospect.example', firstName: 'Kim' },
      { email: 'unknown.sam@prospect.example', firstName: 'Sam' },
    ])
    await client.startCampaign(campaign.id)
    const worker = createCamWorker({ store, sender, clock, config: { workerId: 'worker-1', stopOnSignals: false, sendConcurrency: 1, sendRetryBaseMs: minute } })

    // The first message to arrive whole is never answered: the connection drops before the 250.
    server.failNext('drop-after-message')
    for (let cycle = 0; cycle < 4; cycle++) {
      await worker.runOnce()
      clock.advance(10 * minute)
    }

    // Two messages reached DATA (one answered, one dropped after its final dot); none twice.
    assert.equal(server.messages.length, 1, 'one email accepted')
    assert.equal(server.unanswered.length, 1, 'one email arrived whole but was never answered')
    const recipients = [...server.messages, ...server.unanswered].map((message) => message.rcptTo[0]!.address).sort()
    assert.deepEqual(recipients, ['kim@prospect.example', 'lee@prospect.example'], 'each of them once, the refused recipient never')

    const emails = await store.listEmails({ campaignId: campaign.id })
    const byLead = new Map(await Promise.all(emails.map(async (email) => [(await store.getLead(email.leadId))?.email, email] as const)))
    const accepted = server.messages[0]!.rcptTo[0]!.address
    const dropped = server.unanswered[0]!.rcptTo[0]!.address
    assert.equal(byLead.get(accepted)?.status, 'sent')
    assert.equal(byLead.get(accepted)?.providerId, server.messages[0]!.queueId, 'the queue id is recorded as the provider id')
    assert.equal(byLead.get(dropped)?.status, 'in_doubt', 'the email that may have gone out is held for a human, not retried')
    assert.equal(byLead.get('unknown.sam@prospect.example')?.status, 'failed')
    assert.match(byLead.get('unknown.sam@prospect.example')?.lastError ?? '', /550 5\.1\.1/)
  })
})
