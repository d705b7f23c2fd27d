/** The app with only `pg` installed: a real PostgreSQL, its own schema, dropped at the end. */
import { createPostgresStore, migrate, openEmbeddedDatabase } from '@cam/adapter-postgres'
import pg from 'pg'
import { check, expectCamError, useEveryPackage } from './every-package.js'

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
// The README's form compiles under exactOptionalPropertyTypes (only type-checked: the variable may be unset here).
export const asTheReadmeWritesIt = () => createPostgresStore({ connectionString: process.env.DATABASE_URL })
const schema = `cam_consumer_${process.pid}`

// PGlite is not installed: the embedded database says what to install.
await expectCamError(() => openEmbeddedDatabase({ dataDir: './cam-data' }), 'install @electric-sql/pglite (npm i @electric-sql/pglite)')

// A pg.Pool and pg's own settings fit the store's options as they are.
const settings: pg.PoolConfig = { connectionTimeoutMillis: 5_000, application_name: 'cam-consumer' }
const pool = new pg.Pool({ connectionString, max: 2 })
try {
  await migrate({ connectionString, schema })
  const store = createPostgresStore({ connectionString, schema, poolConfig: settings })
  try {
    await useEveryPackage(store)
  } finally {
    await store.close()
  }
  const pooled = createPostgresStore({ pool, schema })
  check((await pooled.listCampaigns()).length === 1, 'the campaign is stored in PostgreSQL')
  await pooled.close()
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool.end()
}
console.log('consumer app (pg only): ok')
