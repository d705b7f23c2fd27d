import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { migrate } from '../../src/index.js'

/** The PostgreSQL the tests use (CI provides it; `.ci/run` starts the cluster). */
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A fresh schema name for one test file, so files can run in parallel. */
export function testSchemaName(prefix: string): string {
  return `cam_test_${prefix}_${randomUUID().slice(0, 8)}`
}

/** Creates and migrates a schema; returns a function that drops it. */
export async function createMigratedSchema(schema: string, url = databaseUrl): Promise<() => Promise<void>> {
  await migrate({ connectionString: url, schema })
  return () => dropSchema(schema, url)
}

/** Drops a schema and everything in it. */
export async function dropSchema(schema: string, url = databaseUrl): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`)
  } finally {
    await client.end()
  }
}
