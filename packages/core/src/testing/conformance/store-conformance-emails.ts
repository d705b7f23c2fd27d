import assert from 'node:assert/strict'
import { CamError } from '../../errors/cam-error.js'
import type { LeadProgress, StoreV1 } from '../../ports/store-v1.js'
import type { WithStore } from './test-api.js'
import { capFor, sampleEmail, sampleLead, seedCampaign } from './store-fixtures.js'
import type { ConformanceTestApi } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const ttl = 3_600_000

const progress = (sentAt: Date, nextStepIndex: number, overrides: Partial<LeadProgress> = {}): LeadProgress => ({
  state: 'active',
  nextStepIndex,
  lastSentAt: sentAt,
  replyDeadlineAt: null,
  threadSubject: 'Hello',
  ...overrides,
})

async function claim(
  store: StoreV1,
  campaignIds: string[],
  now: Date,
  options: { workerId?: string; limit?: number; idempotent?: boolean; dailyCap?: number; day?: string; windowMs?: number } = {},
) {
  return store.claimDueEmails({
    now,
    workerId: options.workerId ?? 'worker-a',
    limit: options.limit ?? 100,
    claimTtlMs: ttl,
    senderIdempotent: options.idempotent ?? true,
    ...(options.windowMs !== undefined ? { senderIdempotencyWindowMs: options.windowMs } : {}),
    caps: campaignIds.map((id) => capFor(id, options.dailyCap ?? 1000, options.day ?? '2030-01-07')),
  })
}

/** Outbound emails: claiming, caps, sending, failures, crash recovery. */
export function describeStoreEmailTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('claiming due emails', () => {
    api.it(
      'claims only due emails of active campaigns listed in caps, marks them sending and counts the attempt',
      withStore(async (store) => {
        const active = await seedCampaign(store, t0, { leads: 2 })
        const later = await seedCampaign(store, t0, { leads: 1, scheduledAt: minutes(30) })
        const draft = await seedCampaign(store, t0, { leads: 1, activate: false })
        const result = await claim(store, [active.campaign.id, later.campaign.id, draft.campaign.id], minutes(1))
        assert.equal(result.claimed.length, 2, 'the future email and the draft campaign are not claimed')
        for (const item of result.claimed) {
          assert.equal(item.campaign.id, active.campaign.id)
          assert.equal(item.email.status, 'sending')
          assert.equal(item.email.claimedBy, 'worker-a')
          assert.equal(item.email.attempts, 1)
          assert.equal(item.email.claimExpiresAt?.getTime(), minutes(1).getTime() + ttl)
          assert.equal(item.lead.id, item.email.leadId)
        }
        assert.equal((await claim(store, [active.campaign.id], minutes(2))).claimed.length, 0, 'a claimed email is not claimed again')
        assert.equal((await claim(store, [later.campaign.id], minutes(31))).claimed.length, 1, 'due later, claimed later')
        const notListed = await seedCampaign(store, t0, { leads: 1 })
        assert.equal((await claim(store, [active.campaign.id], minutes(3))).claimed.length, 0, 'campaigns missing from caps do not send')
        assert.equal((await claim(store, [notListed.campaign.id], minutes(3))).claimed.length, 1)
      }),
    )

    api.it(
      'never claims more new emails per campaign and day than the cap, and honours the limit',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 7 })
        const first = await claim(store, [campaign.id], minutes(1), { dailyCap: 5, limit: 3 })
        assert.equal(first.claimed.length, 3, 'limit respected')
        const second = await claim(store, [campaign.id], minutes(1), { dailyCap: 5 })
        assert.equal(second.claimed.length, 2, 'the cap counts earlier claims of the day')
        assert.equal((await claim(store, [campaign.id], minutes(2), { dailyCap: 5 })).claimed.length, 0)
        const nextDay = await claim(store, [campaign.id], minutes(3), { dailyCap: 5, day: '2030-01-08' })
        assert.equal(nextDay.claimed.length, 2, 'a new day has a new cap')
      }),
    )

    api.it(
      'gives follow-ups priority over first touches, then the oldest first',
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 3 })
        const claimed = await claim(store, [campaign.id], minutes(1), { limit: 1 })
        const sentLead = claimed.claimed[0]!
        const next = sampleEmail(1, minutes(2))
        await store.recordEmailSent({ emailId: sentLead.email.id, workerId: 'worker-a', sentAt: minutes(1), subject: 'Hello', providerId: 'p1', providerMessageId: null, lead: progress(minutes(1), 1), next })
        const due = await claim(store, [campaign.id], minutes(5), { limit: 1 })
        assert.equal(due.claimed[0]?.email.id, next.id, 'the follow-up goes first')
        assert.equal(due.claimed[0]?.email.stepIndex, 1)
        assert.equal(leads.length, 3)
      }),
    )

    api.it(
      'shares a batch across campaigns: older emails of one campaign do not take all of it',
      withStore(async (store) => {
        const older = await seedCampaign(store, t0, { leads: 20 })
        const newer = await seedCampaign(store, t0, { leads: 20, scheduledAt: minutes(1) })
        const batch = await claim(store, [older.campaign.id, newer.campaign.id], minutes(2), { limit: 10 })
        assert.equal(batch.claimed.length, 10)
        const perCampaign = (id: string) => batch.claimed.filter((c) => c.campaign.id === id).length
        assert.ok(perCampaign(older.campaign.id) > 0, 'the campaign with older emails gets some')
        assert.ok(perCampaign(newer.campaign.id) > 0, 'the campaign with newer emails gets some too')
      }),
    )

    api.it(
      'gives every campaign its turn: none starves while others have more due emails',
      withStore(async (store) => {
        const seeded = []
        for (let i = 0; i < 7; i++) seeded.push(await seedCampaign(store, t0, { leads: 5, scheduledAt: minutes(i) }))
        const ids = seeded.map((s) => s.campaign.id)
        const served = new Set<string>()
        for (let batch = 0; batch < ids.length && served.size < ids.length; batch++) {
          const result = await claim(store, ids, minutes(10), { limit: 2 })
          assert.ok(result.claimed.length > 0 && result.claimed.length <= 2, 'each batch is non-empty and within the limit')
          for (const item of result.claimed) served.add(item.campaign.id)
        }
        assert.equal(served.size, ids.length, 'every campaign was served within as many batches as there are campaigns')
      }),
    )

    api.it(
      'never hands the same email to two concurrent claimers',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 40 })
        const results = await Promise.all(
          Array.from({ length: 5 }, (_, i) => claim(store, [campaign.id], minutes(1), { workerId: `worker-${i}`, limit: 10 })),
        )
        const ids = results.flatMap((r) => r.claimed.map((c) => c.email.id))
        assert.equal(ids.length, 40, 'all due emails were claimed')
        assert.equal(new Set(ids).size, 40, 'no email was claimed twice')
      }),
    )

    api.it(
      'does not claim emails of leads that left the sequence, and cancels emails to suppressed addresses',
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 3 })
        const [replied, suppressedLead] = leads
        await store.transitionLead({ leadId: replied!.id, from: 'queued', to: 'replied', reason: 'x', now: t0 })
        // Suppress without going through the lead (e.g. a suppression imported by hand).
        await store.suppress({ email: suppressedLead!.emailNormalized, reason: 'manual', source: 'ops', now: t0 })
        const result = await claim(store, [campaign.id], minutes(1))
        assert.deepEqual(result.claimed.map((c) => c.lead.id), [leads[2]!.id])
        assert.equal((await store.listEmails({ leadId: suppressedLead!.id }))[0]?.status, 'cancelled')
      }),
    )
  })

  api.describe('recording sends', () => {
    api.it(
      "records a sent email, the lead's progress and the next step in one call, and counts it",
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0)
        const [item] = (await claim(store, [campaign.id], minutes(1))).claimed
        assert.ok(item)
        const next = sampleEmail(1, minutes(60 * 24 * 3), { inReplyTo: item.email.messageId, references: [item.email.messageId] })
        const sent = await store.recordEmailSent({ emailId: item.email.id, workerId: 'worker-a', sentAt: minutes(1), subject: 'Hello Lee', providerId: 'prov-1', providerMessageId: '<prov-1@provider.example>', lead: progress(minutes(1), 1), next })
        assert.equal(sent.status, 'sent')
        assert.equal(sent.subject, 'Hello Lee')
        assert.equal(sent.providerId, 'prov-1')
        assert.equal(sent.sentAt?.getTime(), minutes(1).getTime())
        const lead = await store.getLead(item.lead.id)
        assert.equal(lead?.state, 'active')
        assert.equal(lead?.nextStepIndex, 1)
        assert.equal(lead?.lastSentAt?.getTime(), minutes(1).getTime())
        assert.equal(lead?.threadSubject, 'Hello')
        const emails = await store.listEmails({ leadId: item.lead.id })
        const scheduled = emails.find((e) => e.id === next.id)
        assert.equal(scheduled?.status, 'queued')
        assert.equal(scheduled?.inReplyTo, item.email.messageId)
        assert.deepEqual(scheduled?.references, [item.email.messageId])
        const byOurId = await store.findEmailsByMessageIds([item.email.messageId])
        assert.deepEqual(byOurId.map((e) => e.id), [item.email.id])
        const byProviderId = await store.findEmailsByMessageIds(['<prov-1@provider.example>', '<unknown@x>'])
        assert.deepEqual(byProviderId.map((e) => e.id), [item.email.id], 'matched by the provider Message-ID too')
        const [counters] = await store.getCampaignCounters({ campaignIds: [campaign.id], sinceDay: '2030-01-01' })
        assert.equal(counters?.lifetime.sent, 1)
        assert.equal(counters?.window.sent, 1)
        await assert.rejects(
          store.recordEmailSent({ emailId: item.email.id, workerId: 'worker-a', sentAt: minutes(2), subject: 'x', providerId: null, providerMessageId: null, lead: progress(minutes(2), 2), next: null }),
          (error) => CamError.isInstance(error, 'CONFLICT'),
          'recording twice is a conflict',
        )
        assert.equal((await store.getCampaignCounters({ campaignIds: [campaign.id], sinceDay: '2030-01-01' }))[0]?.lifetime.sent, 1)
      }),
    )

    api.it(
      'does not move a lead that replied while its email was in flight, nor schedule its next step',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0)
        const [item] = (await claim(store, [campaign.id], minutes(1))).claimed
        await store.transitionLead({ leadId: item!.lead.id, from: 'queued', to: 'interested', reason: 'replied', now: minutes(1) })
        const next = sampleEmail(1, minutes(100))
        await store.recordEmailSent({ emailId: item!.email.id, workerId: 'worker-a', sentAt: minutes(2), subject: 'Hello', providerId: null, providerMessageId: null, lead: progress(minutes(2), 1), next })
        assert.equal((await store.getLead(item!.lead.id))?.state, 'interested')
        assert.equal((await store.listEmails({ leadId: item!.lead.id })).length, 1, 'no next step for a lead out of sequence')
      }),
    )

    api.it(
      'retries a failed email later, fails it permanently when told, and rejects calls from a non-holder',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 2 })
        const [a, b] = (await claim(store, [campaign.id], minutes(1))).claimed
        await assert.rejects(
          store.recordEmailFailed({ emailId: a!.email.id, workerId: 'intruder', now: minutes(1), error: 'x', retryAt: minutes(2) }),
          (error) => CamError.isInstance(error, 'CONFLICT'),
        )
        const retried = await store.recordEmailFailed({ emailId: a!.email.id, workerId: 'worker-a', now: minutes(1), error: 'rate limited', retryAt: minutes(10) })
        assert.equal(retried.status, 'queued')
        assert.equal(retried.lastError, 'rate limited')
        assert.equal((await claim(store, [campaign.id], minutes(5))).claimed.length, 0, 'not before retryAt')
        const again = (await claim(store, [campaign.id], minutes(10), { dailyCap: 2 })).claimed
        assert.equal(again.length, 1, 'a retry does not use another daily-cap slot')
        assert.equal(again[0]?.email.attempts, 2)
        const failed = await store.recordEmailFailed({ emailId: b!.email.id, workerId: 'worker-a', now: minutes(1), error: 'invalid recipient', retryAt: null })
        assert.equal(failed.status, 'failed')
        assert.equal((await store.getLead(b!.lead.id))?.state, 'failed')
        const [counters] = await store.getCampaignCounters({ campaignIds: [campaign.id], sinceDay: '2030-01-01' })
        assert.equal(counters?.lifetime.failed, 1)
      }),
    )

    api.it(
      'defers an email outside its window and gives its daily-cap slot back',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 2 })
        const [a] = (await claim(store, [campaign.id], minutes(1), { dailyCap: 1 })).claimed
        const deferred = await store.deferEmail({ emailId: a!.email.id, workerId: 'worker-a', now: minutes(1), scheduledAt: minutes(600) })
        assert.equal(deferred.status, 'queued')
        assert.equal(deferred.attempts, 0, 'a deferral is not an attempt')
        assert.equal(deferred.scheduledAt.getTime(), minutes(600).getTime())
        const other = (await claim(store, [campaign.id], minutes(2), { dailyCap: 1 })).claimed
        assert.equal(other.length, 1, 'the slot was given back')
        assert.notEqual(other[0]?.email.id, a!.email.id)
      }),
    )
  })

  api.describe('crash recovery', () => {
    api.it(
      'reclaims an expired claim with the same idempotency key when the sender is idempotent',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0)
        const [first] = (await claim(store, [campaign.id], minutes(1), { workerId: 'crashed' })).claimed
        assert.equal((await claim(store, [campaign.id], minutes(1.5), { workerId: 'worker-b' })).claimed.length, 0, 'not before the claim expires')
        const recovered = await claim(store, [campaign.id], new Date(minutes(1).getTime() + ttl + 1), { workerId: 'worker-b', dailyCap: 1 })
        assert.equal(recovered.claimed.length, 1, 'recovered, without using another daily-cap slot')
        const item = recovered.claimed[0]!
        assert.equal(item.email.id, first!.email.id)
        assert.equal(item.email.idempotencyKey, first!.email.idempotencyKey)
        assert.equal(item.email.claimedBy, 'worker-b')
        assert.equal(item.email.attempts, 2)
        await assert.rejects(
          store.recordEmailSent({ emailId: item.email.id, workerId: 'crashed', sentAt: minutes(3), subject: 's', providerId: null, providerMessageId: null, lead: progress(minutes(3), 1), next: null }),
          (error) => CamError.isInstance(error, 'CONFLICT'),
          'the old holder can no longer record',
        )
      }),
    )

    api.it(
      "sets an expired claim aside as in_doubt when the provider has forgotten the idempotency key",
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 2 })
        const [first, second] = (await claim(store, [campaign.id], minutes(1), { workerId: 'crashed' })).claimed
        // Claim TTL is one hour; the provider keeps keys for three.
        const recent = await claim(store, [campaign.id], minutes(1 + 61), { workerId: 'worker-b', windowMs: 3 * ttl })
        assert.deepEqual(new Set(recent.claimed.map((c) => c.email.id)), new Set([first!.email.id, second!.email.id]), 'inside the window: re-claimed')
        const stale = await claim(store, [campaign.id], minutes(1 + 61 + 60 * 3 + 1), { workerId: 'worker-c', windowMs: 3 * ttl })
        assert.equal(stale.claimed.length, 0, 'outside the window: not resent')
        assert.deepEqual(new Set(stale.inDoubt.map((e) => e.id)), new Set([first!.email.id, second!.email.id]))
      }),
    )

    api.it(
      'sets an expired claim aside as in_doubt when the sender is not idempotent, and lets a human resolve it',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 3 })
        const claimed = (await claim(store, [campaign.id], minutes(1), { workerId: 'crashed', idempotent: false })).claimed
        assert.equal(claimed.length, 3)
        // Each one was handed to the sender before the worker died.
        for (const item of claimed) await store.recordSendAttempt({ emailId: item.email.id, workerId: 'crashed', now: minutes(1) })
        const later = new Date(minutes(1).getTime() + ttl + 1)
        const result = await claim(store, [campaign.id], later, { workerId: 'worker-b', idempotent: false })
        assert.equal(result.claimed.length, 0, 'nothing is resent')
        assert.equal(result.inDoubt.length, 3)
        assert.ok(result.inDoubt.every((e) => e.status === 'in_doubt'))
        assert.equal((await claim(store, [campaign.id], minutes(100), { idempotent: false })).inDoubt.length, 0, 'reported once')
        const [x, y, z] = result.inDoubt
        const resend = await store.resolveInDoubtEmail({ emailId: x!.id, resolution: 'resend', now: minutes(100) })
        assert.equal(resend.status, 'queued')
        const again = (await claim(store, [campaign.id], minutes(101), { idempotent: false })).claimed
        assert.deepEqual(again.map((c) => c.email.id), [x!.id])
        const next = sampleEmail(1, minutes(5000))
        const sent = await store.resolveInDoubtEmail({ emailId: y!.id, resolution: 'sent', now: minutes(102), lead: progress(minutes(1), 1), next })
        assert.equal(sent.status, 'sent')
        assert.equal((await store.getLead(y!.leadId))?.nextStepIndex, 1)
        assert.ok((await store.listEmails({ leadId: y!.leadId })).some((e) => e.id === next.id && e.status === 'queued'))
        const cancelled = await store.resolveInDoubtEmail({ emailId: z!.id, resolution: 'cancel', now: minutes(103) })
        assert.equal(cancelled.status, 'cancelled')
        await assert.rejects(store.resolveInDoubtEmail({ emailId: z!.id, resolution: 'resend', now: minutes(104) }), (error) => CamError.isInstance(error, 'CONFLICT'))
        assert.deepEqual((await store.listEmails({ campaignId: campaign.id, statuses: ['in_doubt'] })).length, 0)
      }),
    )

    api.it(
      'keeps the unique (lead, step) rule: scheduling a step twice stores it once',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0)
        const [item] = (await claim(store, [campaign.id], minutes(1))).claimed
        const next = sampleEmail(1, minutes(10))
        await store.recordEmailSent({ emailId: item!.email.id, workerId: 'worker-a', sentAt: minutes(1), subject: 'Hello', providerId: null, providerMessageId: null, lead: progress(minutes(1), 1), next })
        const lead = await store.getLead(item!.lead.id)
        const duplicateLead = sampleLead({ email: lead!.email, emailNormalized: lead!.emailNormalized })
        const dup = await store.addLeads({ campaignId: campaign.id, now: minutes(2), leads: [{ lead: duplicateLead, firstEmail: sampleEmail(0, t0) }] })
        assert.equal(dup.added.length, 0)
        const steps = (await store.listEmails({ leadId: item!.lead.id })).map((e) => e.stepIndex).sort()
        assert.deepEqual(steps, [0, 1])
      }),
    )
  })
}
