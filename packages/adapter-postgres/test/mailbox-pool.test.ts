import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MailboxReservation, MailboxSettings } from '@cam/core'
import { createPostgresStore, type PostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'

const schema = testSchemaName('mailbox_pool')
/** Eight stores of one connection each: the concurrent calls below run on eight connections. */
const stores: PostgresStore[] = []
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
let dropSchema: () => Promise<void> = async () => {}

beforeAll(async () => {
  dropSchema = await createMigratedSchema(schema)
  for (let i = 0; i < 8; i++) stores.push(createPostgresStore({ connectionString: databaseUrl, schema, poolSize: 1, listen: false }))
})
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()))
  await pool.end()
  await dropSchema()
})

const day = '2030-03-04'
const t0 = new Date(`${day}T09:00:00.000Z`)

function mailbox(overrides: Partial<MailboxSettings> = {}): MailboxSettings {
  const name = `pool-${randomUUID()}@sender.example`
  return { name, address: name, dailyLimit: 30, rampUp: null, minGapMs: 0, ...overrides }
}

/** `used` as stored for each mailbox on `day` (read directly, not through the store). */
async function storedUsage(names: string[]): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ mailbox: string; used: number }>(`SELECT mailbox, used FROM "${schema}".mailbox_daily_sends WHERE mailbox = ANY($1::text[]) AND day = $2::date`, [names, day])
  return Object.fromEntries(rows.map((row) => [row.mailbox, row.used]))
}

describe('mailbox reservations under concurrency (8 connections)', () => {
  it('takes exactly the daily limit of each mailbox when 200 reservations race for 3 mailboxes of 30', async () => {
    const mailboxes = [mailbox(), mailbox(), mailbox()]
    await stores[0]!.registerMailboxes({ mailboxes, now: t0 })
    const attempts = Array.from({ length: 200 }, (_, i) => ({ store: stores[i % stores.length]!, name: mailboxes[i % mailboxes.length]!.name }))
    const results = await Promise.all(attempts.map(({ store, name }) => store.reserveMailboxSend({ mailbox: name, day, limit: 30, minGapMs: 0, now: t0 }).then((result) => ({ name, result }))))

    for (const { name } of mailboxes) {
      const mine = results.filter((r) => r.name === name).map((r) => r.result)
      expect(mine.length).toBeGreaterThan(30)
      expect(mine.filter((r) => r.reserved)).toHaveLength(30)
      expect(mine.filter((r): r is Extract<MailboxReservation, { reserved: false }> => !r.reserved).every((r) => r.reason === 'limit')).toBe(true)
    }
    expect(await storedUsage(mailboxes.map((m) => m.name))).toEqual(Object.fromEntries(mailboxes.map((m) => [m.name, 30])))
    const listed = await stores[1]!.listMailboxes({ day, names: mailboxes.map((m) => m.name) })
    expect(listed.map((m) => [m.name, m.sentOnDay, m.firstSendDay])).toEqual(mailboxes.map((m) => [m.name, 30, day]))
  })

  it('never goes over the limit while sends are given back and taken at once', async () => {
    const box = mailbox()
    await stores[0]!.registerMailboxes({ mailboxes: [box], now: t0 })
    const first = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 8]!.reserveMailboxSend({ mailbox: box.name, day, limit: 30, minGapMs: 0, now: t0 })))
    expect(first.filter((r) => r.reserved)).toHaveLength(30)
    // 10 releases and 50 reservations at once: only released slots can be taken again.
    const calls = [
      ...Array.from({ length: 10 }, (_, i) => stores[i % 8]!.releaseMailboxSend({ mailbox: box.name, day }).then(() => null)),
      ...Array.from({ length: 50 }, (_, i) => stores[(i + 3) % 8]!.reserveMailboxSend({ mailbox: box.name, day, limit: 30, minGapMs: 0, now: t0 })),
    ]
    const granted = (await Promise.all(calls)).filter((r) => r?.reserved === true).length
    expect(granted).toBeLessThanOrEqual(10)
    expect((await storedUsage([box.name]))[box.name]).toBe(20 + granted)
  })

  it('spaces the reservations of one mailbox by its minimum gap when they race', async () => {
    const box = mailbox({ dailyLimit: 1000, minGapMs: 1000 })
    await stores[0]!.registerMailboxes({ mailboxes: [box], now: t0 })
    // 60 workers whose clocks say 0 … 5.9 s after t0, all asking at once, in shuffled order.
    const offsets = Array.from({ length: 60 }, (_, i) => i * 100).sort(() => Math.random() - 0.5)
    const results = await Promise.all(
      offsets.map((offset, i) =>
        stores[i % 8]!.reserveMailboxSend({ mailbox: box.name, day, limit: 1000, minGapMs: 1000, now: new Date(t0.getTime() + offset) }).then((result) => ({ offset, result })),
      ),
    )
    const reserved = results
      .filter((r) => r.result.reserved)
      .map((r) => r.offset)
      .sort((a, b) => a - b)
    expect(reserved.length).toBeGreaterThanOrEqual(1)
    expect(reserved.length).toBeLessThanOrEqual(6)
    for (let i = 1; i < reserved.length; i++) expect(reserved[i]! - reserved[i - 1]!, `gap between reservations ${i} and ${i + 1}`).toBeGreaterThanOrEqual(1000)
    for (const { offset, result } of results) {
      if (result.reserved) continue
      expect(result.reason).toBe('gap')
      // The refusal names a time a gap after an accepted send, later than the refused attempt.
      expect(result.availableAt!.getTime()).toBeGreaterThan(t0.getTime() + offset)
      expect(reserved.map((r) => t0.getTime() + r + 1000)).toContain(result.availableAt!.getTime())
    }
    const [state] = await stores[2]!.listMailboxes({ day, names: [box.name] })
    expect(state!.sentOnDay).toBe(reserved.length)
    expect(state!.lastSentAt?.getTime()).toBe(t0.getTime() + reserved.at(-1)!)
  })
})
