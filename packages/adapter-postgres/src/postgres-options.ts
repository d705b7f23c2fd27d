import { ValidationError, type Logger, type ValidationIssue } from '@cam/core'
import { errorMessage } from '@cam/core/adapter-kit'
import { createPgDatabase, createPgliteDatabase, type Database } from './database.js'
import type { NodePostgresPool, NodePostgresPoolSettings, PgliteInstance } from './driver-types.js'
import { installAdvice, isDriverInstalled } from './load-driver.js'

/**
 * Where the data lives: exactly one of `connectionString`, `pool` or `pglite`.
 */
export interface PostgresConnectionOptions {
  /**
   * A PostgreSQL URL, e.g. `postgres://user:pass@host:5432/db`. A node-postgres pool is
   * created (and closed by `close()`): needs the optional peer dependency `pg`.
   */
  connectionString?: string
  /** An existing node-postgres pool (`new pg.Pool(…)`); it stays yours (`close()` leaves it open). */
  pool?: NodePostgresPool
  /** An embedded PGlite instance (`new PGlite()`, `openEmbeddedDatabase()`; no server); it stays yours. */
  pglite?: PgliteInstance
  /** Schema holding every table (default `cam`); quoted everywhere, so any name of 1–63 characters works. */
  schema?: string
  /** Size of the pool created from `connectionString` (default 10). */
  poolSize?: number
  /**
   * Extra node-postgres pool settings (SSL, timeouts…) for the pool created from
   * `connectionString`. Defaults: `connectionTimeoutMillis: 10000` (an exhausted pool or
   * an unreachable server fails the operation after 10 s instead of waiting forever),
   * `keepAlive: true`, `idleTimeoutMillis: 30000`.
   */
  poolConfig?: NodePostgresPoolSettings
  /**
   * Use named prepared statements (default true: each statement is planned once per
   * connection). Set false behind a transaction-mode pooler (PgBouncer
   * `pool_mode = transaction`, most managed poolers), where a connection's prepared
   * statements are not the session's: every statement is then sent unnamed.
   */
  preparedStatements?: boolean
}

/** Validated connection options. */
export interface ResolvedConnectionOptions {
  connectionString?: string
  pool?: NodePostgresPool
  pglite?: PgliteInstance
  schema: string
  poolSize: number
  poolConfig?: NodePostgresPoolSettings
  preparedStatements: boolean
}

/** Validates connection options; throws a `ValidationError` naming every bad field. */
export function resolveConnectionOptions(options: PostgresConnectionOptions | undefined, subject: string): ResolvedConnectionOptions {
  const issues: ValidationIssue[] = []
  const input = (options ?? {}) as PostgresConnectionOptions
  const given = (['connectionString', 'pool', 'pglite'] as const).filter((key) => input[key] !== undefined && input[key] !== null)
  if (given.length === 0) issues.push({ path: 'connectionString', message: 'expected one of connectionString, pool or pglite' })
  if (given.length > 1) issues.push({ path: given[1]!, message: `expected only one of connectionString, pool or pglite (got ${given.join(', ')})` })
  if (input.connectionString !== undefined && (typeof input.connectionString !== 'string' || input.connectionString.trim() === '')) {
    issues.push({ path: 'connectionString', message: 'expected a non-empty PostgreSQL URL such as postgres://user@host:5432/db' })
  } else if (input.connectionString !== undefined && given.length === 1 && !isDriverInstalled('pg')) {
    // Here rather than at the first query: the store is created without touching the driver.
    issues.push({ path: 'connectionString', message: `${installAdvice('pg')} to use a connection string` })
  }
  if (input.pool !== undefined && (typeof input.pool !== 'object' || typeof (input.pool as NodePostgresPool | null)?.connect !== 'function')) {
    issues.push({ path: 'pool', message: 'expected a pg.Pool' })
  }
  if (input.pglite !== undefined && (typeof input.pglite !== 'object' || typeof (input.pglite as PgliteInstance | null)?.query !== 'function')) {
    issues.push({ path: 'pglite', message: 'expected a PGlite instance' })
  }
  const schema = input.schema ?? 'cam'
  if (typeof schema !== 'string' || schema.length === 0 || schema.length > 63 || schema.includes('\u0000')) {
    issues.push({ path: 'schema', message: 'expected a schema name of 1 to 63 characters' })
  }
  const poolSize = input.poolSize ?? 10
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) issues.push({ path: 'poolSize', message: 'expected an integer from 1 to 1000' })
  if (input.poolSize !== undefined && input.connectionString === undefined) {
    issues.push({ path: 'poolSize', message: 'only applies with connectionString (size your own pool yourself)' })
  }
  if (input.preparedStatements !== undefined && typeof input.preparedStatements !== 'boolean') {
    issues.push({ path: 'preparedStatements', message: 'expected true or false' })
  }
  if (input.poolConfig !== undefined && (typeof input.poolConfig !== 'object' || input.poolConfig === null)) {
    issues.push({ path: 'poolConfig', message: 'expected an object of node-postgres pool settings' })
  }
  if (issues.length > 0) throw new ValidationError(subject, issues, { code: 'CONFIG_INVALID' })
  return {
    connectionString: input.connectionString,
    pool: input.pool,
    pglite: input.pglite,
    schema,
    poolSize,
    poolConfig: input.poolConfig,
    preparedStatements: input.preparedStatements !== false,
  }
}

/** Opens the database the options point at. */
export function openDatabase(options: ResolvedConnectionOptions, logger: Logger): Database {
  if (options.pglite) return createPgliteDatabase(options.pglite)
  return createPgDatabase({
    pool: options.pool,
    connectionString: options.connectionString,
    poolSize: options.poolSize,
    poolConfig: options.poolConfig,
    preparedStatements: options.preparedStatements,
    // A connection dropped by the server (restart, failover, terminated backend): the pool replaces it.
    onPoolError: (error) => logger.warn('postgres store: connection lost; the pool replaces it', { error: errorMessage(error) }),
  })
}
