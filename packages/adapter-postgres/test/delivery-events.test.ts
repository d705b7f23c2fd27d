import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CamError, createCamClient, type CamClient, type EmailFinding, type MessageOutcome, type OutboundEmail } from '@cam/core'
import { createManualClock, sampleCampaign, sampleEmail, sampleLead, sampleRawMessage } from '@cam/core/testing'
import { createPostgresStore, type PostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'

const schema = testSchemaName('delivery')
/** Eight stores of one connection each: every concurrent call below runs on its own connection. */
const stores: PostgresStore[] = []
const clients: CamClient[] = []
const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 })
let dropSchema: () => Promise<void> = async () => {}

beforeAll(async () => {
  dropSchema = await createMigratedSchema(schema)
  for (let i = 0; i < 8; i++) {
    const store = createPostgresStore({ connectionString: databaseUrl, schema, poolSize: 1, listen: false })
    stores.push(store)
    clients.push(createCamClient({ store }))
  }
})
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()))
  await pool.end()
  await dropSchema()
})

/** An active campaign with one lead whose first email was sent (with a provider id) and whose follow-up is queued. */
async function sentEmail(store: PostgresStore): Promise<{ email: OutboundEmail; campaignId: string; leadId: string; address: string }> {
  const now = new Date()
  const campaign = await store.createCampaign(sampleCampaign(), now)
  await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
  const lead = sampleLead()
  const { added } = await store.addLeads({ campaignId: campaign.id, now, leads: [{ lead, firstEmail: sampleEmail(0, now) }] })
  const { claimed } = await store.claimDueEmails({
    now,
    workerId: 'sender',
    limit: 10,
    claimTtlMs: 60_000,
    senderIdempotent: true,
    caps: [{ campaignId: campaign.id, day: now.toISOString().slice(0, 10), dailyCap: 100 }],
  })
  expect(claimed).toHaveLength(1)
  const email = await store.recordEmailSent({
    emailId: claimed[0]!.email.id,
    workerId: 'sender',
    sentAt: now,
    subject: 'Hello',
    providerId: `re_${randomUUID()}`,
    providerMessageId: null,
    lead: { state: 'active', nextStepIndex: 1, lastSentAt: now, replyDeadlineAt: null, threadSubject: 'Hello' },
    next: sampleEmail(1, new Date(now.getTime() + 3 * 86_400_000)),
  })
  expect(await store.listEmails({ leadId: added[0]!.id, statuses: ['queued'] })).toHaveLength(1)
  return { email, campaignId: campaign.id, leadId: added[0]!.id, address: lead.emailNormalized }
}

/** Polls `condition` until it holds (60 s at most). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const start = Date.now()
  while (!(await condition())) {
    if (Date.now() - start > 60_000) throw new Error('condition not met within 60 s')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function lifetimeCounters(store: PostgresStore, campaignId: string) {
  const [row] = await store.getCampaignCounters({ campaignIds: [campaignId], sinceDay: '2000-01-01' })
  return row!.lifetime
}

/** What the process step records for a hard-bounce DSN about `email` (see `buildOutcome` in core). */
const hardBounceFinding = (emailId: string): EmailFinding => ({
  emailId,
  kind: 'bounced',
  metrics: { bounced: 1, hardBounced: 1 },
  amends: { kind: 'delivered', metrics: { delivered: -1 } },
})

/**
 * Records a DSN's outcome as the process step does: with the lead's transition while the
 * lead is `active`; on a conflict (the lead changed meanwhile) decided again on the lead
 * as it is now.
 */
async function recordDsn(store: PostgresStore, messageId: string, sent: { email: OutboundEmail; campaignId: string; leadId: string; address: string }) {
  for (let attempt = 1; ; attempt++) {
    const lead = await store.getLead(sent.leadId)
    const outcome: MessageOutcome = {
      messageId,
      workerId: 'processor',
      now: new Date(),
      leadId: sent.leadId,
      campaignId: sent.campaignId,
      outboundEmailId: sent.email.id,
      classification: { category: 'bounce', confidence: 1, reason: 'DSN: 550 5.1.1', bounce: { type: 'hard', reason: 'user_unknown', status: '5.1.1', diagnostic: '550 5.1.1 user unknown', recipient: sent.address } },
      note: null,
      cancelPendingEmails: true,
      suppression: { email: sent.address, reason: 'hard_bounce', source: `message ${messageId}` },
      metrics: {},
      finding: hardBounceFinding(sent.email.id),
    }
    if (lead?.state === 'active') outcome.leadTransition = { leadId: sent.leadId, from: 'active', to: 'bounced', reason: 'hard bounce' }
    try {
      await store.recordMessageOutcome(outcome)
      return
    } catch (error) {
      if (attempt < 3 && outcome.leadTransition && CamError.isInstance(error, 'CONFLICT')) continue
      throw error
    }
  }
}

describe('delivery events under concurrency (PostgreSQL)', () => {
  it('counts one bounce reported at once through 8 connections — 4 provider events, 4 DSNs — exactly once, with every effect applied', async () => {
    const store = stores[0]!
    const sent = await sentEmail(store)
    // Four bounce reports in the mailbox, claimed by the process step.
    const inbox = `dsn-${randomUUID()}`
    const messageIds: string[] = []
    for (let i = 0; i < 4; i++) {
      const saved = await store.saveInboundMessage({ inbox, sourceKey: String(i), messageId: null, raw: sampleRawMessage({ body: `bounce ${i}` }), truncated: false, receivedAt: new Date(), cursor: String(i) })
      messageIds.push(saved.id)
    }
    const claimed = await store.claimPendingMessages({ now: new Date(), workerId: 'processor', limit: 100, claimTtlMs: 600_000 })
    expect(claimed.map((m) => m.id).sort()).toEqual([...messageIds].sort())

    const eventIds = Array.from({ length: 4 }, () => `msg_${randomUUID()}`)
    const results = await Promise.all([
      // Provider events through the client, on connections 0–3: each decided on the lead as read, retried on a conflict.
      ...eventIds.map((id, i) =>
        clients[i]!.recordDeliveryEvent({
          id,
          provider: 'resend',
          type: 'bounced',
          email: { providerId: sent.email.providerId! },
          bounce: { type: 'hard', reason: 'mailbox does not exist', diagnosticCode: '550 5.1.1 user unknown' },
          occurredAt: new Date(),
        }),
      ),
      // DSN outcomes on connections 4–7.
      ...messageIds.map((messageId, i) => recordDsn(stores[4 + i]!, messageId, sent).then(() => null)),
    ])

    const events = results.filter((result) => result !== null)
    expect(events.map((result) => result.status)).toEqual(['applied', 'applied', 'applied', 'applied'])
    // At most one event was the first report (none when a DSN came first); the counters say once.
    expect(events.filter((result) => result.counted).length).toBeLessThanOrEqual(1)
    const counts = await lifetimeCounters(store, sent.campaignId)
    expect(counts).toMatchObject({ sent: 1, bounced: 1, hardBounced: 1, delivered: 0 })
    const { rows: findings } = await pool.query(`SELECT kind, counted FROM "${schema}".email_findings WHERE email_id = $1`, [sent.email.id])
    expect(findings).toEqual([{ kind: 'bounced', counted: true }])

    // Every report is recorded; the lead bounced once; the address is suppressed; the follow-up is cancelled.
    expect((await store.listDeliveryEvents({ emailId: sent.email.id })).map((event) => event.id).sort()).toEqual([...eventIds].sort())
    expect((await store.listInboundMessages({ status: 'processed' })).filter((m) => messageIds.includes(m.id))).toHaveLength(4)
    expect((await store.getLead(sent.leadId))!.state).toBe('bounced')
    expect((await store.getSuppression(sent.address))?.reason).toBe('hard_bounce')
    expect(await store.listEmails({ leadId: sent.leadId, statuses: ['queued'] })).toEqual([])
    // The email has its final outcome: a reconcile no longer asks about it.
    const awaiting = await store.listEmailsAwaitingDelivery({ sentAfter: new Date(0), sentBefore: new Date(Date.now() + 60_000), limit: 10_000 })
    expect(awaiting.map((email) => email.id)).not.toContain(sent.email.id)
  })

  it('records one event replayed 20 times at once (webhook redeliveries) once: one applied, 19 duplicates, counted once', async () => {
    const sent = await sentEmail(stores[0]!)
    const event = {
      id: `msg_${randomUUID()}`,
      provider: 'resend',
      type: 'bounced' as const,
      email: { providerId: sent.email.providerId! },
      bounce: { type: 'hard' as const, reason: 'mailbox does not exist' },
      occurredAt: new Date(),
    }
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % clients.length]!.recordDeliveryEvent(event)))
    expect(results.filter((result) => result.status === 'applied')).toHaveLength(1)
    expect(results.filter((result) => result.status === 'duplicate')).toHaveLength(19)
    expect(results.filter((result) => result.counted)).toHaveLength(1)
    expect(results.find((result) => result.status === 'applied')!.transition).toEqual({ from: 'active', to: 'bounced' })

    const events = await stores[0]!.listDeliveryEvents({ emailId: sent.email.id })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ id: event.id, provider: 'resend', type: 'bounced', bounce: { type: 'hard', reason: 'mailbox does not exist', diagnosticCode: null } })
    expect(await lifetimeCounters(stores[0]!, sent.campaignId)).toMatchObject({ bounced: 1, hardBounced: 1 })
    expect((await stores[0]!.getLead(sent.leadId))!.state).toBe('bounced')
  })

  it('serialises reports of one email: a delivery and a bounce in flight together end bounced, not delivered', async () => {
    const sent = await sentEmail(stores[0]!)
    // Clients on the day the email was sent, so that both reports update that day's counter row.
    const clock = createManualClock(sent.email.sentAt!)
    const [deliveredBy, bouncedBy] = [createCamClient({ store: stores[1]!, clock }), createCamClient({ store: stores[2]!, clock })]
    const report = (client: CamClient, type: 'delivered' | 'bounced') =>
      client.recordDeliveryEvent({
        id: `msg_${randomUUID()}`,
        provider: 'resend',
        type,
        email: { providerId: sent.email.providerId! },
        ...(type === 'bounced' ? { bounce: { type: 'hard' as const } } : {}),
        occurredAt: clock.now(),
      })
    // Hold the campaign's counter row, so that neither report can commit before both are in flight.
    const blocker = await pool.connect()
    let reports: Promise<unknown>
    try {
      await blocker.query('BEGIN')
      const held = await blocker.query(`SELECT 1 FROM "${schema}".campaign_counters WHERE campaign_id = $1 FOR UPDATE`, [sent.campaignId])
      expect(held.rowCount).toBe(1)
      reports = Promise.all([report(deliveredBy, 'delivered'), report(bouncedBy, 'bounced')])
      reports.catch(() => undefined)
      // Both wait on a lock: one on the counter row, the other on the email's row (or, were the
      // email not locked, on the counter row too — after deciding without seeing the other).
      await until(async () => {
        const { rows } = await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position($1 in query) > 0`, [schema])
        return rows[0]!.n === 2
      })
    } finally {
      await blocker.query('COMMIT').catch(() => undefined)
      blocker.release()
    }
    await reports
    // Whichever went first: a delivery first is taken back by the bounce; a delivery after a bounce is not counted.
    expect(await lifetimeCounters(stores[0]!, sent.campaignId)).toMatchObject({ delivered: 0, bounced: 1, hardBounced: 1 })
    const { rows: findings } = await pool.query(`SELECT kind, counted FROM "${schema}".email_findings WHERE email_id = $1 ORDER BY kind`, [sent.email.id])
    expect(findings.find((row) => row.kind === 'bounced')).toEqual({ kind: 'bounced', counted: true })
    expect(findings.map((row) => row.kind)).toEqual(['bounced', 'delivered'])
  })
})
