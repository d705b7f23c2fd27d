import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CamError, silentLogger, type Logger } from '@cam/core'
import { errorClassMarker, hasErrorClassMarker, markErrorClass, parseOptions } from '@cam/core/adapter-kit'
import type { Database, SqlExecutor } from './database.js'
import { loggerOption, openDatabase, postgresOptionsSchema, resolveConnectionOptions, type PostgresConnectionOptions } from './postgres-options.js'
import { quoteIdentifier } from './store-context.js'

/** One numbered migration file. */
export interface Migration {
  /** The number in the file name (`0001_initial.sql` → 1). */
  version: number
  name: string
  /** Marked `-- cam:breaking`: code that predates it must not run against the schema. */
  breaking: boolean
  /** SQL with the `{{schema}}` placeholder. */
  sql: string
  checksum: string
}

/** Options of {@link migrate}. */
export type MigrateOptions = PostgresConnectionOptions & {
  /** Where applied migrations are reported (default: silent). */
  logger?: Logger | undefined
}

/** The options as {@link migrate} checks them. */
const migrateOptionsSchema = postgresOptionsSchema({ logger: loggerOption.optional() })

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Schema the migrations ran in. */
  schema: string
  /** Versions applied by this call, in order (empty when the schema was up to date). */
  applied: number[]
  /** Highest version now recorded. */
  version: number
}

const migrationsDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations')

let cachedMigrations: Migration[] | null = null

/** The migrations shipped with this package, in order. */
export function listMigrations(): Migration[] {
  if (cachedMigrations) return cachedMigrations
  const files = readdirSync(migrationsDirectory).filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
  cachedMigrations = files
    .map((file) => {
      const sql = readFileSync(join(migrationsDirectory, file), 'utf8')
      return {
        version: Number.parseInt(file.slice(0, 4), 10),
        name: file.replace(/\.sql$/, ''),
        breaking: /^--\s*cam:breaking\b/m.test(sql),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      }
    })
    .sort((a, b) => a.version - b.version)
  return cachedMigrations
}

/** The schema version this code needs (the last migration it ships). */
export function latestMigrationVersion(): number {
  return listMigrations().at(-1)?.version ?? 0
}

/** The SQL of a migration for a schema (the placeholder replaced by the quoted name). */
export function renderMigration(migration: Migration, schema: string): string {
  return migration.sql.replaceAll('{{schema}}', quoteIdentifier(schema))
}

const schemaVersionMarker = errorClassMarker('SchemaVersionError')

/** A schema version problem: not migrated yet, or migrated by newer, incompatible code. */
export class SchemaVersionError extends CamError {
  constructor(message: string) {
    super('STORE_FAILED', message)
    markErrorClass(this, schemaVersionMarker)
    this.name = 'SchemaVersionError'
  }

  /** True when `error` is a {@link SchemaVersionError} (from any copy of this package). */
  static override isInstance(error: unknown): error is SchemaVersionError {
    return hasErrorClassMarker(error, schemaVersionMarker)
  }
}

const migrationsTable = (schema: string) => `${quoteIdentifier(schema)}.schema_migrations`

interface AppliedState {
  version: number
  breakingVersion: number
}

async function readAppliedState(executor: SqlExecutor, schema: string): Promise<AppliedState | null> {
  const exists = await executor.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [migrationsTable(schema)])
  if (!exists.rows[0]?.present) return null
  const { rows } = await executor.query<{ version: number | null; breaking_version: number | null }>(
    `SELECT max(version)::int AS version, (max(version) FILTER (WHERE breaking))::int AS breaking_version FROM ${migrationsTable(schema)}`,
  )
  return { version: Number(rows[0]?.version ?? 0), breakingVersion: Number(rows[0]?.breaking_version ?? 0) }
}

function refuseNewerBreakingSchema(schema: string, state: AppliedState): void {
  const known = latestMigrationVersion()
  if (state.breakingVersion > known) {
    throw new SchemaVersionError(
      `schema "${schema}" is at version ${state.version}, migrated by a newer @cam/adapter-postgres with a breaking change (version ${state.breakingVersion}); ` +
        `this version knows migrations up to ${known} and must not run against it — upgrade @cam/adapter-postgres`,
    )
  }
}

/**
 * Checks that the schema is ready for this code: migrated at least to the last
 * migration it ships, and not past a breaking migration it does not know.
 */
export async function checkSchemaVersion(db: Database, schema: string): Promise<void> {
  const state = await readAppliedState(db, schema)
  const needed = latestMigrationVersion()
  if (!state || state.version < needed) {
    throw new SchemaVersionError(
      `schema "${schema}" is at version ${state?.version ?? 0} but this @cam/adapter-postgres needs version ${needed}: ` +
        'run migrate() (or `cam-postgres migrate`) first',
    )
  }
  refuseNewerBreakingSchema(schema, state)
}

/**
 * Applies the pending migrations, each in its own transaction, recorded in
 * `<schema>.schema_migrations`. Safe when several processes migrate at once: every
 * transaction takes a transaction-scoped advisory lock for the schema and re-reads
 * what is applied. Refuses to run when the schema has a breaking migration newer
 * than this code.
 *
 * ```ts
 * await migrate({ connectionString: process.env.DATABASE_URL })
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const settings = parseOptions(migrateOptionsSchema, options ?? {}, 'migrate options')
  const resolved = resolveConnectionOptions(settings)
  const logger = settings.logger ?? silentLogger
  const db = openDatabase(resolved, logger)
  const { schema } = resolved
  const applied: number[] = []
  try {
    for (const migration of listMigrations()) {
      const ran = await db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`cam:migrate:${schema}`])
        await tx.exec(
          `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)};
           CREATE TABLE IF NOT EXISTS ${migrationsTable(schema)} (
             version integer PRIMARY KEY,
             name text NOT NULL,
             breaking boolean NOT NULL DEFAULT false,
             checksum text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
           );`,
        )
        const state = (await readAppliedState(tx, schema))!
        refuseNewerBreakingSchema(schema, state)
        const done = await tx.query<{ checksum: string }>(`SELECT checksum FROM ${migrationsTable(schema)} WHERE version = $1`, [migration.version])
        if (done.rows[0]) {
          if (done.rows[0].checksum !== migration.checksum) {
            logger.warn('an applied migration differs from the shipped file', { schema, migration: migration.name })
          }
          return false
        }
        await tx.exec(renderMigration(migration, schema))
        await tx.query(`INSERT INTO ${migrationsTable(schema)} (version, name, breaking, checksum) VALUES ($1, $2, $3, $4)`, [
          migration.version,
          migration.name,
          migration.breaking,
          migration.checksum,
        ])
        return true
      })
      if (ran) {
        applied.push(migration.version)
        logger.info('migration applied', { schema, migration: migration.name })
      }
    }
    const state = await readAppliedState(db, schema)
    return { schema, applied, version: state?.version ?? 0 }
  } catch (error) {
    if (CamError.isInstance(error)) throw error
    throw new CamError('STORE_FAILED', `migrate failed for schema "${schema}": ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  } finally {
    await db.close()
  }
}
