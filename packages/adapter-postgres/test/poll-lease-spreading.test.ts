import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverToMaildir } from '@cam/adapter-filesystem'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'
import { eventually, startWorker, stopWorker, type ChildEvent, type ChildWorker } from './support/worker-harness.js'

/**
 * Poll leases spread across worker processes on real PostgreSQL: 4 workers share a pool of
 * 40 Maildir inboxes. No timing assertions: every wait has a generous deadline.
 */

const inboxCount = 40
const leaseTtlMs = 4_000
const workerConfig = { intervalMs: 250, leaseTtlMs, claimTtlMs: 10_000 }
const maildirName = (index: number) => `box-${String(index).padStart(3, '0')}`

function reply(tag: string, index: number): string {
  return [
    `From: Lead ${index} <lead${index}@prospect.example>`,
    'To: sales@sender.example',
    `Subject: Re: hello (${tag})`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${tag}-${index}-${randomUUID()}@prospect.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Reply ${tag} to inbox ${index}: sounds good, tell me more.`,
    '',
  ].join('\r\n')
}

describe('poll leases across worker processes (PostgreSQL, Maildir inboxes)', () => {
  const schema = testSchemaName('pollspread')
  const root = mkdtempSync(join(tmpdir(), 'cam-poll-spread-'))
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
  const workers: ChildWorker[] = []
  let drop: () => Promise<void> = async () => {}

  beforeAll(async () => {
    drop = await createMigratedSchema(schema)
    for (let index = 0; index < inboxCount; index++) {
      for (const sub of ['tmp', 'new', 'cur']) mkdirSync(join(root, maildirName(index), sub), { recursive: true })
    }
  })
  afterAll(async () => {
    await Promise.all(workers.map(stopWorker))
    await pool.end()
    await drop()
    rmSync(root, { recursive: true, force: true })
  })

  /** Live poll leases by holder, as the leases table says (expiry by the database clock). */
  async function pollLeases(): Promise<Record<string, number>> {
    const { rows } = await pool.query<{ holder: string; n: number }>(
      `SELECT holder, count(*)::int AS n FROM "${schema}".leases WHERE name LIKE 'cam:poll:%' AND holder IS NOT NULL AND expires_at > now() GROUP BY holder`,
    )
    return Object.fromEntries(rows.map((row) => [row.holder, row.n]))
  }

  async function messageStats(): Promise<{ stored: number; processed: number; keys: number }> {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS stored, count(*) FILTER (WHERE status = 'processed')::int AS processed, count(DISTINCT (inbox, source_key))::int AS keys FROM "${schema}".inbound_messages`,
    )
    return rows[0] as { stored: number; processed: number; keys: number }
  }

  async function deliverRound(tag: string): Promise<number> {
    for (let index = 0; index < inboxCount; index++) await deliverToMaildir(join(root, maildirName(index)), reply(tag, index))
    return inboxCount
  }

  const events = (name: string): Array<ChildEvent & { worker: string }> => workers.flatMap((worker) => worker.events.filter((event) => event.event === name).map((event) => ({ ...event, worker: worker.id })))

  it('4 workers hold 10 ± 1 poll leases each; a SIGKILLed worker’s inboxes are taken over; every message stored and processed once', { timeout: 420_000 }, async () => {
    let delivered = await deliverRound('before')
    for (const id of ['w1', 'w2', 'w3', 'w4']) {
      workers.push(startWorker({ id, databaseUrl, schema, send: false, script: 'maildir-worker-process.ts', config: workerConfig, env: { CAM_TEST_MAILDIR_ROOT: root, CAM_TEST_MAILDIRS: String(inboxCount) } }))
    }

    // ── spread: 10 ± 1 each (⌈40 ÷ 4⌉ = 10 is the most any worker takes) ──
    const spread = await eventually(
      pollLeases,
      (leases) => Object.keys(leases).length === 4 && Object.values(leases).reduce((a, b) => a + b, 0) === inboxCount && Object.values(leases).every((n) => n >= 9 && n <= 11),
      180_000,
      250,
    )
    for (const id of ['w1', 'w2', 'w3', 'w4']) expect(spread[id]).toBeGreaterThanOrEqual(9)
    for (const id of ['w1', 'w2', 'w3', 'w4']) expect(spread[id]).toBeLessThanOrEqual(11)
    // The heartbeats agree: each lists the poll leases it holds.
    const { rows: heartbeats } = await pool.query<{ worker_id: string; leases: string[] }>(`SELECT worker_id, leases FROM "${schema}".worker_heartbeats`)
    expect(heartbeats.map((row) => row.worker_id).sort()).toEqual(['w1', 'w2', 'w3', 'w4'])
    await eventually(messageStats, (stats) => stats.processed === delivered, 180_000, 250)

    // ── SIGKILL one, with fresh mail in every Maildir ──
    const victim = workers[1]!
    const { rows: victimRows } = await pool.query<{ name: string }>(`SELECT name FROM "${schema}".leases WHERE name LIKE 'cam:poll:%' AND holder = $1 AND expires_at > now()`, [victim.id])
    const orphans = victimRows.map((row) => row.name.slice('cam:poll:'.length))
    expect(orphans.length).toBeGreaterThanOrEqual(9)
    delivered += await deliverRound('at-kill')
    victim.process.kill('SIGKILL')
    await victim.exited
    const survivors = workers.filter((worker) => worker !== victim).map((worker) => worker.id)

    // Its leases expire (TTL by the database clock) and the others take every inbox over.
    const takenOver = await eventually(
      pollLeases,
      (leases) => Object.keys(leases).every((holder) => survivors.includes(holder)) && Object.values(leases).reduce((a, b) => a + b, 0) === inboxCount,
      180_000,
      250,
    )
    for (const id of survivors) expect(takenOver[id]).toBeLessThanOrEqual(14) // ⌈40 ÷ 3⌉
    const { rows: newHolders } = await pool.query<{ holder: string }>(`SELECT DISTINCT holder FROM "${schema}".leases WHERE name = ANY($1::text[]) AND expires_at > now()`, [orphans.map((name) => `cam:poll:${name}`)])
    expect(newHolders.map((row) => row.holder).every((holder) => survivors.includes(holder))).toBe(true)

    delivered += await deliverRound('after-kill')
    const stats = await eventually(messageStats, (value) => value.processed === delivered, 180_000, 250)

    // ── exactly once ──
    expect(delivered).toBe(3 * inboxCount)
    expect(stats).toEqual({ stored: delivered, processed: delivered, keys: delivered })
    // Every orphaned inbox's mail from after the kill was stored by a survivor.
    const { rows: orphanRows } = await pool.query<{ inbox: string; n: number }>(`SELECT inbox, count(*)::int AS n FROM "${schema}".inbound_messages WHERE inbox = ANY($1::text[]) GROUP BY inbox`, [orphans])
    expect(orphanRows).toHaveLength(orphans.length)
    for (const row of orphanRows) expect(row.n).toBe(3)
    // Events of every process (the victim's up to its death): no message stored or processed twice.
    const received = events('message:received').map((event) => `${String(event.inbox)}/${String(event.sourceKey)}`)
    expect(new Set(received).size).toBe(received.length)
    const classified = events('reply:classified').map((event) => String(event.messageId))
    expect(new Set(classified).size).toBe(classified.length)
    expect(received.length).toBeLessThanOrEqual(delivered)
    // What was delivered after the kill reached the survivors only.
    const afterKill = events('message:received').filter((event) => event.worker === victim.id && orphans.includes(String(event.inbox)))
    expect(afterKill.length).toBeLessThanOrEqual(2 * orphans.length) // before + at-kill at most
  })
})
