/**
 * The published types describe the drivers structurally (no import of 'pg' or
 * '@electric-sql/pglite' in the declarations). These checks, run by `tsc` (pnpm typecheck)
 * with both real drivers installed, fail when a real driver object no longer fits the
 * structural type a user passes it as — or when a structural type stops matching what
 * the store is given at run time.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite'
import pg from 'pg'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { NodePostgresPool, NodePostgresPoolClient, NodePostgresPoolSettings, PgliteInstance, PgliteTransaction } from '../src/index.js'
import { createPostgresStore, migrate } from '../src/index.js'
import { databaseUrl, dropSchema, testSchemaName } from './support/database.js'

describe('driver types', () => {
  it('a pg.Pool, its clients and its settings fit the structural types', () => {
    expectTypeOf<pg.Pool>().toExtend<NodePostgresPool>()
    expectTypeOf<pg.PoolClient>().toExtend<NodePostgresPoolClient>()
    expectTypeOf<Omit<pg.PoolConfig, 'connectionString' | 'max'>>().toExtend<NodePostgresPoolSettings>()
    expectTypeOf<pg.PoolConfig>().toExtend<NodePostgresPoolSettings>()
  })

  it('a PGlite instance and its transactions fit the structural types', () => {
    expectTypeOf<PGlite>().toExtend<PgliteInstance>()
    expectTypeOf<Transaction>().toExtend<PgliteTransaction>()
  })

  it('a store works on a pg.Pool and on a PGlite passed as the structural types', async () => {
    const schema = testSchemaName('driver_types')
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
    const pglite = await PGlite.create()
    try {
      const pooled: NodePostgresPool = pool
      const embedded: PgliteInstance = pglite
      for (const options of [{ pool: pooled, schema }, { pglite: embedded }]) {
        await migrate(options)
        const store = createPostgresStore(options)
        expect(await store.acquire({ name: 'driver-types', holder: 'test', ttlMs: 1_000 })).not.toBeNull()
        await store.close()
      }
    } finally {
      await dropSchema(schema)
      await pool.end()
      await pglite.close()
    }
  })
})
