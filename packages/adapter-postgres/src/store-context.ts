import { AdapterError, CamError, type Logger } from '@cam/core'
import { isTransientNetworkError, sleep } from '@cam/core/adapter-kit'
import type { Database, SqlExecutor } from './database.js'

/** Quotes an identifier for SQL (`cam` → `"cam"`, embedded quotes doubled). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** The NOTIFY channel of a schema: a lower-case identifier, safe without quotes. */
export function workQueuedChannel(schema: string): string {
  return `cam_work_queued_${schema.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63)
}

/** SQLSTATEs after which the whole transaction is simply run again. */
const retryableStates = new Set(['40P01', '40001'])

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/**
 * SQLSTATE classes and codes that say the database is unavailable, not that the
 * statement is wrong: connection exceptions (08), insufficient resources (53), operator
 * intervention (57: shutdown, terminated backend, cannot connect now, statement timeout),
 * lock not available (55P03), deadlocks and serialisation failures (40), system errors
 * (58).
 */
const transientClasses = new Set(['08', '40', '53', '57', '58'])
const transientStates = new Set(['55P03'])
/** node-postgres messages of a lost or unreachable server (socket errors: the kit's `isTransientNetworkError`). */
const transientMessages = [
  /Connection terminated/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /Query read timeout/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
]

/**
 * True when a driver error means the database could not be reached or dropped the
 * connection (the same call may succeed later), false for errors about the statement
 * or the data.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const state = sqlState(current)
    if (state !== undefined) return transientClasses.has(state.slice(0, 2)) || transientStates.has(state)
    if (isTransientNetworkError(current)) return true
    if (current instanceof Error && transientMessages.some((pattern) => pattern.test(current.message))) return true
  }
  return false
}

/** True for a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505'
}

/** What every query module shares. */
export interface StoreContext {
  db: Database
  /** Quoted schema name, e.g. `"cam"`. */
  schema: string
  /** `NOTIFY` channel for "work queued". */
  channel: string
  logger: Logger
  /**
   * Runs an operation: checks the schema version once, retries deadlocks and
   * serialisation failures, and wraps driver errors (CAM errors pass unchanged).
   */
  run<T>(operation: string, body: () => Promise<T>, port?: 'store' | 'lock'): Promise<T>
  /** `run` + a transaction. */
  transaction<T>(operation: string, body: (tx: SqlExecutor) => Promise<T>): Promise<T>
}

/** Builds the shared context; `ready` checks the schema version before the first operation. */
export function createStoreContext(options: { db: Database; schema: string; logger: Logger; ready: () => Promise<void> }): StoreContext {
  const { db, logger } = options
  const schema = quoteIdentifier(options.schema)
  let readyPromise: Promise<void> | null = null
  const ensureReady = () => {
    if (!readyPromise) {
      readyPromise = options.ready()
      // A failed check (e.g. the server was down) is tried again on the next call.
      readyPromise.catch(() => {
        readyPromise = null
      })
    }
    return readyPromise
  }
  const run = async <T>(operation: string, body: () => Promise<T>, port: 'store' | 'lock' = 'store'): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await ensureReady()
        return await body()
      } catch (error) {
        if (CamError.isInstance(error)) throw error
        const state = sqlState(error)
        if (state !== undefined && retryableStates.has(state) && attempt < 4) {
          logger.debug('postgres store: retrying after a transient conflict', { operation, sqlState: state, attempt })
          await sleep(5 + Math.random() * 20 * attempt)
          continue
        }
        throw new AdapterError(port === 'lock' ? 'LOCK_FAILED' : 'STORE_FAILED', port === 'lock' ? 'postgres lock' : 'postgres store', operation, describeDriverError(error), {
          transient: isTransientDatabaseError(error),
        })
      }
    }
  }
  return {
    db,
    schema,
    channel: workQueuedChannel(options.schema),
    logger,
    run,
    transaction: (operation, body) => run(operation, () => db.transaction(body)),
  }
}

/** Keeps the driver error as it is, but adds the SQLSTATE to its message when there is one. */
function describeDriverError(error: unknown): unknown {
  const state = sqlState(error)
  if (error instanceof Error && state && !error.message.includes(state)) {
    const wrapped = new Error(`${error.message} (SQLSTATE ${state})`, { cause: error })
    return wrapped
  }
  return error
}
