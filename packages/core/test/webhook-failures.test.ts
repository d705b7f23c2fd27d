import { afterEach, describe, expect, it } from 'vitest'
import type { CamEventPayloads } from '../src/index.js'
import { webhookSetup, type WebhookSetup } from './support/webhook-setup.js'

const setups: WebhookSetup[] = []
afterEach(async () => {
  for (const setup of setups.splice(0)) await setup.close()
})
const start = async (options: Parameters<typeof webhookSetup>[0] = {}) => {
  const setup = await webhookSetup({ events: ['campaign.paused', 'campaign.resumed'], ...options })
  setups.push(setup)
  return setup
}

/** Pauses and resumes the campaign `times` times: 2 × `times` events without a lead (not ordered). */
async function toggle(setup: WebhookSetup, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await setup.client.pauseCampaign(setup.campaignId, `pause ${i}`)
    await setup.client.resumeCampaign(setup.campaignId)
  }
}

const statuses = async (setup: WebhookSetup) => (await setup.client.listWebhookDeliveries({ limit: 1000 })).map((d) => d.delivery.status)

describe('outbound webhooks when the receiver misbehaves (memory store, real receiver)', () => {
  it('retries through an outage with backoff and delivers each event once after recovery, same id and same body every time', async () => {
    const setup = await start()
    await setup.cycle() // registers the endpoint
    await toggle(setup, 1)
    let down = true
    setup.receiver.answer(() => ({ status: down ? 503 : 200 }))
    const failures: Array<CamEventPayloads['webhook:failed']> = []
    setup.worker.on('webhook:failed', (event) => void failures.push(event))
    await setup.cycle()
    expect(setup.receiver.requests.map((r) => r.status)).toEqual([503, 503])
    const [pending] = await setup.client.listWebhookDeliveries()
    expect(pending!.delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503' })
    // Backoff: 1 s (±20 %) after the first failure — not attempted again before it.
    expect(pending!.delivery.nextAttemptAt.getTime() - setup.clock.now().getTime()).toBeGreaterThanOrEqual(800)
    await setup.cycle()
    expect(setup.receiver.requests).toHaveLength(2)
    for (let i = 0; i < 3; i++) {
      setup.clock.advance(10_000)
      await setup.cycle()
    }
    expect(setup.receiver.requests).toHaveLength(8) // 4 attempts of each event
    expect(failures.at(-1)!.attempts).toBe(4)
    expect(failures.every((failure) => failure.retryAt !== null && !failure.dead)).toBe(true)
    down = false
    setup.clock.advance(60_000)
    await setup.cycle()
    expect(await statuses(setup)).toEqual(['delivered', 'delivered'])
    expect(setup.receiver.accepted.map((hook) => hook.payload.type).sort()).toEqual(['campaign.paused', 'campaign.resumed']) // no lead: not ordered
    expect(setup.receiver.conflicts).toEqual([])
    const ids = new Set(setup.receiver.requests.map((r) => r.id))
    expect(ids.size).toBe(2)
  })

  it('honours Retry-After in a 429 storm and leaves the endpoint alone for the rest of the run', async () => {
    const setup = await start()
    await setup.cycle()
    await toggle(setup, 6) // 12 events, 8 requests in flight at most
    let limited = true
    setup.receiver.answer(() => (limited ? { status: 429, headers: { 'retry-after': '120' } } : { status: 200 }))
    await setup.cycle()
    expect(setup.receiver.requests).toHaveLength(8) // the 4 others were not attempted once the endpoint said 429
    const now = setup.clock.now().getTime()
    for (const { delivery } of await setup.client.listWebhookDeliveries()) {
      expect(delivery.status).toBe('pending')
      expect(delivery.nextAttemptAt.getTime() - now).toBeGreaterThanOrEqual(120_000)
    }
    setup.clock.advance(60_000)
    await setup.cycle()
    expect(setup.receiver.requests).toHaveLength(8) // Retry-After not over yet
    limited = false
    setup.clock.advance(61_000)
    await setup.cycle()
    expect(await statuses(setup)).toEqual(Array(12).fill('delivered'))
    expect(setup.receiver.accepted).toHaveLength(12)
    expect(setup.receiver.conflicts).toEqual([])
  })

  it('disables an endpoint that answers 410 Gone, keeps its deliveries, and resumes them once it is enabled again', async () => {
    const setup = await start()
    await setup.cycle()
    await toggle(setup, 2)
    setup.receiver.answer(() => ({ status: 410 }))
    const disabled: Array<CamEventPayloads['webhook:disabled']> = []
    setup.worker.on('webhook:disabled', (event) => void disabled.push(event))
    await setup.cycle()
    expect(disabled).toEqual([{ endpoint: 'crm', reason: 'HTTP 410 Gone' }])
    expect(setup.receiver.requests.length).toBeLessThanOrEqual(4)
    const [endpoint] = await setup.client.listWebhookEndpoints()
    expect(endpoint).toMatchObject({ name: 'crm', status: 'disabled', statusReason: 'HTTP 410 Gone' })
    const requests = setup.receiver.requests.length
    await toggle(setup, 1) // recorded while disabled: not for this endpoint
    setup.clock.advance(3_600_000)
    await setup.cycle()
    expect(setup.receiver.requests).toHaveLength(requests) // nothing more goes to it
    expect(await statuses(setup)).toEqual(Array(4).fill('pending'))
    setup.receiver.answer(() => ({ status: 200 }))
    await setup.client.enableWebhookEndpoint('crm')
    await setup.cycle()
    expect(await statuses(setup)).toEqual(Array(4).fill('delivered'))
    expect(setup.receiver.accepted).toHaveLength(4)
  })

  it('gives up on a slow receiver after the timeout and delivers again under the same id; the receiver dedupes', async () => {
    const setup = await start({ timeoutMs: 200 })
    await setup.cycle()
    await setup.client.pauseCampaign(setup.campaignId, 'slow')
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    setup.receiver.answer(({ attempt }) => (attempt === 0 ? { status: 200, hold: held } : { status: 200 }))
    await setup.cycle()
    const [first] = await setup.client.listWebhookDeliveries()
    expect(first!.delivery).toMatchObject({ status: 'pending', lastError: 'timeout after 200 ms' })
    setup.clock.advance(5_000)
    await setup.cycle()
    release()
    expect(await statuses(setup)).toEqual(['delivered'])
    expect(setup.receiver.requests.map((r) => r.id)).toEqual([first!.event.id, first!.event.id])
    expect(setup.receiver.requests[0]!.body).toBe(setup.receiver.requests[1]!.body)
    expect(setup.receiver.accepted).toHaveLength(1) // processed once
  })

  it('turns a delivery failing past giveUpAfterMs into a dead letter, listed and replayable under the same id', async () => {
    const setup = await start({ giveUpAfterMs: 60_000 })
    await setup.cycle()
    await setup.client.pauseCampaign(setup.campaignId, 'dead')
    setup.receiver.answer(() => ({ status: 500 }))
    const dead: Array<CamEventPayloads['webhook:failed']> = []
    setup.worker.on('webhook:failed', (event) => void (event.dead && dead.push(event)))
    for (let i = 0; i < 12 && dead.length === 0; i++) {
      await setup.cycle()
      setup.clock.advance(10_000)
    }
    expect(dead).toHaveLength(1)
    expect(dead[0]).toMatchObject({ endpoint: 'crm', type: 'campaign.paused', retryAt: null, dead: true })
    const letters = await setup.client.listWebhookDeliveries({ status: 'dead' })
    expect(letters).toHaveLength(1)
    expect(letters[0]!.delivery).toMatchObject({ status: 'dead', lastError: 'HTTP 500' })
    const attempts = setup.receiver.requests.length
    setup.clock.advance(3_600_000)
    await setup.cycle()
    expect(setup.receiver.requests).toHaveLength(attempts) // a dead letter is not retried
    setup.receiver.answer(() => ({ status: 200 }))
    const replayed = await setup.client.replayWebhookDelivery(letters[0]!.delivery.id)
    expect(replayed.delivery).toMatchObject({ status: 'pending', attempts: 0 })
    await setup.cycle()
    expect(await statuses(setup)).toEqual(['delivered'])
    expect(new Set(setup.receiver.requests.map((r) => r.body)).size).toBe(1) // one payload under one id, replay included
    expect(setup.receiver.accepted).toHaveLength(1)
    await expect(setup.client.replayWebhookDelivery(letters[0]!.delivery.id)).rejects.toMatchObject({ code: 'CONFLICT' })
  })
})
