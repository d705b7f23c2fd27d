// The sending pool under the real worker on PostgreSQL: the scenario @cam/core/testing publishes
// (10 mailboxes of 30 a day with ramp-up, 1,000 leads, three steps, 21 simulated days).
import { afterAll, beforeAll, describe, it } from 'vitest'
import { describeMailboxPoolScenario } from '@cam/core/testing'
import { createPostgresStore, type PostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'

describe('postgres', () => {
  const schema = testSchemaName('mailbox_pool')
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
  // The scenario asserts inside (node:assert, as the conformance suites do): every limit, thread and spread it checks fails this test.
  describeMailboxPoolScenario({ describe, it }, { name: 'postgres', create: async () => store })
})
