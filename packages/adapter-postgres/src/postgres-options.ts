import type { Logger } from '@cam/core'
import { errorMessage, isLogger, missingLoggerMethods } from '@cam/core/adapter-kit'
import { z } from 'zod'
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
  connectionString?: string | undefined
  /** An existing node-postgres pool (`new pg.Pool(…)`); it stays yours (`close()` leaves it open). */
  pool?: NodePostgresPool | undefined
  /** An embedded PGlite instance (`new PGlite()`, `openEmbeddedDatabase()`; no server); it stays yours. */
  pglite?: PgliteInstance | undefined
  /** Schema holding every table (default `cam`); quoted everywhere, so any name of 1–63 characters works. */
  schema?: string | undefined
  /** Size of the pool created from `connectionString` (default 10). */
  poolSize?: number | undefined
  /**
   * Extra node-postgres pool settings (SSL, timeouts…) for the pool created from
   * `connectionString`. Defaults: `connectionTimeoutMillis: 10000` (an exhausted pool or
   * an unreachable server fails the operation after 10 s instead of waiting forever),
   * `keepAlive: true`, `idleTimeoutMillis: 30000`.
   */
  poolConfig?: NodePostgresPoolSettings | undefined
  /**
   * Use named prepared statements (default true: each statement is planned once per
   * connection). Set false behind a transaction-mode pooler (PgBouncer
   * `pool_mode = transaction`, most managed poolers), where a connection's prepared
   * statements are not the session's: every statement is then sent unnamed.
   */
  preparedStatements?: boolean | undefined
}

/** Validated connection options. */
export interface ResolvedConnectionOptions {
  connectionString?: string | undefined
  pool?: NodePostgresPool | undefined
  pglite?: PgliteInstance | undefined
  schema: string
  poolSize: number
  poolConfig?: NodePostgresPoolSettings | undefined
  preparedStatements: boolean
}

const sources = ['connectionString', 'pool', 'pglite'] as const
const urlMessage = 'expected a non-empty PostgreSQL URL such as postgres://user@host:5432/db'
const schemaMessage = 'expected a schema name of 1 to 63 characters'
const poolSizeMessage = 'expected an integer from 1 to 1000'

/** The connection options' fields as zod checks them (see {@link postgresOptionsSchema}). */
const connectionShape = {
  connectionString: z.string({ error: urlMessage }).refine((url) => url.trim() !== '', { error: urlMessage }).optional(),
  pool: z
    .custom<NodePostgresPool>((pool) => typeof pool === 'object' && pool !== null && typeof (pool as NodePostgresPool).connect === 'function', { abort: false, error: 'expected a pg.Pool' })
    .optional(),
  pglite: z
    .custom<PgliteInstance>((pglite) => typeof pglite === 'object' && pglite !== null && typeof (pglite as PgliteInstance).query === 'function', {
      abort: false,
      error: 'expected a PGlite instance',
    })
    .optional(),
  schema: z
    .string({ error: schemaMessage })
    .refine((schema) => schema.length > 0 && schema.length <= 63 && !schema.includes('\u0000'), { error: schemaMessage })
    .default('cam'),
  poolSize: z
    .number({ error: poolSizeMessage })
    .refine((size) => Number.isInteger(size) && size >= 1 && size <= 1000, { error: poolSizeMessage })
    .optional(),
  poolConfig: z
    .custom<NodePostgresPoolSettings>((config) => typeof config === 'object' && config !== null, { abort: false, error: 'expected an object of node-postgres pool settings' })
    .optional(),
  preparedStatements: z.boolean({ error: 'expected true or false' }).optional(),
}

/** A `Logger` option: the message names the missing methods. */
export const loggerOption = z.custom<Logger>(isLogger, {
  abort: false,
  error: (issue) => `expected a Logger (debug, info, warn and error functions); ${missingLoggerMethods(issue.input).join(', ')} missing`,
})

/**
 * The schema of options holding a connection (exactly one of `connectionString`, `pool` or
 * `pglite`) plus `extra` fields. The rules across fields are checked even when a field is
 * invalid, so every problem is listed at once.
 */
export function postgresOptionsSchema<Extra extends z.ZodRawShape>(extra: Extra) {
  return z.object({ ...connectionShape, ...extra }).superRefine(
    (input, context) => {
      const options = input as Record<string, unknown>
      const given = sources.filter((key) => options[key] !== undefined && options[key] !== null)
      if (given.length === 0) context.addIssue({ code: 'custom', path: ['connectionString'], message: 'expected one of connectionString, pool or pglite' })
      if (given.length > 1) {
        context.addIssue({ code: 'custom', path: [given[1]!], message: `expected only one of connectionString, pool or pglite (got ${given.join(', ')})` })
      }
      const url = options['connectionString']
      if (typeof url === 'string' && url.trim() !== '' && given.length === 1 && !isDriverInstalled('pg')) {
        // Here rather than at the first query: the store is created without touching the driver.
        context.addIssue({ code: 'custom', path: ['connectionString'], message: `${installAdvice('pg')} to use a connection string` })
      }
      if (options['poolSize'] !== undefined && options['connectionString'] === undefined) {
        context.addIssue({ code: 'custom', path: ['poolSize'], message: 'only applies with connectionString (size your own pool yourself)' })
      }
    },
    { when: () => true },
  )
}

/** Connection options as checked by {@link postgresOptionsSchema}, defaults applied. */
export function resolveConnectionOptions(settings: z.output<ReturnType<typeof postgresOptionsSchema<Record<never, never>>>>): ResolvedConnectionOptions {
  return {
    connectionString: settings.connectionString,
    pool: settings.pool,
    pglite: settings.pglite,
    schema: settings.schema,
    poolSize: settings.poolSize ?? 10,
    poolConfig: settings.poolConfig,
    preparedStatements: settings.preparedStatements !== false,
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
