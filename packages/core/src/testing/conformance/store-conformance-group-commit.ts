import assert from 'node:assert/strict'
import { CamError } from '../../errors/cam-error.js'
import type { NewCamEvent } from '../../domain/cam-event.js'
import type { ClaimedEmail, LeadProgress, RecordEmailSentInput, StoreV1 } from '../../ports/store-v1.js'
import { deliveriesTo, registerEndpoints, retireEndpoints } from './store-webhook-fixtures.js'
import type { WithStore } from './test-api.js'
import { capFor, sampleEmail, seedCampaign } from './store-fixtures.js'
import type { ConformanceTestApi } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const ttl = 3_600_000

const sentEvent = (item: ClaimedEmail, sentAt: Date): NewCamEvent => ({
  type: 'email.sent',
  version: 1,
  occurredAt: sentAt,
  campaignId: item.campaign.id,
  leadId: item.lead.id,
  data: { emailId: item.email.id, stepIndex: 0, to: item.lead.email, messageId: item.email.messageId, providerId: null, mailbox: null },
})

const progress = (sentAt: Date): LeadProgress => ({ state: 'active', nextStepIndex: 1, lastSentAt: sentAt, replyDeadlineAt: null, threadSubject: 'Hello' })

function claim(store: StoreV1, campaignIds: string[], now: Date, workerId: string) {
  return store.claimDueEmails({ now, workerId, limit: 100, claimTtlMs: ttl, senderIdempotent: true, caps: campaignIds.map((id) => capFor(id, 1000, '2030-01-07')) })
}

/** The record of one claimed email, sent at `sentAt`, scheduling step 2 (with a thread reference). */
function sent(item: ClaimedEmail, workerId: string, sentAt: Date, overrides: Partial<RecordEmailSentInput> = {}): RecordEmailSentInput {
  return {
    emailId: item.email.id,
    workerId,
    sentAt,
    subject: `Hello ${item.lead.email}`,
    providerId: `prov-${item.email.id}`,
    providerMessageId: null,
    lead: progress(sentAt),
    next: sampleEmail(1, minutes(60 * 24 * 3), { inReplyTo: item.email.messageId, references: [item.email.messageId] }),
    ...overrides,
  }
}

/** `recordEmailsSent` (optional): group commit of sent emails, each exactly as `recordEmailSent` records it. */
export function describeStoreGroupCommitTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('group commit of sent emails (recordEmailsSent, when implemented)', () => {
    api.it(
      'records a batch across campaigns and mailboxes exactly as one record each: emails, leads, next steps, counters',
      withStore(async (store) => {
        if (!store.recordEmailsSent) return
        const a = await seedCampaign(store, t0, { leads: 3 })
        const b = await seedCampaign(store, t0, { leads: 2 })
        const { claimed } = await claim(store, [a.campaign.id, b.campaign.id], minutes(1), 'worker-a')
        assert.equal(claimed.length, 5)
        await store.registerMailboxes({
          mailboxes: ['box-1', 'box-2'].map((name) => ({ name, address: `${name}@sender.example`, dailyLimit: 100, rampUp: null, minGapMs: 0 })),
          now: t0,
        })
        const inputs = claimed.map((item, i) => sent(item, 'worker-a', minutes(2 + i), { mailbox: i % 2 === 0 ? 'box-1' : 'box-2' }))
        const result = await store.recordEmailsSent(inputs)
        assert.deepEqual(result, { recorded: inputs.map((input) => input.emailId), lost: [] })
        for (const [i, item] of claimed.entries()) {
          const email = await store.getEmail(item.email.id)
          assert.equal(email?.status, 'sent')
          assert.equal(email?.claimedBy, null)
          assert.equal(email?.sentAt?.getTime(), minutes(2 + i).getTime())
          assert.equal(email?.subject, `Hello ${item.lead.email}`)
          assert.equal(email?.providerId, `prov-${item.email.id}`)
          assert.equal(email?.mailbox, i % 2 === 0 ? 'box-1' : 'box-2')
          const lead = await store.getLead(item.lead.id)
          assert.equal(lead?.state, 'active')
          assert.equal(lead?.nextStepIndex, 1)
          assert.equal(lead?.lastSentAt?.getTime(), minutes(2 + i).getTime())
          assert.equal(lead?.mailbox, i % 2 === 0 ? 'box-1' : 'box-2', 'the thread stays on its mailbox')
          const next = (await store.listEmails({ leadId: item.lead.id })).find((e) => e.id === inputs[i]!.next!.id)
          assert.equal(next?.status, 'queued')
          assert.equal(next?.stepIndex, 1)
          assert.deepEqual(next?.references, [item.email.messageId])
        }
        const counters = await store.getCampaignCounters({ campaignIds: [a.campaign.id, b.campaign.id], sinceDay: '2030-01-01' })
        assert.equal(counters.find((c) => c.campaignId === a.campaign.id)?.lifetime.sent, 3)
        assert.equal(counters.find((c) => c.campaignId === b.campaign.id)?.lifetime.sent, 2)
        const boxes = await store.getMailboxCounters({ names: ['box-1', 'box-2'], sinceDay: '2030-01-01' })
        assert.deepEqual(boxes.map((box) => [box.mailbox, box.lifetime.sent]).sort(), [['box-1', 3], ['box-2', 2]])
      }),
    )

    api.it(
      'records the others and reports a lost claim (another worker holds the email) without writing anything of it',
      withStore(async (store) => {
        if (!store.recordEmailsSent) return
        const { campaign } = await seedCampaign(store, t0, { leads: 3 })
        const { claimed } = await claim(store, [campaign.id], minutes(1), 'slow')
        assert.equal(claimed.length, 3)
        // The slow worker's claims expire; another worker takes one of them over.
        const reclaimed = await store.claimDueEmails({
          now: new Date(minutes(1).getTime() + ttl + 1),
          workerId: 'quick',
          limit: 1,
          claimTtlMs: ttl,
          senderIdempotent: true,
          caps: [capFor(campaign.id, 1000, '2030-01-07')],
        })
        assert.equal(reclaimed.claimed.length, 1)
        const takenOver = claimed.find((item) => item.email.id === reclaimed.claimed[0]!.email.id)!
        const [kept, other] = claimed.filter((item) => item !== takenOver)
        const inputs = [takenOver, kept!, other!].map((item) => sent(item, 'slow', minutes(2)))
        const result = await store.recordEmailsSent([...inputs, { ...inputs[1]!, sentAt: minutes(3) }])
        assert.deepEqual(result.recorded, [kept!.email.id, other!.email.id])
        assert.deepEqual(result.lost, [takenOver.email.id, kept!.email.id], 'the claim lost, then the repeated id (recorded once)')
        const lostEmail = await store.getEmail(takenOver.email.id)
        assert.equal(lostEmail?.status, 'sending')
        assert.equal(lostEmail?.claimedBy, 'quick', 'left to the worker that holds it')
        assert.equal((await store.getLead(takenOver.lead.id))?.nextStepIndex, 0, 'its lead did not move')
        assert.equal((await store.listEmails({ leadId: takenOver.lead.id })).length, 1, 'no next step for it')
        assert.equal((await store.getEmail(kept!.email.id))?.sentAt?.getTime(), minutes(2).getTime())
        const [counters] = await store.getCampaignCounters({ campaignIds: [campaign.id], sinceDay: '2030-01-01' })
        assert.equal(counters?.lifetime.sent, 2)
        // Recording the same batch again changes nothing: every claim is gone.
        const again = await store.recordEmailsSent(inputs)
        assert.deepEqual(again, { recorded: [], lost: inputs.map((input) => input.emailId) })
        assert.equal((await store.getCampaignCounters({ campaignIds: [campaign.id], sinceDay: '2030-01-01' }))[0]?.lifetime.sent, 2)
        assert.deepEqual(await store.recordEmailsSent([]), { recorded: [], lost: [] })
      }),
    )

    api.it(
      'records an in-doubt email its worker learns the outcome of, and records nothing of a batch that fails',
      withStore(async (store) => {
        if (!store.recordEmailsSent) return
        const { campaign } = await seedCampaign(store, t0, { leads: 2 })
        const { claimed } = await store.claimDueEmails({
          now: minutes(1),
          workerId: 'worker-a',
          limit: 2,
          claimTtlMs: ttl,
          senderIdempotent: false,
          caps: [capFor(campaign.id, 1000, '2030-01-07')],
        })
        for (const item of claimed) await store.recordSendAttempt({ emailId: item.email.id, workerId: 'worker-a', now: minutes(1) })
        const later = new Date(minutes(1).getTime() + ttl + 1)
        const doubt = await store.claimDueEmails({ now: later, workerId: 'worker-b', limit: 2, claimTtlMs: ttl, senderIdempotent: false, caps: [capFor(campaign.id, 1000, '2030-01-07')] })
        assert.equal(doubt.inDoubt.length, 2)
        // A next step whose id already exists fails the whole batch: nothing is recorded.
        const [first, second] = claimed
        const taken = sent(first!, 'worker-a', later)
        const clash = sent(second!, 'worker-a', later, { next: { ...sampleEmail(1, later), id: first!.email.id } })
        await assert.rejects(store.recordEmailsSent([taken, clash]), (error) => CamError.isInstance(error, 'CONFLICT'))
        assert.equal((await store.getEmail(first!.email.id))?.status, 'in_doubt', 'nothing of the failed batch was written')
        assert.equal((await store.getCampaignCounters({ campaignIds: [campaign.id], sinceDay: '2030-01-01' }))[0]?.lifetime.sent ?? 0, 0)
        const result = await store.recordEmailsSent([taken, sent(second!, 'worker-a', later)])
        assert.equal(result.recorded.length, 2)
        assert.equal((await store.getEmail(first!.email.id))?.status, 'sent')
      }),
    )

    api.it(
      'records the events of the emails recorded in the same transaction, and none of an email whose claim was lost',
      withStore(async (store) => {
        if (!store.recordEmailsSent) return
        const endpoints = await registerEndpoints(store, t0, [['email.sent']])
        const { campaign } = await seedCampaign(store, t0, { leads: 3 })
        const { claimed } = await claim(store, [campaign.id], minutes(1), 'worker-a')
        const [first, second, third] = claimed
        const result = await store.recordEmailsSent([
          sent(first!, 'worker-a', minutes(2), { events: [sentEvent(first!, minutes(2))] }),
          sent(second!, 'someone-else', minutes(2), { events: [sentEvent(second!, minutes(2))] }),
          sent(third!, 'worker-a', minutes(2)),
        ])
        assert.deepEqual(result, { recorded: [first!.email.id, third!.email.id], lost: [second!.email.id] })
        const deliveries = await deliveriesTo(store, endpoints)
        assert.deepEqual(
          deliveries.map((d) => d.event.leadId),
          [first!.lead.id],
          'one email.sent event: the recorded email that carried one',
        )
        await retireEndpoints(store, endpoints, minutes(3))
      }),
    )
  })
}
