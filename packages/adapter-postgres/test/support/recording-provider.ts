import type pg from 'pg'
import type { OutgoingEmail, SenderV1 } from '@cam/core'

/**
 * A "provider" that records sends in a table of the test schema:
 * `provider_attempts` gets every call, `provider_deliveries` one row per idempotency
 * key (a second send with the same key is dropped, like Resend does) — or, for a
 * non-idempotent provider, a row per call.
 */
export async function createProviderTables(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS "${schema}".provider_attempts (n bigserial PRIMARY KEY, idempotency_key text NOT NULL, worker text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
    CREATE TABLE IF NOT EXISTS "${schema}".provider_deliveries (n bigserial PRIMARY KEY, idempotency_key text NOT NULL, worker text NOT NULL, recipient text NOT NULL);
  `)
}

/**
 * A sender backed by those tables. `holdMs` keeps the call open after the provider
 * accepted the email — the window in which a crash leaves "sent but not recorded".
 */
export function createRecordingSender(options: {
  pool: pg.Pool
  schema: string
  workerId: string
  idempotent: boolean
  holdMs?: number
  /** After the provider accepted the n-th email, block the event loop for `stallMs` (a stalled process). */
  stallAt?: number
  stallMs?: number
}): SenderV1 {
  const { pool, schema, workerId } = options
  let calls = 0
  return {
    name: 'recording',
    idempotent: options.idempotent,
    async send(email: OutgoingEmail, { idempotencyKey }) {
      await pool.query(`INSERT INTO "${schema}".provider_attempts (idempotency_key, worker) VALUES ($1, $2)`, [idempotencyKey, workerId])
      const inserted = await pool.query(
        options.idempotent
          ? `INSERT INTO "${schema}".provider_deliveries (idempotency_key, worker, recipient)
             SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM "${schema}".provider_deliveries WHERE idempotency_key = $1) RETURNING n`
          : `INSERT INTO "${schema}".provider_deliveries (idempotency_key, worker, recipient) VALUES ($1, $2, $3) RETURNING n`,
        [idempotencyKey, workerId, email.to.email],
      )
      if (options.holdMs) await new Promise((resolve) => setTimeout(resolve, options.holdMs))
      if (++calls === options.stallAt) {
        const until = Date.now() + (options.stallMs ?? 5000)
        while (Date.now() < until) {
          // Busy: nothing else of this process runs (no timer, no renewal, no I/O).
        }
      }
      return { providerId: `prov-${String(inserted.rows[0]?.n ?? 'dup')}` }
    },
  }
}
