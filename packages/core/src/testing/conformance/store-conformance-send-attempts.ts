import assert from 'node:assert/strict'
import { CamError } from '../../errors/cam-error.js'
import type { LeadProgress, StoreV1 } from '../../ports/store-v1.js'
import type { WithStore } from './test-api.js'
import { capFor, seedCampaign } from './store-fixtures.js'
import type { ConformanceTestApi } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const ttl = 3_600_000
const afterExpiry = (claimedAt: Date) => new Date(claimedAt.getTime() + ttl + 1)

const progress = (sentAt: Date): LeadProgress => ({ state: 'completed', nextStepIndex: 1, lastSentAt: sentAt, replyDeadlineAt: null, threadSubject: 'Hello' })

function claim(store: StoreV1, campaignId: string, now: Date, workerId: string, idempotent: boolean) {
  return store.claimDueEmails({ now, workerId, limit: 100, claimTtlMs: ttl, senderIdempotent: idempotent, caps: [capFor(campaignId, 1000, '2030-01-07')] })
}

const isConflict = (error: unknown) => CamError.isInstance(error, 'CONFLICT')

/** Send attempts: only emails really handed to a sender are held in doubt; claims are renewed; a worker that learns the outcome records it. */
export function describeStoreSendAttemptTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('send attempts (sender not idempotent)', () => {
    api.it(
      'after a crash, holds in doubt only the emails whose attempt had begun; the others go back to the queue',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 4 })
        const claimed = (await claim(store, campaign.id, minutes(1), 'crashed', false)).claimed
        assert.equal(claimed.length, 4)
        const [attempted, ...untouched] = claimed
        await store.recordSendAttempt({ emailId: attempted!.email.id, workerId: 'crashed', now: minutes(1) })
        const after = await claim(store, campaign.id, afterExpiry(minutes(1)), 'worker-b', false)
        assert.deepEqual(
          after.inDoubt.map((email) => email.id),
          [attempted!.email.id],
          'only the email handed to the sender is in doubt',
        )
        assert.deepEqual(new Set(after.claimed.map((item) => item.email.id)), new Set(untouched.map((item) => item.email.id)), 'the rest is claimed again')
        for (const item of after.claimed) {
          assert.equal(item.email.claimedBy, 'worker-b')
          assert.equal(item.email.idempotencyKey, untouched.find((u) => u.email.id === item.email.id)!.email.idempotencyKey)
        }
      }),
    )

    api.it(
      'counts claims made for an idempotent sender as attempted: a non-idempotent worker holds them in doubt',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 2 })
        assert.equal((await claim(store, campaign.id, minutes(1), 'idempotent-worker', true)).claimed.length, 2)
        const after = await claim(store, campaign.id, afterExpiry(minutes(1)), 'strict-worker', false)
        assert.equal(after.claimed.length, 0)
        assert.equal(after.inDoubt.length, 2)
      }),
    )

    api.it(
      'refuses an attempt on a claim that was lost (the email must not be sent)',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 1 })
        const [item] = (await claim(store, campaign.id, minutes(1), 'slow', false)).claimed
        const [taken] = (await claim(store, campaign.id, afterExpiry(minutes(1)), 'worker-b', false)).claimed
        assert.equal(taken?.email.id, item!.email.id, 'never attempted: taken over after expiry')
        await assert.rejects(store.recordSendAttempt({ emailId: item!.email.id, workerId: 'slow', now: afterExpiry(minutes(1)) }), isConflict)
        await store.recordSendAttempt({ emailId: item!.email.id, workerId: 'worker-b', now: afterExpiry(minutes(1)) })
      }),
    )

    api.it(
      'lets the worker that was sending record the outcome of an email set in doubt meanwhile — no one else',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 2 })
        const [sent, failed] = (await claim(store, campaign.id, minutes(1), 'stalled', false)).claimed
        for (const item of [sent!, failed!]) await store.recordSendAttempt({ emailId: item.email.id, workerId: 'stalled', now: minutes(1) })
        const later = afterExpiry(minutes(1))
        assert.equal((await claim(store, campaign.id, later, 'worker-b', false)).inDoubt.length, 2)
        const recordSent = (workerId: string) =>
          store.recordEmailSent({ emailId: sent!.email.id, workerId, sentAt: later, subject: 'Hello', providerId: 'p-1', providerMessageId: null, lead: progress(later), next: null })
        await assert.rejects(recordSent('worker-b'), isConflict, 'another worker cannot')
        const recorded = await recordSent('stalled')
        assert.equal(recorded.status, 'sent')
        assert.equal(recorded.providerId, 'p-1')
        assert.equal((await store.getLead(sent!.lead.id))?.state, 'completed')
        // The sender refused the other one: it was not sent, so it may be retried.
        const retried = await store.recordEmailFailed({ emailId: failed!.email.id, workerId: 'stalled', now: later, error: 'rejected', retryAt: minutes(200) })
        assert.equal(retried.status, 'queued')
        assert.equal((await store.listEmails({ campaignId: campaign.id, statuses: ['in_doubt'] })).length, 0)
      }),
    )

    api.it(
      'no longer accepts the outcome once a human resolved the doubt',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 1 })
        const [item] = (await claim(store, campaign.id, minutes(1), 'stalled', false)).claimed
        await store.recordSendAttempt({ emailId: item!.email.id, workerId: 'stalled', now: minutes(1) })
        await claim(store, campaign.id, afterExpiry(minutes(1)), 'worker-b', false)
        await store.resolveInDoubtEmail({ emailId: item!.email.id, resolution: 'cancel', now: minutes(100) })
        await assert.rejects(
          store.recordEmailSent({ emailId: item!.email.id, workerId: 'stalled', sentAt: minutes(101), subject: 'Hello', providerId: null, providerMessageId: null, lead: progress(minutes(101)), next: null }),
          isConflict,
        )
      }),
    )
  })

  api.describe('claim renewal', () => {
    api.it(
      'extends the claims a worker still holds and reports those it lost',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 3 })
        const claimed = (await claim(store, campaign.id, minutes(1), 'slow', true)).claimed
        const ids = claimed.map((item) => item.email.id)
        // Renewed just before expiry: nobody can take them at the old expiry.
        const renewed = await store.renewEmailClaims({ emailIds: ids, workerId: 'slow', now: minutes(59), claimTtlMs: ttl })
        assert.deepEqual(new Set(renewed), new Set(ids))
        assert.equal((await claim(store, campaign.id, afterExpiry(minutes(1)), 'worker-b', true)).claimed.length, 0, 'still held')
        // One is recorded; later the others expire and another worker takes them.
        await store.recordEmailSent({ emailId: ids[0]!, workerId: 'slow', sentAt: minutes(60), subject: 'Hello', providerId: null, providerMessageId: null, lead: progress(minutes(60)), next: null })
        const takenOver = await claim(store, campaign.id, afterExpiry(minutes(59)), 'worker-b', true)
        assert.equal(takenOver.claimed.length, 2)
        assert.deepEqual(await store.renewEmailClaims({ emailIds: ids, workerId: 'slow', now: afterExpiry(minutes(59)), claimTtlMs: ttl }), [], 'none held any more')
        assert.deepEqual(new Set(await store.renewEmailClaims({ emailIds: ids, workerId: 'worker-b', now: afterExpiry(minutes(59)), claimTtlMs: ttl })), new Set(ids.slice(1)))
      }),
    )
  })
}
