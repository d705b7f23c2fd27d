import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { CamError } from '../../errors/cam-error.js'
import type { WithStore } from './test-api.js'
import { sampleAlert, sampleCampaign, sampleEmail, sampleLead, seedCampaign } from './store-fixtures.js'
import type { ConformanceTestApi } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)

/** Campaigns, leads, suppressions, heartbeats. */
export function describeStoreCampaignTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('campaigns', () => {
    api.it(
      'creates a draft campaign and returns every field as given',
      withStore(async (store) => {
        const input = sampleCampaign({ nurtureCampaignId: null, dailyCap: 37 })
        const created = await store.createCampaign(input, t0)
        assert.equal(typeof created.id, 'string')
        assert.equal(created.status, 'draft')
        assert.equal(created.statusReason, null)
        assert.equal(created.createdAt.getTime(), t0.getTime())
        const fetched = await store.getCampaign(created.id)
        assert.ok(fetched)
        assert.deepEqual(
          { name: fetched.name, sender: fetched.sender, steps: fetched.steps, schedule: fetched.schedule, dailyCap: fetched.dailyCap, rules: fetched.rules, noReplyTimeoutDays: fetched.noReplyTimeoutDays },
          { name: input.name, sender: input.sender, steps: input.steps, schedule: input.schedule, dailyCap: 37, rules: input.rules, noReplyTimeoutDays: input.noReplyTimeoutDays },
        )
        assert.equal(await store.getCampaign(randomUUID()), null, 'an unknown id is null, not an error')
      }),
    )

    api.it(
      'updates a campaign and refuses to update a missing one',
      withStore(async (store) => {
        const created = await store.createCampaign(sampleCampaign(), t0)
        const updated = await store.updateCampaign(created.id, { dailyCap: 5, name: 'Renamed' }, minutes(1))
        assert.equal(updated.dailyCap, 5)
        assert.equal(updated.name, 'Renamed')
        assert.equal(updated.updatedAt.getTime(), minutes(1).getTime())
        assert.deepEqual(updated.steps, created.steps, 'fields not in the patch are kept')
        await assert.rejects(store.updateCampaign(randomUUID(), { dailyCap: 1 }, t0), (error) => CamError.isInstance(error, 'NOT_FOUND'))
      }),
    )

    api.it(
      'transitions conditionally and creates the alert only when the transition happened',
      withStore(async (store) => {
        const created = await store.createCampaign(sampleCampaign(), t0)
        const channel = `ch-${randomUUID()}`
        const active = await store.transitionCampaign({ campaignId: created.id, from: ['draft'], to: 'active', reason: null, now: t0 })
        assert.equal(active?.status, 'active')
        const alert = { alert: sampleAlert({ kind: 'campaign_paused', campaignId: created.id, title: 'paused' }), channels: [channel] }
        const paused = await store.transitionCampaign({ campaignId: created.id, from: ['active'], to: 'paused', reason: 'bounce rate', now: minutes(1), alert })
        assert.equal(paused?.status, 'paused')
        assert.equal(paused?.statusReason, 'bounce rate')
        const again = await store.transitionCampaign({ campaignId: created.id, from: ['active'], to: 'paused', reason: 'again', now: minutes(2), alert })
        assert.equal(again, null, 'not in `from`: nothing changes')
        assert.equal((await store.getCampaign(created.id))?.statusReason, 'bounce rate')
        const alerts = await store.listAlerts({ campaignId: created.id })
        assert.equal(alerts.length, 1, 'exactly one alert for one transition')
        const listed = await store.listCampaigns({ statuses: ['paused'] })
        assert.ok(listed.some((c) => c.id === created.id))
        assert.ok(!(await store.listCampaigns({ statuses: ['active'] })).some((c) => c.id === created.id))
      }),
    )
  })

  api.describe('leads', () => {
    api.it(
      'adds leads with their first email, skipping duplicates and suppressed addresses',
      withStore(async (store) => {
        const campaign = await store.createCampaign(sampleCampaign(), t0)
        const suppressed = sampleLead()
        await store.suppress({ email: suppressed.emailNormalized, reason: 'unsubscribe', source: 'test', now: t0 })
        const first = sampleLead({ email: `Mixed-${randomUUID()}@Prospect.example` })
        const firstEmail = sampleEmail(0, minutes(5))
        const result = await store.addLeads({
          campaignId: campaign.id,
          now: t0,
          leads: [
            { lead: first, firstEmail },
            { lead: { ...first }, firstEmail: sampleEmail(0, t0) },
            { lead: suppressed, firstEmail: sampleEmail(0, t0) },
          ],
        })
        assert.equal(result.added.length, 1)
        assert.deepEqual(result.duplicates, [first.emailNormalized])
        assert.deepEqual(result.suppressed, [suppressed.emailNormalized])
        const lead = result.added[0]!
        assert.equal(lead.state, 'queued')
        assert.equal(lead.nextStepIndex, 0)
        assert.equal(lead.email, first.email)
        assert.equal(lead.emailNormalized, first.emailNormalized)
        assert.deepEqual(lead.variables, first.variables)
        const again = await store.addLeads({ campaignId: campaign.id, now: t0, leads: [{ lead: first, firstEmail: sampleEmail(0, t0) }] })
        assert.deepEqual(again.duplicates, [first.emailNormalized], 'an address already in the campaign is a duplicate')
        const emails = await store.listEmails({ leadId: lead.id })
        assert.equal(emails.length, 1, 'one first email per added lead')
        assert.equal(emails[0]!.id, firstEmail.id)
        assert.equal(emails[0]!.status, 'queued')
        assert.equal(emails[0]!.messageId, firstEmail.messageId)
        assert.equal(emails[0]!.idempotencyKey, firstEmail.idempotencyKey)
        assert.equal(emails[0]!.scheduledAt.getTime(), minutes(5).getTime())
        assert.equal(emails[0]!.attempts, 0)
      }),
    )

    api.it(
      'lists leads with filters and stable keyset pages, finds them by address across campaigns, counts per state',
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 5 })
        const page1 = await store.listLeads({ campaignId: campaign.id, limit: 2 })
        const page2 = await store.listLeads({ campaignId: campaign.id, limit: 2, after: page1[1]!.id })
        const page3 = await store.listLeads({ campaignId: campaign.id, limit: 2, after: page2[1]!.id })
        const ids = [...page1, ...page2, ...page3].map((l) => l.id)
        assert.equal(new Set(ids).size, 5, 'pages neither overlap nor skip')
        assert.deepEqual(new Set(ids), new Set(leads.map((l) => l.id)))
        const target = leads[2]!
        const moved = await store.transitionLead({ leadId: target.id, from: 'queued', to: 'replied', reason: 'test', now: t0 })
        assert.equal(moved?.state, 'replied')
        assert.deepEqual((await store.listLeads({ campaignId: campaign.id, states: ['replied'] })).map((l) => l.id), [target.id])
        assert.deepEqual((await store.listLeads({ email: target.emailNormalized })).map((l) => l.id), [target.id])
        assert.deepEqual(await store.countLeadsByState(campaign.id), { queued: 4, replied: 1 })
        const other = await store.createCampaign(sampleCampaign(), t0)
        await store.addLeads({ campaignId: other.id, now: minutes(1), leads: [{ lead: sampleLead({ email: target.email, emailNormalized: target.emailNormalized }), firstEmail: sampleEmail(0, t0) }] })
        const found = await store.findLeadsByEmail(target.emailNormalized)
        assert.deepEqual(new Set(found.map((l) => l.campaignId)), new Set([campaign.id, other.id]), 'the same address in two campaigns is two leads')
        assert.deepEqual(await store.findLeadsByEmail(`nobody-${randomUUID()}@x.example`), [])
      }),
    )

    api.it(
      'transitions a lead only from the expected state and can cancel its queued emails',
      withStore(async (store) => {
        const { leads } = await seedCampaign(store, t0)
        const lead = leads[0]!
        assert.equal(await store.transitionLead({ leadId: lead.id, from: 'active', to: 'replied', reason: 'x', now: t0 }), null, 'wrong `from`: unchanged')
        assert.equal((await store.getLead(lead.id))?.state, 'queued')
        const moved = await store.transitionLead({ leadId: lead.id, from: 'queued', to: 'not_interested', reason: 'said no', now: minutes(1), cancelPendingEmails: true })
        assert.equal(moved?.state, 'not_interested')
        assert.equal(moved?.stateReason, 'said no')
        const emails = await store.listEmails({ leadId: lead.id })
        assert.deepEqual(emails.map((e) => e.status), ['cancelled'])
      }),
    )

    api.it(
      'lists leads past their reply deadline',
      withStore(async (store) => {
        const { leads } = await seedCampaign(store, t0, { leads: 3 })
        const [a, b, c] = leads
        await store.transitionLead({ leadId: a!.id, from: 'queued', to: 'completed', reason: 'done', now: t0, replyDeadlineAt: minutes(10) })
        await store.transitionLead({ leadId: b!.id, from: 'queued', to: 'paused', reason: 'ooo', now: t0, replyDeadlineAt: minutes(20), resumeAt: minutes(15) })
        await store.transitionLead({ leadId: c!.id, from: 'queued', to: 'completed', reason: 'done', now: t0, replyDeadlineAt: minutes(60) })
        const mine = new Set(leads.map((l) => l.id))
        const due = (await store.listLeadsPastReplyDeadline({ now: minutes(30), limit: 10_000 })).filter((l) => mine.has(l.id))
        assert.deepEqual(due.map((l) => l.id), [a!.id, b!.id], 'completed and paused leads past the deadline, earliest first')
        assert.equal(due[1]!.resumeAt?.getTime(), minutes(15).getTime())
      }),
    )
  })

  api.describe('suppressions', () => {
    api.it(
      'suppresses an address everywhere: cancels queued emails and ends in-sequence leads in every campaign',
      withStore(async (store) => {
        const address = `gone-${randomUUID()}@prospect.example`
        const one = await seedCampaign(store, t0, { leads: 0 })
        const two = await seedCampaign(store, t0, { leads: 0 })
        const added1 = await store.addLeads({ campaignId: one.campaign.id, now: t0, leads: [{ lead: sampleLead({ email: address, emailNormalized: address }), firstEmail: sampleEmail(0, t0) }] })
        const added2 = await store.addLeads({ campaignId: two.campaign.id, now: t0, leads: [{ lead: sampleLead({ email: address, emailNormalized: address }), firstEmail: sampleEmail(0, t0) }] })
        await store.transitionLead({ leadId: added2.added[0]!.id, from: 'queued', to: 'interested', reason: 'yes', now: t0 })
        const first = await store.suppress({ email: address, reason: 'unsubscribe', source: 'reply', now: minutes(1) })
        assert.equal(first.created, true)
        const second = await store.suppress({ email: address, reason: 'complaint', source: 'arf', now: minutes(2) })
        assert.equal(second.created, false)
        const entry = await store.getSuppression(address)
        assert.equal(entry?.reason, 'unsubscribe', 'the first reason is kept')
        assert.equal(entry?.source, 'reply')
        assert.equal((await store.getLead(added1.added[0]!.id))?.state, 'unsubscribed')
        assert.equal((await store.getLead(added2.added[0]!.id))?.state, 'interested', 'a lead that already replied keeps its state')
        const emails = [...(await store.listEmails({ leadId: added1.added[0]!.id })), ...(await store.listEmails({ leadId: added2.added[0]!.id }))]
        assert.ok(emails.every((e) => e.status === 'cancelled'), 'no queued email remains for the address')
        assert.ok((await store.listSuppressions({ limit: 100_000 })).some((s) => s.email === address))
        assert.equal(await store.getSuppression(`never-${randomUUID()}@x.example`), null)
        const bounced = `bounced-${randomUUID()}@prospect.example`
        const added3 = await store.addLeads({ campaignId: one.campaign.id, now: t0, leads: [{ lead: sampleLead({ email: bounced, emailNormalized: bounced }), firstEmail: sampleEmail(0, t0) }] })
        await store.suppress({ email: bounced, reason: 'hard_bounce', source: 'dsn', now: t0 })
        assert.equal((await store.getLead(added3.added[0]!.id))?.state, 'bounced')
      }),
    )
  })

  api.describe('heartbeats', () => {
    api.it(
      'records one heartbeat per worker, replacing the previous one',
      withStore(async (store) => {
        const workerId = `worker-${randomUUID()}`
        const base = { workerId, host: 'host-1', pid: 42, startedAt: t0, lastError: null, leases: ['cam:leader'] }
        await store.recordHeartbeat({ ...base, lastSeenAt: t0, cycles: 1 })
        await store.recordHeartbeat({ ...base, lastSeenAt: minutes(1), cycles: 2, lastError: 'poll failed' })
        const mine = (await store.listHeartbeats()).filter((h) => h.workerId === workerId)
        assert.equal(mine.length, 1)
        assert.equal(mine[0]!.cycles, 2)
        assert.equal(mine[0]!.lastSeenAt.getTime(), minutes(1).getTime())
        assert.equal(mine[0]!.lastError, 'poll failed')
        assert.deepEqual(mine[0]!.leases, ['cam:leader'])
      }),
    )
  })
}
