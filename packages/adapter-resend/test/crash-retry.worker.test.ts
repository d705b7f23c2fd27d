import assert from 'node:assert/strict'
import { createCamClient, createCamWorker, type StoreV1 } from '@cam/core'
import { createManualClock, createMemoryStore } from '@cam/core/testing'
import { afterEach, describe, it } from 'vitest'
import { createResendSender } from '../src/index.js'
import { startResendApiServer, type ResendApiServer } from './resend-api-server.js'

const minute = 60_000
const schedule = { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] as Array<1 | 2 | 3 | 4 | 5>, startTime: '08:00', endTime: '18:00' }

const servers: ResendApiServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/** A worker with the memory store and the Resend sender on the fake Resend API, one campaign of three leads. */
async function setup(wrapStore: (store: StoreV1) => StoreV1) {
  const clock = createManualClock(new Date('2026-01-05T09:00:00Z')) // Monday 10:00 in Berlin
  const memoryStore = createMemoryStore({ clock })
  const server = await startResendApiServer({ rateLimit: { limit: 20, windowMs: 1000 } })
  servers.push(server)
  const client = createCamClient({ store: memoryStore, clock })
  const campaign = await client.createCampaign({
    name: 'Crash test',
    sender: { email: 'ana@acme.example', name: 'Ana' },
    steps: [{ subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }}, quick question.', delayDays: 0 }],
    schedule,
    rules: [],
  })
  const report = await client.addLeads(
    campaign.id,
    ['Lee', 'Kim', 'Sam'].map((firstName) => ({ email: `${firstName.toLowerCase()}@prospect.example`, firstName })),
  )
  assert.equal(report.added, 3)
  await client.startCampaign(campaign.id)
  const sender = createResendSender({ apiKey: server.apiKey, baseUrl: server.url, rateLimit: { requestsPerSecond: 20 } })
  // The memory store is also the Lock; the wrapper keeps every method (plain object, no `this`).
  const store = wrapStore(memoryStore) as StoreV1 & typeof memoryStore
  const worker = createCamWorker({ store, sender, clock, config: { workerId: 'worker-1', stopOnSignals: false, sendConcurrency: 1 } })
  const stepErrors: unknown[] = []
  worker.on('step:error', (event) => void stepErrors.push(event))
  return { clock, memoryStore, server, worker, campaign, stepErrors }
}

describe('Resend sender under the worker: crash between the HTTP call and the store update', () => {
  it('a retry after the crash produces one email per lead at Resend', async () => {
    let crashes = 0
    const { clock, memoryStore, server, worker, campaign, stepErrors } = await setup((store) => ({
      ...store,
      // Records one by one (no group commit), so the crash hits this email's own record.
      recordEmailsSent: undefined,
      async recordEmailSent(input) {
        if (crashes === 0) {
          crashes++
          // Resend has the email; the process dies before the store learns it.
          throw new Error('simulated crash after the HTTP call, before the store update')
        }
        return store.recordEmailSent(input)
      },
    }))

    await worker.runOnce()
    assert.equal(crashes, 1, 'the store update failed once')
    assert.ok(stepErrors.length > 0, 'the worker reported the failed step')
    assert.equal(server.emails.length, 1, 'the first email reached Resend before the crash')

    // The crashed claim expires; the email is claimed again and re-sent with the same Idempotency-Key.
    clock.advance(6 * minute)
    await worker.runOnce()
    clock.advance(6 * minute)
    await worker.runOnce()

    const sent = await memoryStore.listEmails({ campaignId: campaign.id, statuses: ['sent'] })
    assert.equal(sent.length, 3, 'every email is recorded as sent')
    assert.equal(server.emails.length, 3, 'Resend holds exactly one email per lead')
    assert.deepEqual(server.emails.flatMap((email) => email.recipients).sort(), ['kim@prospect.example', 'lee@prospect.example', 'sam@prospect.example'])
    const keys = server.emails.map((email) => email.idempotencyKey)
    assert.equal(new Set(keys).size, 3, 'one idempotency key per outbound email')
    const posts = server.requests.filter((request) => request.path === '/emails' && request.status === 200)
    assert.ok(posts.length > server.emails.length, 'the crashed email was posted again and answered from the idempotency record')
    // The provider id recorded for the crashed email is the one Resend gave the first time.
    for (const email of sent) {
      const stored = server.emails.find((candidate) => candidate.idempotencyKey === email.idempotencyKey)
      assert.ok(stored, `Resend has ${email.id}`)
      assert.equal(email.providerId, stored.id)
    }
  })

  it('a lost response followed by a retry produces one email at Resend', async () => {
    const { clock, memoryStore, server, worker, campaign } = await setup((store) => store)
    server.failNext({ type: 'drop-after-accept' })
    await worker.runOnce()
    assert.equal(server.emails.length, 3, 'Resend accepted all three, one answer was lost')
    const notYet = await memoryStore.listEmails({ campaignId: campaign.id, statuses: ['sent'] })
    assert.equal(notYet.length, 2, 'the email whose answer was lost is not recorded as sent yet')

    for (let i = 0; i < 10; i++) {
      clock.advance(2 * minute)
      await worker.runOnce()
    }
    const sent = await memoryStore.listEmails({ campaignId: campaign.id, statuses: ['sent'] })
    assert.equal(sent.length, 3)
    assert.equal(server.emails.length, 3, 'the retry did not send a second email')
  })
})
