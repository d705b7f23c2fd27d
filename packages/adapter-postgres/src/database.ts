import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite'
import type { Pool, PoolClient, PoolConfig } from 'pg'

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
  poolConfig?: Omit<PoolConfig, 'connectionString' | 'max'>
  /** Called with errors of idle pool connections (e.g. the server restarted). */
  onPoolError?: (error: Error) => void
}

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

/** node-postgres: a pool (given, or created from a connection string when first used). */
export function createPgDatabase(options: PgDatabaseOptions): Database {
  let pool: Pool | null = options.pool ?? null
  let poolPromise: Promise<Pool> | null = pool ? Promise.resolve(pool) : null
  const ownsPool = !options.pool
  let closed = false

  const getPool = (): Promise<Pool> => {
    if (closed) return Promise.reject(new Error('the store is closed'))
    if (!poolPromise) {
      poolPromise = import('pg').then((module) => {
        const PoolClass = (module.default?.Pool ?? (module as unknown as { Pool: typeof module.Pool }).Pool) as typeof module.Pool
        const created = new PoolClass({ ...options.poolConfig, connectionString: options.connectionString, max: options.poolSize ?? 10 })
        created.on('error', (error) => options.onPoolError?.(error))
        pool = created
        return created
      })
    }
    return poolPromise
  }

  const run = async <Row>(client: Pool | PoolClient, text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> => {
    const result = await client.query({ name: statementName(text), text, values: normalizeParams(params) })
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 }
  }

  return {
    kind: 'pg',
    async query<Row>(text: string, params?: readonly unknown[]) {
      return run<Row>(await getPool(), text, params)
    },
    async exec(text) {
      await (await getPool()).query(text)
    },
    async transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await (await getPool()).connect()
      let broken: unknown = undefined
      try {
        await client.query('BEGIN')
        const result = await body({
          query: (text, params) => run(client, text, params),
          exec: async (text) => void (await client.query(text)),
        })
        await client.query('COMMIT')
        return result
      } catch (error) {
        try {
          await client.query('ROLLBACK')
        } catch (rollbackError) {
          // The connection is gone (or unusable): destroy it rather than return it to the pool.
          broken = rollbackError
        }
        throw error
      } finally {
        client.release(broken === undefined ? undefined : broken instanceof Error ? broken : new Error(String(broken)))
      }
    },
    listen(channel, handlers) {
      let stopped = false
      let client: PoolClient | null = null
      let timer: NodeJS.Timeout | null = null
      let attempt = 0
      const scheduleReconnect = () => {
        if (stopped || timer) return
        const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)) * (0.75 + Math.random() * 0.5)
        attempt++
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
          current.release(error instanceof Error ? error : new Error(String(error)))
        }
        if (!stopped) {
          handlers.onError?.(error)
          scheduleReconnect()
        }
      }
      const connect = async () => {
        if (stopped) return
        let connection: PoolClient
        try {
          connection = await (await getPool()).connect()
        } catch (error) {
          handlers.onError?.(error)
          scheduleReconnect()
          return
        }
        if (stopped) {
          connection.release()
          return
        }
        client = connection
        connection.on('notification', (message) => {
          if (message.channel === channel) handlers.onNotification()
        })
        connection.on('error', (error) => {
          if (client === connection) drop(error)
        })
        connection.on('end', () => {
          if (client === connection) drop(new Error('LISTEN connection ended'))
        })
        try {
          await connection.query(`LISTEN ${channel}`)
          attempt = 0
          handlers.onListening?.()
        } catch (error) {
          if (client === connection) drop(error)
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
              current.release(error instanceof Error ? error : new Error(String(error)))
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
export function createPgliteDatabase(pglite: PGlite): Database {
  const run = async <Row>(executor: PGlite | PgliteTransaction, text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> => {
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
