import { backoffDelay } from '@cam/core/adapter-kit'
import type { NodePostgresPool as Pool, NodePostgresPoolClient as PoolClient, NodePostgresPoolSettings, PgliteInstance, PgliteTransaction } from './driver-types.js'
import { loadNodePostgres } from './load-driver.js'

/** Rows of one statement. */
export interface QueryResult<Row> {
  rows: Row[]
  rowCount: number
}

/** Runs one SQL statement with positional parameters (`$1`, `$2`, …). */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>>
  /** Runs a script of several statements without parameters (migrations). */
  exec(text: string): Promise<void>
}

/** A listening session: call `stop()` to end it. */
export interface NotificationSubscription {
  stop(): Promise<void>
}

/** Callbacks of {@link Database.listen}. */
export interface NotificationHandlers {
  onNotification(): void
  /** The dedicated connection failed; the database reconnects by itself. */
  onError?(error: unknown): void
  /** Listening (again) after a connection was (re)established: notifications may have been missed. */
  onListening?(): void
}

/**
 * What the store needs from a driver: statements, transactions on one connection,
 * LISTEN on a dedicated connection. Implemented for node-postgres and PGlite.
 */
export interface Database extends SqlExecutor {
  readonly kind: 'pg' | 'pglite'
  /** Runs `body` inside BEGIN … COMMIT on one connection (ROLLBACK when it throws). */
  transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T>
  /** Listens on `channel` (a lower-case identifier). */
  listen(channel: string, handlers: NotificationHandlers): NotificationSubscription
  /** Closes what this database opened (a pool passed in by the caller is left open). */
  close(): Promise<void>
}

/** Options for a node-postgres database. */
export interface PgDatabaseOptions {
  pool?: Pool
  connectionString?: string
  /** Size of the pool created from `connectionString`. */
  poolSize?: number
  /** Extra pool settings for the pool created from `connectionString`. */
  poolConfig?: NodePostgresPoolSettings
  /**
   * Named prepared statements (default true): each distinct statement is parsed and
   * planned once per connection. False sends every statement unnamed (parse, bind and
   * execute in one round trip each time), as transaction-mode poolers require.
   */
  preparedStatements?: boolean
  /**
   * Called with errors of connections the database does not hold at that moment (an
   * idle pool connection dropped by a restart or failover, a connection cut while a
   * transaction held it). They never escape as unhandled `'error'` events.
   */
  onPoolError?: (error: Error) => void
}

/**
 * Defaults for a pool this package creates: a bounded wait for a connection (an
 * exhausted pool or an unreachable server becomes an error instead of a hang) and TCP
 * keepalive (a peer that vanished without closing is noticed).
 */
export const defaultPoolConfig = {
  connectionTimeoutMillis: 10_000,
  keepAlive: true,
  idleTimeoutMillis: 30_000,
} satisfies NodePostgresPoolSettings

const normalizeParams = (params: readonly unknown[] | undefined): unknown[] => (params ? [...params] : [])

/** A prepared-statement name per distinct SQL text (node-postgres caches them per connection). */
const statementNames = new Map<string, string>()
function statementName(text: string): string {
  let name = statementNames.get(text)
  if (!name) {
    name = `cam_${statementNames.size.toString(36)}_${text.length.toString(36)}`
    statementNames.set(text, name)
  }
  return name
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)))

/**
 * Checks a connection out of the pool with `onError` already listening. pg-pool stops
 * listening for a connection's errors when it lends it; with `await pool.connect()` the
 * borrower's listener comes a microtask later — and an error that arrives in the same
 * network read as "ready" (a backend terminated while it was starting) falls in that gap
 * as an unhandled `'error'` event. The callback form runs in the same tick.
 */
function checkOut(pool: Pool, onError: (error: Error) => void): Promise<PoolClient> {
  return new Promise((resolve, reject) => {
    pool.connect((error, client) => {
      if (error || !client) {
        reject(error ?? new Error('the pool returned no connection'))
        return
      }
      client.on('error', onError)
      resolve(client)
    })
  })
}

/** Pools this package has put its error listener on (a pool passed in is shared by several stores). */
const guardedPools = new WeakSet<Pool>()

/**
 * node-postgres: a pool (given, or created from a connection string when first used).
 *
 * Fault handling: the pool, every connection checked out for a transaction and the
 * LISTEN connection have an `'error'` listener, so a connection ended by the server
 * (terminated backend, restart, failover, network cut) never reaches Node as an
 * unhandled `'error'` event; the statement or transaction in flight fails instead, and a
 * broken connection is released with its error so that the pool discards it.
 */
export function createPgDatabase(options: PgDatabaseOptions): Database {
  let pool: Pool | null = options.pool ?? null
  const ownsPool = !options.pool
  const named = options.preparedStatements !== false
  let closed = false
  const onPoolError = (error: Error) => options.onPoolError?.(error)
  const guard = (target: Pool) => {
    if (guardedPools.has(target)) return
    guardedPools.add(target)
    target.on('error', (error) => onPoolError(error))
  }
  if (pool) guard(pool)
  let poolPromise: Promise<Pool> | null = pool ? Promise.resolve(pool) : null

  const getPool = (): Promise<Pool> => {
    if (closed) return Promise.reject(new Error('the store is closed'))
    if (!poolPromise) {
      poolPromise = loadNodePostgres().then((createPool) => {
        const created = createPool({ ...defaultPoolConfig, ...options.poolConfig, connectionString: options.connectionString, max: options.poolSize ?? 10 })
        guard(created)
        pool = created
        return created
      })
      // A failed import is tried again by the next call.
      poolPromise.catch(() => {
        poolPromise = null
      })
    }
    return poolPromise
  }

  const run = async <Row>(client: Pool | PoolClient, text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> => {
    const values = normalizeParams(params)
    const result = await client.query(named ? { name: statementName(text), text, values } : { text, values })
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 }
  }

  return {
    kind: 'pg',
    async query<Row>(text: string, params?: readonly unknown[]) {
      // pg-pool listens for errors of the connection it lends to one query.
      return run<Row>(await getPool(), text, params)
    },
    async exec(text) {
      await (await getPool()).query(text)
    },
    async transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      // While we hold the connection, pg-pool does not listen for its errors: a backend
      // ended now (even between two statements) would be an unhandled 'error' event.
      let broken: Error | null = null
      const onError = (error: Error) => {
        broken ??= error
      }
      const client = await checkOut(await getPool(), onError)
      try {
        await client.query('BEGIN')
        const result = await body({
          query: (text, params) => run(client, text, params),
          exec: async (text) => void (await client.query(text)),
        })
        await client.query('COMMIT')
        return result
      } catch (error) {
        if (!broken) {
          try {
            await client.query('ROLLBACK')
          } catch (rollbackError) {
            // The connection is unusable: destroy it rather than return it to the pool.
            broken = asError(rollbackError)
          }
        }
        throw error
      } finally {
        client.off('error', onError)
        if (broken) {
          onPoolError(broken)
          client.release(broken)
        } else client.release()
      }
    },
    listen(channel, handlers) {
      let stopped = false
      let client: PoolClient | null = null
      let timer: NodeJS.Timeout | null = null
      let attempt = 0
      const scheduleReconnect = () => {
        if (stopped || timer) return
        // Equal jitter: never above 5 s, so LISTEN is back within 5 s of the server's return.
        attempt++
        const delay = backoffDelay(attempt, { baseMs: 250, maxMs: 5_000, jitter: 'equal' })
        timer = setTimeout(() => {
          timer = null
          void connect()
        }, delay)
        timer.unref?.()
      }
      const drop = (error: unknown) => {
        const current = client
        client = null
        if (current) {
          current.removeAllListeners('notification')
          current.release(asError(error))
        }
        if (!stopped) {
          handlers.onError?.(error)
          scheduleReconnect()
        }
      }
      const connect = async () => {
        if (stopped) return
        let connection: PoolClient | null = null
        let early: Error | null = null
        const onError = (error: Error) => {
          if (connection && client === connection) drop(error)
          else early ??= error
        }
        try {
          connection = await checkOut(await getPool(), onError)
        } catch (error) {
          handlers.onError?.(error)
          scheduleReconnect()
          return
        }
        if (early || stopped) {
          // Broken before it could listen, or no longer wanted.
          connection.release(early ?? undefined)
          if (early && !stopped) {
            handlers.onError?.(early)
            scheduleReconnect()
          }
          return
        }
        client = connection
        const listening = connection
        listening.on('notification', (message) => {
          if (message.channel === channel) handlers.onNotification()
        })
        listening.on('end', () => {
          if (client === listening) drop(new Error('LISTEN connection ended'))
        })
        try {
          await listening.query(`LISTEN ${channel}`)
          attempt = 0
          handlers.onListening?.()
        } catch (error) {
          if (client === listening) drop(error)
        }
      }
      void connect()
      return {
        async stop() {
          stopped = true
          if (timer) clearTimeout(timer)
          timer = null
          const current = client
          client = null
          if (current) {
            current.removeAllListeners('notification')
            try {
              await current.query(`UNLISTEN ${channel}`)
              current.release()
            } catch (error) {
              current.release(asError(error))
            }
          }
        },
      }
    },
    async close() {
      if (closed) return
      closed = true
      if (ownsPool && poolPromise) await (await poolPromise).end()
      void pool
    },
  }
}

/** PGlite: one embedded connection; transactions are serialised by PGlite itself. */
export function createPgliteDatabase(pglite: PgliteInstance): Database {
  const run = async <Row>(executor: PgliteInstance | PgliteTransaction, text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> => {
    const result = await executor.query<Row>(text, normalizeParams(params))
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length }
  }
  return {
    kind: 'pglite',
    query: (text, params) => run(pglite, text, params),
    exec: async (text) => void (await pglite.exec(text)),
    transaction: (body) =>
      pglite.transaction((tx) =>
        body({
          query: (text, params) => run(tx, text, params),
          exec: async (text) => void (await tx.exec(text)),
        }),
      ),
    listen(channel, handlers) {
      let stopped = false
      const unlisten = pglite
        .listen(channel, () => {
          if (!stopped) handlers.onNotification()
        })
        .then((stop) => {
          handlers.onListening?.()
          return stop
        })
      unlisten.catch((error: unknown) => handlers.onError?.(error))
      return {
        async stop() {
          stopped = true
          const stop = await unlisten.catch(() => null)
          if (stop && !pglite.closed) await stop()
        },
      }
    },
    async close() {
      // The PGlite instance belongs to the caller.
    },
  }
}
