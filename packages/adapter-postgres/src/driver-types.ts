/**
 * What this package uses of its two optional drivers, described structurally, so that
 * the published declarations import neither `pg` nor `@electric-sql/pglite`: an app
 * type-checks (also without `skipLibCheck`) with only the driver it installed. A
 * `pg.Pool` and a `PGlite` instance fit these types as they are; the drivers themselves
 * are only loaded at run time, by a dynamic `import()`.
 */

import type { ConnectionOptions } from 'node:tls'

/** Rows of one statement, as node-postgres returns them. */
export interface NodePostgresQueryResult {
  /** The rows, one object per row keyed by column name. */
  rows: unknown[]
  /** Rows affected or returned (null for statements that report none). */
  rowCount: number | null
}

/** One statement as node-postgres takes it. */
export interface NodePostgresQuery {
  /** Name of the prepared statement (omitted: sent unnamed). */
  name?: string | undefined
  /** SQL text with positional parameters (`$1`, `$2`, …). */
  text: string
  /** Values of the parameters. */
  values?: unknown[] | undefined
}

/** A `NOTIFY` received on a connection that ran `LISTEN`. */
export interface NodePostgresNotification {
  /** The channel notified. */
  channel: string
  /** The payload, if any. */
  payload?: string | undefined
}

/** What the store uses of a connection checked out of a node-postgres pool (`pg.PoolClient`). */
export interface NodePostgresPoolClient {
  /** Runs one statement (or a script without parameters). */
  query(queryTextOrConfig: string | NodePostgresQuery): Promise<NodePostgresQueryResult>
  /** The connection failed (ended by the server, network cut). */
  on(event: 'error', listener: (error: Error) => void): unknown
  /** A notification arrived on a channel this connection listens on. */
  on(event: 'notification', listener: (message: NodePostgresNotification) => void): unknown
  /** The connection ended. */
  on(event: 'end', listener: () => void): unknown
  /** Removes an `'error'` listener. */
  off(event: 'error', listener: (error: Error) => void): unknown
  /** Removes every `'notification'` listener. */
  removeAllListeners(event: 'notification'): unknown
  /** Returns the connection to the pool; with an error, the pool discards it. */
  release(error?: Error | boolean): void
}

/**
 * What the store uses of a node-postgres pool: a `pg.Pool` fits. A pool passed to the
 * store stays yours (`close()` leaves it open).
 */
export interface NodePostgresPool {
  /** Checks a connection out (the callback form). */
  connect(callback: (error: Error | undefined, client: NodePostgresPoolClient | undefined, done: (release?: unknown) => void) => void): void
  /** Runs one statement on any connection of the pool. */
  query(queryTextOrConfig: string | NodePostgresQuery): Promise<NodePostgresQueryResult>
  /** An idle connection of the pool failed. */
  on(event: 'error', listener: (error: Error, client: NodePostgresPoolClient) => void): unknown
  /** Closes every connection of the pool. */
  end(): Promise<void>
}

/**
 * node-postgres pool settings (`pg.PoolConfig` without `connectionString` and `max`,
 * which the store sets from its own options). Every field is passed to `new pg.Pool()`
 * as it is; see the node-postgres documentation for each. The few settings whose types
 * involve node-postgres classes (`Client`, `stream`, `types`, `onConnect`, `verify`,
 * `log`) are typed `unknown` here.
 */
export interface NodePostgresPoolSettings {
  user?: string | undefined
  database?: string | undefined
  password?: string | (() => string | Promise<string>) | undefined
  port?: number | undefined
  host?: string | undefined
  keepAlive?: boolean | undefined
  keepAliveInitialDelayMillis?: number | undefined
  /** `true`, `false`, or Node's TLS options (`tls.ConnectionOptions`: `ca`, `rejectUnauthorized`, …). */
  ssl?: boolean | ConnectionOptions | undefined
  sslnegotiation?: 'postgres' | 'direct' | undefined
  enableChannelBinding?: boolean | undefined
  statement_timeout?: false | number | undefined
  query_timeout?: number | undefined
  lock_timeout?: number | undefined
  idle_in_transaction_session_timeout?: number | undefined
  application_name?: string | undefined
  fallback_application_name?: string | undefined
  connectionTimeoutMillis?: number | undefined
  options?: string | undefined
  client_encoding?: string | undefined
  pipeline?: boolean | undefined
  min?: number | undefined
  idleTimeoutMillis?: number | undefined | null
  allowExitOnIdle?: boolean | undefined
  maxUses?: number | undefined
  maxLifetimeSeconds?: number | undefined
  log?: unknown
  Promise?: PromiseConstructorLike | undefined
  stream?: unknown
  types?: unknown
  Client?: unknown
  onConnect?: unknown
  verify?: unknown
}

/** Rows of one PGlite statement. */
export interface PgliteResults<Row> {
  /** The rows, one object per row keyed by column name. */
  rows: Row[]
  /** Rows changed by an INSERT, UPDATE or DELETE. */
  affectedRows?: number | undefined
}

/** What the store uses of a PGlite transaction. */
export interface PgliteTransaction {
  /** Runs one statement with positional parameters. */
  query<Row>(query: string, params?: unknown[]): Promise<PgliteResults<Row>>
  /** Runs a script of statements without parameters. */
  exec(query: string): Promise<Array<PgliteResults<Record<string, unknown>>>>
}

/**
 * A PGlite database (embedded PostgreSQL), as the store uses it: a `PGlite` instance
 * from `@electric-sql/pglite` fits. It stays yours: close it with `close()` when done.
 */
export interface PgliteInstance {
  /** Resolves when the database is open. */
  readonly waitReady: Promise<void>
  /** True once `close()` was called. */
  readonly closed: boolean
  /** Closes the database (flushing it to its data directory). */
  close(): Promise<void>
  /** Runs one statement with positional parameters. */
  query<Row>(query: string, params?: unknown[]): Promise<PgliteResults<Row>>
  /** Runs a script of statements without parameters. */
  exec(query: string): Promise<Array<PgliteResults<Record<string, unknown>>>>
  /** Runs `callback` in a transaction (committed when it resolves, rolled back when it throws). */
  transaction<T>(callback: (transaction: PgliteTransaction) => Promise<T>): Promise<T>
  /** Listens on `channel`; resolves to the function that stops listening. */
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>
}
