import type { Lease, LockV1 } from '@cam/core'
import type { Row } from './rows.js'
import type { StoreContext } from './store-context.js'

const toLease = (row: Row): Lease => ({
  name: String(row.name),
  holder: String(row.holder),
  token: Number(row.token),
  expiresAt: row.expires_at instanceof Date ? row.expires_at : new Date(String(row.expires_at)),
})

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs: expected a positive number of milliseconds, got ${ttlMs}`)
}

/**
 * Leases as rows, expiry by the database clock (`now()`), one statement each. No
 * session advisory locks: they do not survive connection pools or pgbouncer.
 *
 * - acquire: insert, or take over when free, expired, or already ours; the token
 *   grows on every change of hands (and when our own lease had lapsed).
 * - renew / release: only with the same holder and token.
 */
export function leaseMethods(context: StoreContext): LockV1 {
  const { db, schema } = context
  return {
    acquire({ name, holder, ttlMs }) {
      return context.run(
        'acquire',
        async () => {
          checkTtl(ttlMs)
          const { rows } = await db.query(
            `INSERT INTO ${schema}.leases AS l (name, holder, token, expires_at)
             VALUES ($1, $2, 1, now() + $3::float8 * interval '1 millisecond')
             ON CONFLICT (name) DO UPDATE SET
               token = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > now() THEN l.token ELSE l.token + 1 END,
               holder = EXCLUDED.holder,
               expires_at = EXCLUDED.expires_at
             WHERE l.holder IS NULL OR l.expires_at <= now() OR l.holder = EXCLUDED.holder
             RETURNING name, holder, token::float8 AS token, expires_at`,
            [name, holder, ttlMs],
          )
          return rows[0] ? toLease(rows[0]) : null
        },
        'lock',
      )
    },
    renew(lease, ttlMs) {
      return context.run(
        'renew',
        async () => {
          checkTtl(ttlMs)
          const { rows } = await db.query(
            `UPDATE ${schema}.leases SET expires_at = now() + $4::float8 * interval '1 millisecond'
             WHERE name = $1 AND holder = $2 AND token = $3
             RETURNING name, holder, token::float8 AS token, expires_at`,
            [lease.name, lease.holder, lease.token, ttlMs],
          )
          return rows[0] ? toLease(rows[0]) : null
        },
        'lock',
      )
    },
    release(lease) {
      return context.run(
        'release',
        async () => {
          await db.query(`UPDATE ${schema}.leases SET holder = NULL, expires_at = now() WHERE name = $1 AND holder = $2 AND token = $3`, [
            lease.name,
            lease.holder,
            lease.token,
          ])
        },
        'lock',
      )
    },
  }
}
