// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { describeLockConformance, describeStoreConformance } from '@cam/core/testing'
import { createPostgresStore, migrate, type PostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'

describe('postgres', () => {
  const schema = testSchemaName('conformance')
  let dropSchema: () => Promise<void> = async () => {}
  let store: PostgresStore
  beforeAll(async () => {
    dropSchema = await createMigratedSchema(schema)
    store = createPostgresStore({ connectionString: databaseUrl, schema })
  })
  afterAll(async () => {
    await store?.close()
    await dropSchema()
  })
  describeStoreConformance({ describe, it }, { name: 'postgres', create: async () => store })
  describeLockConformance({ describe, it }, { name: 'postgres', create: async () => store })
})

describe('postgres with asyncCommitSendRecords', () => {
  const schema = testSchemaName('conformance_async')
  let dropSchema: () => Promise<void> = async () => {}
  let store: PostgresStore
  beforeAll(async () => {
    dropSchema = await createMigratedSchema(schema)
    store = createPostgresStore({ connectionString: databaseUrl, schema, asyncCommitSendRecords: true })
  })
  afterAll(async () => {
    await store?.close()
    await dropSchema()
  })
  describeStoreConformance({ describe, it }, { name: 'postgres (asynchronous send-record commits)', create: async () => store })
})

describe('pglite', () => {
  let pglite: PGlite
  let store: PostgresStore
  beforeAll(async () => {
    pglite = await PGlite.create()
    await migrate({ pglite })
    store = createPostgresStore({ pglite })
  })
  afterAll(async () => {
    await store?.close()
    await pglite?.close()
  })
  describeStoreConformance({ describe, it }, { name: 'pglite', create: async () => store })
  describeLockConformance({ describe, it }, { name: 'pglite', create: async () => store })
})
