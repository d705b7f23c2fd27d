import { describe, expect, it } from 'vitest'
import { CamError, createCamClient, createCamWorker, type LogFields } from '../src/index.js'
import { createMemoryAlertChannel, createMemoryInbox, createMemorySender } from '../src/testing/index.js'
import { startOneStepCampaign } from './support/one-step-campaign.js'
import { replyMessage } from './support/raw-messages.js'

/** A started one-step campaign whose emails went out and whose replies a real worker processed. */
async function campaignWithReplies(bodies: string[]) {
  const setup = await startOneStepCampaign('Operator', bodies.length)
  const inbox = createMemoryInbox({ name: 'replies' })
  const sender = createMemorySender()
  const slack = createMemoryAlertChannel({ name: 'slack' })
  const worker = createCamWorker({ store: setup.store, inbox, sender, alerts: [slack], clock: setup.clock, config: { workerId: 'w1', stopOnSignals: false } })
  await worker.runOnce()
  for (const [index, body] of bodies.entries()) {
    const sent = sender.sent.find((entry) => entry.email.to.email === setup.leadEmails[index])!
    inbox.deliver(replyMessage({ from: setup.leadEmails[index]!, subject: 'Re: Hello', inReplyTo: sent.email.messageId, body }), { receivedAt: setup.clock.now() })
  }
  setup.clock.advance(60_000)
  await worker.runOnce()
  await worker.runOnce()
  const logs: Array<{ message: string; fields: LogFields | undefined }> = []
  const record = (message: string, fields?: LogFields) => void logs.push({ message, fields })
  const client = createCamClient({
    store: setup.store,
    clock: setup.clock,
    alertChannels: ['slack'],
    logger: { debug: record, info: record, warn: record, error: record },
  })
  return { ...setup, client, slack, worker, logs }
}

describe('operator methods of the client', () => {
  it('lists replies newest first, by category, in keyset pages', async () => {
    const { client, campaignId } = await campaignWithReplies(['Yes please, send me a calendar link.', 'Not interested, thanks.', 'Sounds good, let us talk on Tuesday.'])
    const all = await client.listReplies({ campaignId })
    expect(all).toHaveLength(3)
    expect(all.map((message) => message.classification?.category)).toEqual(['positive', 'negative', 'positive'])
    const firstPage = await client.listReplies({ campaignId, limit: 2 })
    const secondPage = await client.listReplies({ campaignId, limit: 2, before: firstPage[1]!.id })
    expect([...firstPage, ...secondPage].map((message) => message.id)).toEqual(all.map((message) => message.id))
    expect((await client.listReplies({ category: 'negative', campaignId })).map((message) => message.id)).toEqual([all[1]!.id])
    expect((await client.listReplies({ leadId: all[2]!.leadId! })).map((message) => message.id)).toEqual([all[2]!.id])
  })

  it('overrides a classification: the lead moves, the alert goes to the channels, the old counter is taken back, the actor is logged', async () => {
    const { client, store, campaignId, leadEmails, logs } = await campaignWithReplies(['Not interested, thanks.'])
    const [reply] = await client.listReplies({ campaignId })
    expect(reply?.classification?.category).toBe('negative')
    const lead = (await client.listLeads({ email: leadEmails[0]! }))[0]!
    expect(lead.state).toBe('not_interested')
    expect((await client.getCampaignMetrics(campaignId)).lifetime.counts.negative).toBe(1)

    const updated = await client.overrideReplyClassification(reply!.id, { category: 'positive', actor: 'maria@ops', reason: 'they asked for pricing in the next line' })
    expect(updated.classification).toMatchObject({ category: 'positive', confidence: 1, classifier: 'person' })
    expect(updated.classification?.reason).toContain('set by maria@ops: they asked for pricing')
    expect(updated.classification?.reason).toContain('was negative')
    expect((await client.getLead(lead.id))?.state).toBe('interested')
    const metrics = await client.getCampaignMetrics(campaignId)
    expect(metrics.lifetime.counts.positive).toBe(1)
    expect(metrics.lifetime.counts.negative).toBe(0)
    expect(metrics.lifetime.counts.replied).toBe(1)
    const alerts = await client.listAlerts({ campaignId })
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ kind: 'reply', category: 'positive', leadId: lead.id, messageId: reply!.id })
    expect((await client.listAlertDeliveries({ alertId: alerts[0]!.id })).map((delivery) => delivery.channel)).toEqual(['slack'])
    expect(logs.find((entry) => entry.message === 'reply reclassified')?.fields).toMatchObject({ actor: 'maria@ops', from: 'negative', to: 'positive' })
    expect((await store.listInboundMessages({ category: 'positive' })).map((message) => message.id)).toEqual([reply!.id])
  })

  it('records the events of an override for subscribed webhook endpoints, in the same step', async () => {
    const { client, store, campaignId, clock } = await campaignWithReplies(['Not interested, thanks.'])
    await store.registerWebhookEndpoints({ endpoints: [{ name: 'crm', url: 'https://crm.example/hooks', events: ['reply.classified', 'lead.state_changed', 'alert.raised'] }], now: clock.now() })
    const [reply] = await client.listReplies({ campaignId })
    await client.overrideReplyClassification(reply!.id, { category: 'positive', actor: 'maria@ops' })
    const events = (await store.listWebhookDeliveries({ endpoint: 'crm' })).map(({ event }) => event)
    expect(events.map((event) => event.type)).toEqual(['reply.classified', 'lead.state_changed', 'alert.raised'])
    expect(events[0]).toMatchObject({ leadId: reply!.leadId, data: { messageId: reply!.id, category: 'positive', confidence: 1, classifier: 'person' } })
    expect(events[1]).toMatchObject({ data: { from: 'not_interested', to: 'interested' } })
    const [alert] = await client.listAlerts({ campaignId })
    expect(events[2]).toMatchObject({ data: { alertId: alert!.id, category: 'positive' } })
  })

  it('overrides to unsubscribe: the address is suppressed and stays so until removed by a person', async () => {
    const { client, campaignId, leadEmails, logs } = await campaignWithReplies(['Who are you?'])
    const [reply] = await client.listReplies({ campaignId })
    await client.overrideReplyClassification(reply!.id, { category: 'unsubscribe', actor: 'ops' })
    expect((await client.getSuppression(leadEmails[0]!))?.reason).toBe('unsubscribe')
    await client.overrideReplyClassification(reply!.id, { category: 'question', actor: 'ops' })
    expect(await client.getSuppression(leadEmails[0]!), 'an override never lifts a suppression').not.toBeNull()
    expect((await client.listSuppressions({ search: leadEmails[0]!.slice(0, 3).toUpperCase() })).map((entry) => entry.email)).toEqual([leadEmails[0]])
    expect(await client.removeSuppression(leadEmails[0]!, { actor: 'ops', reason: 'they wrote back asking to stay in touch' })).toEqual({ removed: true })
    expect(await client.getSuppression(leadEmails[0]!)).toBeNull()
    expect(await client.removeSuppression(leadEmails[0]!, { actor: 'ops', reason: 'again' })).toEqual({ removed: false })
    expect(logs.find((entry) => entry.message === 'suppression removed')?.fields).toMatchObject({ actor: 'ops', was: 'unsubscribe' })
  })

  it('refuses bad arguments naming every field, and a bounce as a category a person sets', async () => {
    const { client, campaignId } = await campaignWithReplies(['Maybe later.'])
    const [reply] = await client.listReplies({ campaignId })
    const error = await client.overrideReplyClassification(reply!.id, { category: 'bounce' as never, actor: '' }).catch((caught: unknown) => caught)
    expect(CamError.isInstance(error, 'VALIDATION_FAILED')).toBe(true)
    expect((error as Error).message).toContain('input.category')
    expect((error as Error).message).toContain('input.actor')
    await expect(client.listReplies({ category: 'nope' as never, limit: 0 })).rejects.toThrow(/filter\.category.*filter\.limit|filter\.limit.*filter\.category/s)
    await expect(client.overrideReplyClassification('missing', { category: 'positive', actor: 'ops' })).rejects.toSatisfy((caught) => CamError.isInstance(caught, 'NOT_FOUND'))
  })

  it('gives a campaign day by day, zeros for quiet days, and lists the workers', async () => {
    const { client, campaignId, clock } = await campaignWithReplies(['Yes, interested.'])
    clock.advance(3 * 86_400_000)
    const days = await client.getCampaignDailyMetrics(campaignId, { days: 5 })
    expect(days.map((entry) => entry.day)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'])
    expect(days.map((entry) => entry.counts.sent)).toEqual([0, 1, 0, 0, 0])
    expect(days.map((entry) => entry.counts.positive)).toEqual([0, 1, 0, 0, 0])
    const workers = await client.listWorkers()
    expect(workers.map((worker) => worker.workerId)).toEqual(['w1'])
    expect(workers[0]!.cycles).toBeGreaterThan(0)
  })
})
