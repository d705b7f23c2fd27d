import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { CamError, createCamClient } from '@cam/core'
import { createPostgresStore, latestMigrationVersion, listMigrations, migrate, SchemaVersionError } from '../src/index.js'
import { databaseUrl, dropSchema, testSchemaName } from './support/database.js'
import { dumpSchema } from './support/schema-dump.js'
import { renderMigration } from '../src/migrate.js'

const schemas: string[] = []
const freshSchema = (prefix: string) => {
  const schema = testSchemaName(prefix)
  schemas.push(schema)
  return schema
}
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
  await pool.end()
})

type TableRows = Record<string, Record<string, unknown>[]>

/** A store as version `version` left it: migrations 1…`version` applied and recorded the way migrate() does. */
async function createSchemaAtVersion(schema: string, version: number): Promise<void> {
  const q = `"${schema}"`
  await pool.query(`CREATE SCHEMA ${q}`)
  await pool.query(`CREATE TABLE ${q}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, breaking boolean NOT NULL DEFAULT false, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
  for (const migration of listMigrations().filter((m) => m.version <= version)) {
    await pool.query(renderMigration(migration, schema))
    await pool.query(`INSERT INTO ${q}.schema_migrations (version, name, breaking, checksum) VALUES ($1, $2, $3, $4)`, [migration.version, migration.name, migration.breaking, migration.checksum])
  }
}

/** Every row of every table, as JSON, each table's rows in a stable order. */
async function tableRows(schema: string): Promise<TableRows> {
  const tables = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'schema_migrations' ORDER BY 1`, [schema])
  const all: TableRows = {}
  for (const { table_name: table } of tables.rows) {
    const { rows } = await pool.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(t) AS row FROM "${schema}"."${table}" t`)
    all[table] = sortRows(rows.map((r) => r.row))
  }
  return all
}

const sortRows = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0))

/** What version 6 adds to rows written before it: the new columns with the value every old row gets. */
const version6Columns: Record<string, Record<string, unknown>> = { campaigns: { mailboxes: [] }, leads: { mailbox: null }, outbound_emails: { mailbox: null } }
/** The tables version 6 creates (empty after the upgrade). */
const version6Tables = ['mailboxes', 'mailbox_daily_sends', 'mailbox_counters']
/** The tables version 7 creates (empty after the upgrade: no endpoint registered, no event recorded). */
const version7Tables = ['webhook_endpoints', 'webhook_events', 'webhook_deliveries']

/** `tables` without version 7's tables, checked empty. */
function withoutVersion7(tables: TableRows): TableRows {
  for (const table of version7Tables) expect(tables[table], `${table} starts empty`).toEqual([])
  return Object.fromEntries(Object.entries(tables).filter(([table]) => !version7Tables.includes(table)))
}

/**
 * `tables` as a version 5 schema holds them: checks that every row has version 6's new
 * columns at their defaults and that its new tables are empty, then leaves them out.
 */
function withoutVersion6(tables: TableRows): TableRows {
  const result: TableRows = {}
  for (const [table, rows] of Object.entries(withoutVersion7(tables))) {
    if (version6Tables.includes(table)) {
      expect(rows, `${table} starts empty`).toEqual([])
      continue
    }
    const added = version6Columns[table] ?? {}
    result[table] = sortRows(
      rows.map((row) => {
        expect(Object.fromEntries(Object.keys(added).map((column) => [column, row[column]])), `${table}: new columns at their defaults`).toEqual(added)
        return Object.fromEntries(Object.entries(row).filter(([column]) => !(column in added)))
      }),
    )
  }
  expect(Object.keys(tables)).toEqual(expect.arrayContaining(version6Tables))
  return result
}

describe('migrate', () => {
  it('ships numbered migrations with the schema placeholder', () => {
    const migrations = listMigrations()
    expect(migrations.length).toBeGreaterThan(0)
    migrations.forEach((migration, index) => {
      expect(migration.version).toBe(index + 1)
      expect(migration.sql).toContain('{{schema}}.')
    })
    expect(latestMigrationVersion()).toBe(migrations.at(-1)!.version)
  })

  it('matches the committed schema snapshot (review schema changes here)', async () => {
    const schema = freshSchema('snapshot')
    await migrate({ pool, schema })
    const dump = await dumpSchema(pool, schema)
    expect(dump).toContain('TABLE outbound_emails')
    await expect(dump).toMatchFileSnapshot('./schema.snapshot.txt')
  })

  it('creates the same schema on PGlite as on PostgreSQL', async () => {
    const schema = freshSchema('same')
    await migrate({ pool, schema })
    const pglite = await PGlite.create()
    try {
      await migrate({ pglite, schema })
      expect(await dumpSchema(pglite, schema)).toBe(await dumpSchema(pool, schema))
    } finally {
      await pglite.close()
    }
  })

  it('is safe when several processes migrate at once: each migration applied exactly once', async () => {
    const schema = freshSchema('race')
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate({ connectionString: databaseUrl, schema })))
    expect(results.flatMap((r) => r.applied).sort()).toEqual(listMigrations().map((m) => m.version))
    expect(results.every((r) => r.version === latestMigrationVersion())).toBe(true)
    const { rows } = await pool.query(`SELECT version, name, breaking FROM "${schema}".schema_migrations ORDER BY version`)
    expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version))
    const again = await migrate({ pool, schema })
    expect(again.applied).toEqual([])
  })

  it('upgrades a version 1 store holding data: every later migration applies and the store works on it', async () => {
    const schema = freshSchema('upgrade')
    const q = `"${schema}"`
    const [initial] = listMigrations()
    // A store as version 1 left it (the first migration applied and recorded the way migrate() does).
    await pool.query(`CREATE SCHEMA ${q}`)
    await pool.query(`CREATE TABLE ${q}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, breaking boolean NOT NULL DEFAULT false, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    await pool.query(renderMigration(initial!, schema))
    await pool.query(`INSERT INTO ${q}.schema_migrations (version, name, breaking, checksum) VALUES ($1, $2, $3, $4)`, [initial!.version, initial!.name, initial!.breaking, initial!.checksum])
    const now = new Date()
    const past = new Date(now.getTime() - 3_600_000)
    await pool.query(
      `INSERT INTO ${q}.campaigns (id, name, status, sender, steps, schedule, daily_cap, rules, no_reply_timeout_days, created_at, updated_at)
       VALUES ('c1', 'Old', 'active', '{"email":"ana@sender.example"}', '[{"subject":"Hi","text":"Hi","delayDays":0}]',
               '{"timezone":"UTC","weekdays":[1,2,3,4,5,6,7],"startTime":"00:00","endTime":"24:00"}', 100, '[]', 14, $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.leads (id, campaign_id, email, email_normalized, state, reply_deadline_at, created_at, updated_at) VALUES
         ('done', 'c1', 'done@prospect.example', 'done@prospect.example', 'completed', $1, $1, $1),
         ('replied', 'c1', 'replied@prospect.example', 'replied@prospect.example', 'replied', $1, $1, $1),
         ('waiting', 'c1', 'waiting@prospect.example', 'waiting@prospect.example', 'queued', NULL, $1, $1),
         ('crashed', 'c1', 'crashed@prospect.example', 'crashed@prospect.example', 'active', NULL, $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.outbound_emails (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, idempotency_key, claimed_by, claimed_at, claim_expires_at, cap_day, attempts, created_at, updated_at) VALUES
         ('due', 'c1', 'waiting', 0, 'queued', $1, '<due@x>', 'k-due', NULL, NULL, NULL, NULL, 0, $1, $1),
         ('stuck', 'c1', 'crashed', 1, 'sending', $1, '<stuck@x>', 'k-stuck', 'dead-worker', $1, $1, '2000-01-01', 1, $1, $1)`,
      [past],
    )
    // A second campaign whose claim (by version-1 code, for a sender that is not idempotent) expired mid-send.
    await pool.query(
      `INSERT INTO ${q}.campaigns (id, name, status, sender, steps, schedule, daily_cap, rules, no_reply_timeout_days, created_at, updated_at)
       SELECT 'c2', 'Strict', status, sender, steps, schedule, daily_cap, rules, no_reply_timeout_days, created_at, updated_at FROM ${q}.campaigns WHERE id = 'c1'`,
    )
    await pool.query(
      `INSERT INTO ${q}.leads (id, campaign_id, email, email_normalized, state, created_at, updated_at) VALUES ('strict', 'c2', 's@prospect.example', 's@prospect.example', 'queued', $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.outbound_emails (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, idempotency_key, claimed_by, claimed_at, claim_expires_at, cap_day, attempts, created_at, updated_at)
       VALUES ('strict-stuck', 'c2', 'strict', 0, 'sending', $1, '<strict@x>', 'k-strict', 'dead-worker', $1, $1, '2000-01-01', 1, $1, $1)`,
      [past],
    )
    // Replies stored by version 1: the same message without a Message-ID twice (read again after a UIDVALIDITY change).
    const noId = Buffer.from('From: lee@prospect.example\r\nSubject: hi\r\n\r\nYes\r\n')
    await pool.query(
      `INSERT INTO ${q}.inbound_messages (id, inbox, source_key, message_id, raw, received_at, status) VALUES
         ('m1', 'inbox', 'INBOX:1:1', NULL, $1, $2, 'processed'), ('m2', 'inbox', 'INBOX:2:1', NULL, $1, $2, 'processed'), ('m3', 'inbox', 'INBOX:2:2', '<a@x>', $1, $2, 'pending')`,
      [noId, past],
    )
    expect((await migrate({ pool, schema })).applied).toEqual(listMigrations().slice(1).map((m) => m.version))
    const store = createPostgresStore({ pool, schema })
    try {
      expect((await store.listLeadsPastReplyDeadline({ now, limit: 10 })).map((l) => l.id)).toEqual(['done'])
      const day = now.toISOString().slice(0, 10)
      const claimed = await store.claimDueEmails({ now, workerId: 'w', limit: 10, claimTtlMs: 60_000, senderIdempotent: true, caps: [{ campaignId: 'c1', day, dailyCap: 100 }] })
      expect(claimed.claimed.map((c) => c.email.id).sort()).toEqual(['due', 'stuck'])
      const sent = await store.recordEmailSent({
        emailId: 'due',
        workerId: 'w',
        sentAt: now,
        subject: 'Hi',
        providerId: null,
        providerMessageId: null,
        lead: { state: 'completed', nextStepIndex: 1, lastSentAt: now, replyDeadlineAt: past, threadSubject: 'Hi' },
        next: null,
      })
      expect(sent.status).toBe('sent')
      expect((await store.listLeadsPastReplyDeadline({ now, limit: 10 })).map((l) => l.id).sort()).toEqual(['done', 'waiting'])
      // An old claim counts as possibly attempted: held in doubt, never resent by a strict sender.
      const strict = await store.claimDueEmails({ now, workerId: 'w', limit: 10, claimTtlMs: 60_000, senderIdempotent: false, caps: [{ campaignId: 'c2', day, dailyCap: 100 }] })
      expect(strict.claimed).toEqual([])
      expect(strict.inDoubt.map((e) => e.id)).toEqual(['strict-stuck'])
      // Both old duplicates are kept; the message is not stored a third time; failures start at 0.
      expect((await store.listInboundMessages({})).map((m) => [m.id, m.failures, m.lastError])).toEqual([
        ['m1', 0, null],
        ['m2', 0, null],
        ['m3', 0, null],
      ])
      const again = await store.saveInboundMessage({ inbox: 'inbox', sourceKey: 'INBOX:3:1', messageId: null, raw: noId, truncated: false, receivedAt: now, cursor: 'c' })
      expect(again).toEqual({ stored: false, id: 'm1' })
    } finally {
      await store.close()
    }
  })

  it('upgrades a version 4 store holding data through version 5 without losing anything: old rows intact, old counter writes still work, delivery events on old emails', async () => {
    const schema = freshSchema('upgrade5')
    const q = `"${schema}"`
    await createSchemaAtVersion(schema, 4)
    const now = new Date()
    const past = new Date(now.getTime() - 3_600_000)
    const day = past.toISOString().slice(0, 10)
    await pool.query(
      `INSERT INTO ${q}.campaigns (id, name, status, sender, steps, schedule, daily_cap, rules, no_reply_timeout_days, created_at, updated_at)
       VALUES ('c1', 'Old', 'active', '{"email":"ana@sender.example"}', '[{"subject":"Hi","text":"Hi","delayDays":0},{"text":"Again","delayDays":3}]',
               '{"timezone":"UTC","weekdays":[1,2,3,4,5,6,7],"startTime":"00:00","endTime":"24:00"}', 100, '[]', 14, $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.leads (id, campaign_id, email, email_normalized, state, next_step_index, last_sent_at, created_at, updated_at) VALUES
         ('lee', 'c1', 'Lee@prospect.example', 'lee@prospect.example', 'active', 1, $1, $1, $1),
         ('kim', 'c1', 'kim@prospect.example', 'kim@prospect.example', 'replied', 1, $1, $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.outbound_emails (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, provider_id, idempotency_key, subject, attempts, sent_at, cap_day, created_at, updated_at) VALUES
         ('lee-1', 'c1', 'lee', 0, 'sent', $1, '<lee-1@x>', 're_lee_1', 'k-lee-1', 'Hi', 1, $1, $2, $1, $1),
         ('lee-2', 'c1', 'lee', 1, 'queued', $3, '<lee-2@x>', NULL, 'k-lee-2', NULL, 0, NULL, NULL, $1, $1),
         ('kim-1', 'c1', 'kim', 0, 'sent', $1, '<kim-1@x>', 're_kim_1', 'k-kim-1', 'Hi', 1, $1, $2, $1, $1)`,
      [past, day, new Date(now.getTime() + 3 * 86_400_000)],
    )
    await pool.query(`INSERT INTO ${q}.daily_sends (campaign_id, day, used) VALUES ('c1', $1, 2)`, [day])
    await pool.query(`INSERT INTO ${q}.campaign_counters (campaign_id, day, sent, replied, positive, bounced, hard_bounced) VALUES ('c1', $1, 2, 1, 1, 0, 0)`, [day])
    await pool.query(
      `INSERT INTO ${q}.inbound_messages (id, inbox, source_key, message_id, raw, received_at, status, lead_id, campaign_id, outbound_email_id, content_hash)
       VALUES ('m1', 'inbox', 'INBOX:1:1', '<reply@prospect.example>', $1, $2, 'processed', 'kim', 'c1', 'kim-1', NULL)`,
      [Buffer.from('From: kim@prospect.example\r\nSubject: Re: Hi\r\n\r\nYes please\r\n'), past],
    )
    await pool.query(`INSERT INTO ${q}.suppressions (email, reason, source, created_at) VALUES ('old@prospect.example', 'unsubscribe', 'link', $1)`, [past])
    await pool.query(`INSERT INTO ${q}.alerts (id, kind, title, campaign_id, lead_id, created_at) VALUES ('a1', 'reply', 'Kim said yes', 'c1', 'kim', $1)`, [past])
    await pool.query(`INSERT INTO ${q}.alert_deliveries (id, alert_id, channel, status, attempts, next_attempt_at) VALUES ('d1', 'a1', 'slack', 'pending', 0, $1)`, [past])
    await pool.query(`INSERT INTO ${q}.inbox_cursors (inbox, cursor) VALUES ('inbox', 'INBOX:1:1')`)
    await pool.query(`INSERT INTO ${q}.leases (name, holder, token, expires_at) VALUES ('poll:inbox', 'w1', 3, $1)`, [past])
    await pool.query(`INSERT INTO ${q}.worker_heartbeats (worker_id, host, pid, started_at, last_seen_at, cycles) VALUES ('w1', 'host', 42, $1, $1, 7)`, [past])

    const before = await tableRows(schema)
    expect(Object.entries(before).filter(([, rows]) => rows.length === 0)).toEqual([])

    // Up to the latest version; what version 6 adds is checked (defaults, empty tables) and left out below.
    expect((await migrate({ pool, schema })).applied).toEqual(listMigrations().filter((m) => m.version > 4).map((m) => m.version))
    const after = withoutVersion6(await tableRows(schema))
    // Nothing lost or changed: the old tables hold the same rows; the new counters start at 0; the new tables are empty.
    const newCounters = ['delivered', 'delayed', 'provider_suppressed']
    expect(after.campaign_counters!.map((row) => newCounters.map((column) => row[column]))).toEqual([[0, 0, 0]])
    const withoutNewCounters = after.campaign_counters!.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !newCounters.includes(column))))
    expect({ ...after, campaign_counters: withoutNewCounters, email_findings: undefined, delivery_events: undefined }).toEqual({ ...before, email_findings: undefined, delivery_events: undefined })
    expect(after.email_findings).toEqual([])
    expect(after.delivery_events).toEqual([])

    // Version 4 code keeps working: its counter upsert names only the columns it knows.
    await pool.query(
      `INSERT INTO ${q}.campaign_counters (campaign_id, day, sent, replied, positive, negative, bounced, hard_bounced, soft_bounced, blocked, unsubscribed, complained, out_of_office, auto_replies, failed)
       VALUES ('c1', $1::date, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
       ON CONFLICT (campaign_id, day) DO UPDATE SET sent = ${q}.campaign_counters.sent + EXCLUDED.sent`,
      [day],
    )

    const store = createPostgresStore({ pool, schema })
    try {
      // Emails sent before the upgrade are matched and awaited like new ones.
      expect((await store.findEmailByProviderId('re_lee_1'))?.id).toBe('lee-1')
      const awaiting = await store.listEmailsAwaitingDelivery({ sentAfter: new Date(past.getTime() - 1), sentBefore: now, limit: 10 })
      expect(awaiting.map((email) => email.id)).toEqual(['kim-1', 'lee-1'])
      const client = createCamClient({ store, clock: { now: () => past } })
      const bounced = await client.recordDeliveryEvent({ id: 'evt-1', provider: 'resend', type: 'bounced', email: { providerId: 're_lee_1' }, bounce: { type: 'hard' }, occurredAt: past })
      expect(bounced).toMatchObject({ status: 'applied', counted: true, transition: { from: 'active', to: 'bounced' }, suppressed: 'lee@prospect.example' })
      const delivered = await client.recordDeliveryEvent({ id: 'evt-2', provider: 'resend', type: 'delivered', email: { messageId: '<kim-1@x>' }, occurredAt: past })
      expect(delivered).toMatchObject({ status: 'applied', counted: true })
      const [counters] = await store.getCampaignCounters({ campaignIds: ['c1'], sinceDay: day })
      expect(counters!.lifetime).toMatchObject({ sent: 3, replied: 1, positive: 1, bounced: 1, hardBounced: 1, delivered: 1 })
      expect(await store.listEmails({ leadId: 'lee', statuses: ['queued'] })).toEqual([])
      expect(await store.listEmailsAwaitingDelivery({ sentAfter: new Date(past.getTime() - 1), sentBefore: now, limit: 10 })).toEqual([])
    } finally {
      await store.close()
    }
  })

  it('upgrades a version 5 store holding data to version 6 without losing anything: campaigns get no mailboxes, leads and emails none, old writes still work, the pool works on old rows', async () => {
    const schema = freshSchema('upgrade6')
    const q = `"${schema}"`
    await createSchemaAtVersion(schema, 5)
    const now = new Date()
    const past = new Date(now.getTime() - 3_600_000)
    const day = past.toISOString().slice(0, 10)
    await pool.query(
      `INSERT INTO ${q}.campaigns (id, name, status, sender, steps, schedule, daily_cap, rules, no_reply_timeout_days, created_at, updated_at)
       VALUES ('c1', 'Old', 'active', '{"email":"ana@sender.example"}', '[{"subject":"Hi","text":"Hi","delayDays":0},{"text":"Again","delayDays":3}]',
               '{"timezone":"UTC","weekdays":[1,2,3,4,5,6,7],"startTime":"00:00","endTime":"24:00"}', 100, '[]', 14, $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.leads (id, campaign_id, email, email_normalized, state, next_step_index, last_sent_at, created_at, updated_at) VALUES
         ('lee', 'c1', 'Lee@prospect.example', 'lee@prospect.example', 'active', 1, $1, $1, $1),
         ('kim', 'c1', 'kim@prospect.example', 'kim@prospect.example', 'replied', 1, $1, $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.outbound_emails (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, provider_id, idempotency_key, subject, attempts, sent_at, cap_day, created_at, updated_at) VALUES
         ('lee-1', 'c1', 'lee', 0, 'sent', $1, '<lee-1@x>', 're_lee_1', 'k-lee-1', 'Hi', 1, $1, $2, $1, $1),
         ('lee-2', 'c1', 'lee', 1, 'queued', $1, '<lee-2@x>', NULL, 'k-lee-2', NULL, 0, NULL, NULL, $1, $1),
         ('kim-1', 'c1', 'kim', 0, 'sent', $1, '<kim-1@x>', 're_kim_1', 'k-kim-1', 'Hi', 1, $1, $2, $1, $1)`,
      [past, day],
    )
    await pool.query(`INSERT INTO ${q}.daily_sends (campaign_id, day, used) VALUES ('c1', $1, 2)`, [day])
    await pool.query(`INSERT INTO ${q}.campaign_counters (campaign_id, day, sent, replied, positive, delivered) VALUES ('c1', $1, 2, 1, 1, 1)`, [day])
    await pool.query(`INSERT INTO ${q}.email_findings (email_id, kind, counted, created_at) VALUES ('kim-1', 'delivered', true, $1)`, [past])
    await pool.query(
      `INSERT INTO ${q}.delivery_events (provider, event_id, email_id, campaign_id, lead_id, type, recipient, occurred_at, recorded_at)
       VALUES ('resend', 'evt-0', 'kim-1', 'c1', 'kim', 'delivered', 'kim@prospect.example', $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.inbound_messages (id, inbox, source_key, message_id, raw, received_at, status, lead_id, campaign_id, outbound_email_id)
       VALUES ('m1', 'inbox', 'INBOX:1:1', '<reply@prospect.example>', $1, $2, 'processed', 'kim', 'c1', 'kim-1')`,
      [Buffer.from('From: kim@prospect.example\r\nSubject: Re: Hi\r\n\r\nYes please\r\n'), past],
    )
    await pool.query(`INSERT INTO ${q}.suppressions (email, reason, source, created_at) VALUES ('old@prospect.example', 'unsubscribe', 'link', $1)`, [past])
    await pool.query(`INSERT INTO ${q}.alerts (id, kind, title, campaign_id, lead_id, created_at) VALUES ('a1', 'reply', 'Kim said yes', 'c1', 'kim', $1)`, [past])
    await pool.query(`INSERT INTO ${q}.alert_deliveries (id, alert_id, channel, status, attempts, next_attempt_at) VALUES ('d1', 'a1', 'slack', 'pending', 0, $1)`, [past])
    await pool.query(`INSERT INTO ${q}.inbox_cursors (inbox, cursor) VALUES ('inbox', 'INBOX:1:1')`)
    await pool.query(`INSERT INTO ${q}.leases (name, holder, token, expires_at) VALUES ('poll:inbox', 'w1', 3, $1)`, [past])
    await pool.query(`INSERT INTO ${q}.worker_heartbeats (worker_id, host, pid, started_at, last_seen_at, cycles) VALUES ('w1', 'host', 42, $1, $1, 7)`, [past])

    const before = await tableRows(schema)
    expect(Object.entries(before).filter(([, rows]) => rows.length === 0)).toEqual([])
    expect((await migrate({ pool, schema })).applied).toEqual(listMigrations().filter((m) => m.version > 5).map((m) => m.version))
    // Nothing lost or changed; the new columns hold their defaults ([] and null) and the new tables are empty.
    expect(withoutVersion6(await tableRows(schema))).toEqual(before)

    // Version 5 code keeps working: its inserts name only the columns it knows.
    await pool.query(
      `INSERT INTO ${q}.campaigns (id, name, status, sender, steps, schedule, daily_cap, rules, no_reply_timeout_days, nurture_campaign_id, created_at, updated_at)
       SELECT 'c2', 'Written by version 5', 'draft', sender, steps, schedule, daily_cap, rules, no_reply_timeout_days, NULL, $1, $1 FROM ${q}.campaigns WHERE id = 'c1'`,
      [now],
    )
    await pool.query(
      `INSERT INTO ${q}.leads (id, campaign_id, email, email_normalized, first_name, last_name, company, variables, timezone, state, next_step_index, created_at, updated_at)
       VALUES ('ada', 'c2', 'ada@prospect.example', 'ada@prospect.example', NULL, NULL, NULL, '{}', NULL, 'queued', 0, $1, $1)`,
      [now],
    )

    const store = createPostgresStore({ pool, schema })
    try {
      expect((await store.getCampaign('c1'))?.mailboxes).toEqual([])
      expect((await store.getCampaign('c2'))?.mailboxes).toEqual([])
      expect((await store.getLead('lee'))?.mailbox).toBeNull()
      expect((await store.getLead('ada'))?.mailbox).toBeNull()
      expect((await store.getEmail('lee-1'))?.mailbox).toBeNull()

      // The pool works with the old rows: an old lead's queued follow-up goes out from a mailbox.
      await store.registerMailboxes({ mailboxes: [{ name: 'pool-a', address: 'ana@pool.example', dailyLimit: 30, rampUp: { start: 5, increment: 5 }, minGapMs: 0 }], now })
      const today = now.toISOString().slice(0, 10)
      expect(await store.reserveMailboxSend({ mailbox: 'pool-a', day: today, limit: 5, minGapMs: 0, now })).toEqual({ reserved: true })
      const { claimed } = await store.claimDueEmails({ now, workerId: 'w', limit: 10, claimTtlMs: 60_000, senderIdempotent: true, caps: [{ campaignId: 'c1', day, dailyCap: 100 }] })
      expect(claimed.map((c) => [c.email.id, c.lead.mailbox, c.campaign.mailboxes])).toEqual([['lee-2', null, []]])
      const sent = await store.recordEmailSent({
        emailId: 'lee-2',
        workerId: 'w',
        sentAt: now,
        subject: 'Re: Hi',
        providerId: 're_lee_2',
        providerMessageId: null,
        mailbox: 'pool-a',
        lead: { state: 'completed', nextStepIndex: 2, lastSentAt: now, replyDeadlineAt: null, threadSubject: 'Hi' },
        next: null,
      })
      expect(sent.mailbox).toBe('pool-a')
      expect((await store.getLead('lee'))?.mailbox).toBe('pool-a')
      // A bounce of the pool's email counts for the mailbox; one of an email sent before the upgrade does not.
      const client = createCamClient({ store, clock: { now: () => now } })
      await client.recordDeliveryEvent({ id: 'evt-1', provider: 'resend', type: 'bounced', email: { providerId: 're_lee_2' }, bounce: { type: 'hard' }, occurredAt: now })
      await client.recordDeliveryEvent({ id: 'evt-2', provider: 'resend', type: 'bounced', email: { providerId: 're_kim_1' }, bounce: { type: 'hard' }, occurredAt: now })
      const [mailboxCounters] = await store.getMailboxCounters({ names: ['pool-a'], sinceDay: today })
      expect(mailboxCounters!.lifetime).toMatchObject({ sent: 1, bounced: 1, hardBounced: 1, delivered: 0 })
      const [campaignCounters] = await store.getCampaignCounters({ campaignIds: ['c1'], sinceDay: day })
      expect(campaignCounters!.lifetime).toMatchObject({ sent: 3, bounced: 2, hardBounced: 2, delivered: 0 })
      expect((await store.listMailboxes({ day: today, names: ['pool-a'] })).map((m) => [m.name, m.status, m.sentOnDay, m.firstSendDay])).toEqual([['pool-a', 'active', 1, today]])
    } finally {
      await store.close()
    }
  })

  it('upgrades a version 6 store holding data to version 7 without losing anything: old rows intact, the outbox starts empty, events of old campaigns and leads are recorded and delivered', async () => {
    const schema = freshSchema('upgrade7')
    const q = `"${schema}"`
    await createSchemaAtVersion(schema, 6)
    const now = new Date()
    const past = new Date(now.getTime() - 3_600_000)
    const day = past.toISOString().slice(0, 10)
    await pool.query(
      `INSERT INTO ${q}.campaigns (id, name, status, sender, steps, schedule, daily_cap, rules, no_reply_timeout_days, mailboxes, created_at, updated_at)
       VALUES ('c1', 'Old', 'active', '{"email":"ana@sender.example"}', '[{"subject":"Hi","text":"Hi","delayDays":0},{"text":"Again","delayDays":3}]',
               '{"timezone":"UTC","weekdays":[1,2,3,4,5,6,7],"startTime":"00:00","endTime":"24:00"}', 100, '[]', 14, '["pool-a"]', $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.leads (id, campaign_id, email, email_normalized, state, next_step_index, last_sent_at, mailbox, created_at, updated_at)
       VALUES ('lee', 'c1', 'Lee@prospect.example', 'lee@prospect.example', 'completed', 1, $1, 'pool-a', $1, $1)`,
      [past],
    )
    await pool.query(
      `INSERT INTO ${q}.outbound_emails (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, provider_id, idempotency_key, subject, attempts, sent_at, cap_day, mailbox, created_at, updated_at)
       VALUES ('lee-1', 'c1', 'lee', 0, 'sent', $1, '<lee-1@x>', 're_lee_1', 'k-lee-1', 'Hi', 1, $1, $2, 'pool-a', $1, $1)`,
      [past, day],
    )
    await pool.query(`INSERT INTO ${q}.daily_sends (campaign_id, day, used) VALUES ('c1', $1, 1)`, [day])
    await pool.query(`INSERT INTO ${q}.campaign_counters (campaign_id, day, sent) VALUES ('c1', $1, 1)`, [day])
    await pool.query(`INSERT INTO ${q}.email_findings (email_id, kind, counted, created_at) VALUES ('lee-1', 'delayed', true, $1)`, [past])
    await pool.query(`INSERT INTO ${q}.delivery_events (provider, event_id, email_id, campaign_id, lead_id, type, occurred_at, recorded_at) VALUES ('resend', 'evt-0', 'lee-1', 'c1', 'lee', 'delayed', $1, $1)`, [past])
    await pool.query(
      `INSERT INTO ${q}.inbound_messages (id, inbox, source_key, message_id, raw, received_at, status) VALUES ('m1', 'inbox', 'INBOX:1:1', '<reply@prospect.example>', $1, $2, 'processed')`,
      [Buffer.from('From: lee@prospect.example\r\nSubject: Re: Hi\r\n\r\nLater\r\n'), past],
    )
    await pool.query(`INSERT INTO ${q}.suppressions (email, reason, source, created_at) VALUES ('old@prospect.example', 'unsubscribe', 'link', $1)`, [past])
    await pool.query(`INSERT INTO ${q}.alerts (id, kind, title, campaign_id, lead_id, created_at) VALUES ('a1', 'reply', 'Lee wrote', 'c1', 'lee', $1)`, [past])
    await pool.query(`INSERT INTO ${q}.alert_deliveries (id, alert_id, channel, status, attempts, next_attempt_at) VALUES ('d1', 'a1', 'slack', 'pending', 0, $1)`, [past])
    await pool.query(`INSERT INTO ${q}.inbox_cursors (inbox, cursor) VALUES ('inbox', 'INBOX:1:1')`)
    await pool.query(`INSERT INTO ${q}.leases (name, holder, token, expires_at) VALUES ('cam:leader', 'w1', 3, $1)`, [past])
    await pool.query(`INSERT INTO ${q}.worker_heartbeats (worker_id, host, pid, started_at, last_seen_at, cycles) VALUES ('w1', 'host', 42, $1, $1, 7)`, [past])
    await pool.query(`INSERT INTO ${q}.mailboxes (name, address, daily_limit, min_gap_ms, status, first_send_day, last_sent_at, updated_at) VALUES ('pool-a', 'ana@pool.example', 30, 0, 'active', $2, $1, $1)`, [past, day])
    await pool.query(`INSERT INTO ${q}.mailbox_daily_sends (mailbox, day, used) VALUES ('pool-a', $1, 1)`, [day])
    await pool.query(`INSERT INTO ${q}.mailbox_counters (mailbox, day, sent) VALUES ('pool-a', $1, 1)`, [day])

    const before = await tableRows(schema)
    expect(Object.entries(before).filter(([, rows]) => rows.length === 0)).toEqual([])
    expect((await migrate({ pool, schema })).applied).toEqual([7])
    expect(withoutVersion7(await tableRows(schema))).toEqual(before)

    const store = createPostgresStore({ pool, schema })
    try {
      await store.registerWebhookEndpoints({ endpoints: [{ name: 'crm', url: 'https://crm.example/hooks', events: ['campaign.paused', 'email.bounced'] }], now })
      // A person pauses the old campaign; a provider reports a bounce of the old email.
      const client = createCamClient({ store, clock: { now: () => now } })
      await client.pauseCampaign('c1', 'holiday')
      const bounced = await client.recordDeliveryEvent({ id: 'evt-1', provider: 'resend', type: 'bounced', email: { providerId: 're_lee_1' }, bounce: { type: 'hard' }, occurredAt: now })
      expect(bounced.status).toBe('applied')
      const deliveries = await store.listWebhookDeliveries({ endpoint: 'crm' })
      expect(deliveries.map((d) => [d.event.type, d.event.campaignId, d.event.leadId])).toEqual([
        ['campaign.paused', 'c1', null],
        ['email.bounced', 'c1', 'lee'],
      ])
      const claimed = await store.claimWebhookDeliveries({ now, workerId: 'w', limit: 10, claimTtlMs: 60_000, endpoints: ['crm'] })
      expect(claimed).toHaveLength(2)
      for (const item of claimed) await store.recordWebhookDelivered({ deliveryId: item.delivery.id, workerId: 'w', now })
      expect((await store.listWebhookDeliveries({ status: 'delivered' })).length).toBe(2)
    } finally {
      await store.close()
    }
  })

  it('quotes the schema name everywhere', async () => {
    const schema = freshSchema('Odd "Name"; drop').slice(0, 63)
    await migrate({ pool, schema })
    const store = createPostgresStore({ pool, schema })
    const campaign = await store.createCampaign(
      {
        name: 'Quoted',
        sender: { email: 'ana@sender.example' },
        steps: [{ subject: 'Hi', text: 'Hi', delayDays: 0 }],
        schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' },
        dailyCap: 10,
        rules: [],
        noReplyTimeoutDays: 14,
        nurtureCampaignId: null,
        mailboxes: [],
      },
      new Date(),
    )
    expect((await store.getCampaign(campaign.id))?.name).toBe('Quoted')
    const lease = await store.acquire({ name: 'x', holder: 'a', ttlMs: 1000 })
    expect(lease?.token).toBe(1)
    await store.close()
  })

  it('makes the store refuse an unmigrated schema with a clear error', async () => {
    const store = createPostgresStore({ pool, schema: freshSchema('missing') })
    const error = await store.getCampaign('x').catch((e: unknown) => e)
    expect(CamError.isInstance(error, 'STORE_FAILED')).toBe(true)
    expect(String((error as Error).message)).toMatch(/needs version \d+: run migrate\(\)/)
    await store.close()
  })

  it('refuses to run code older than a breaking schema, but tolerates newer additive migrations', async () => {
    const schema = freshSchema('newer')
    await migrate({ pool, schema })
    const next = latestMigrationVersion() + 1
    await pool.query(`INSERT INTO "${schema}".schema_migrations (version, name, breaking, checksum) VALUES ($1, 'future_additive', false, 'x')`, [next])
    const tolerant = createPostgresStore({ pool, schema })
    expect(await tolerant.listCampaigns()).toEqual([])
    await tolerant.close()
    await pool.query(`INSERT INTO "${schema}".schema_migrations (version, name, breaking, checksum) VALUES ($1, 'future_breaking', true, 'x')`, [next + 1])
    await expect(migrate({ pool, schema })).rejects.toThrow(/breaking change .*upgrade @cam\/adapter-postgres/)
    const store = createPostgresStore({ pool, schema })
    const error = await store.listCampaigns().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SchemaVersionError)
    expect((error as Error).message).toContain(`breaking change (version ${next + 1})`)
    await store.close()
  })

  it('runs from the command line', async () => {
    const { execFile } = await import('node:child_process')
    const schema = freshSchema('cli')
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: databaseUrl } }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        )
      })
    const first = await run(['migrate', '--schema', schema])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`applied 1`)
    const second = await run(['migrate', '--schema', schema])
    expect(second.stdout).toContain('up to date')
    const bad = await run(['frobnicate'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown command')
  })
})
