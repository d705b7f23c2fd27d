import { silentLogger, type LockV1, type Logger, type StoreV1 } from '@cam/core'
import { errorMessage, parseOptions } from '@cam/core/adapter-kit'
import { z } from 'zod'
import { alertMethods } from './alert-methods.js'
import { campaignMethods } from './campaign-methods.js'
import type { NotificationSubscription } from './database.js'
import { deliveryMethods } from './delivery-methods.js'
import { emailMethods } from './email-methods.js'
import { leadMethods } from './lead-methods.js'
import { leaseMethods } from './lease-methods.js'
import { mailboxMethods } from './mailbox-methods.js'
import { messageMethods } from './message-methods.js'
import { checkSchemaVersion } from './migrate.js'
import { loggerOption, openDatabase, postgresOptionsSchema, resolveConnectionOptions, type PostgresConnectionOptions } from './postgres-options.js'
import { sharedStatements } from './shared-statements.js'
import { webhookMethods } from './webhook-methods.js'
import { createStoreContext } from './store-context.js'

/** Options of {@link createPostgresStore}. */
export type PostgresStoreOptions = PostgresConnectionOptions & {
  /** Where connection problems are reported (default: silent). Never receives secrets. */
  logger?: Logger | undefined
  /**
   * Listen for "work queued" notifications (`LISTEN/NOTIFY` on one dedicated
   * connection) so idle workers wake at once (default true). Turn it off behind
   * pgbouncer in transaction mode; workers then rely on polling.
   */
  listen?: boolean | undefined
  /**
   * Commit `recordEmailSent` without waiting for the WAL flush (`synchronous_commit = off`
   * for that statement only; default false). Faster under load. A database crash may
   * then lose the last few hundred milliseconds of send records; each lost record
   * behaves exactly like a worker that died between sending and recording: the email
   * is sent again under the same idempotency key (idempotent sender) or set `in_doubt`.
   * Claims, outcomes, suppressions and every other write stay synchronous.
   */
  asyncCommitSendRecords?: boolean | undefined
}

/** The store's options as {@link createPostgresStore} checks them. */
const storeOptionsSchema = postgresOptionsSchema({
  logger: loggerOption.optional(),
  listen: z.boolean({ error: 'expected true or false' }).optional(),
  asyncCommitSendRecords: z.boolean({ error: 'expected true or false' }).optional(),
})

/** The CAM `Store` and `Lock` ports on PostgreSQL or PGlite. */
export interface PostgresStore extends StoreV1, LockV1 {
  /** Schema the tables live in (unquoted). */
  readonly schema: string
  /**
   * Calls `listener` when another process queued work (leads added, a campaign
   * activated, an in-doubt email queued again), and once after the LISTEN connection
   * came back from an outage. Returns the unsubscribe function.
   */
  onWorkQueued(listener: () => void): () => void
  /** Closes the LISTEN connection and the pool this store created (a pool or PGlite passed in stays open). */
  close(): Promise<void>
}

/**
 * Creates the PostgreSQL store: every CAM port method as one atomic statement or
 * transaction, claims with `FOR UPDATE SKIP LOCKED`, leases as rows on the database
 * clock, per-day counters, and `LISTEN/NOTIFY` wake-ups. Run {@link migrate} first;
 * the store checks the schema version before its first operation and never runs DDL.
 *
 * ```ts
 * await migrate({ connectionString: process.env.DATABASE_URL })
 * const store = createPostgresStore({ connectionString: process.env.DATABASE_URL })
 * const worker = createCamWorker({ store, sender })
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const settings = parseOptions(storeOptionsSchema, options ?? {}, 'postgres store options')
  const resolved = resolveConnectionOptions(settings)
  const logger = settings.logger ?? silentLogger
  const db = openDatabase(resolved, logger)
  const context = createStoreContext({ db, schema: resolved.schema, logger, ready: () => checkSchemaVersion(db, resolved.schema) })
  const shared = sharedStatements(context.schema, context.channel)

  const listeners = new Set<() => void>()
  let subscription: NotificationSubscription | null = null
  let listenedBefore = false
  const notifyListeners = () => {
    for (const listener of listeners) {
      try {
        listener()
      } catch (error) {
        logger.warn('postgres store: a work-queued listener threw', { error: errorMessage(error) })
      }
    }
  }
  const startListening = () => {
    subscription = db.listen(context.channel, {
      onNotification: notifyListeners,
      onError: (error) => logger.warn('postgres store: LISTEN connection lost; reconnecting', { error: errorMessage(error) }),
      onListening: () => {
        // Notifications sent while we were disconnected are lost: wake the listeners once.
        if (listenedBefore) notifyListeners()
        listenedBefore = true
      },
    })
  }

  return {
    schema: resolved.schema,
    ...campaignMethods(context, shared),
    ...leadMethods(context, shared),
    ...emailMethods(context, shared, { asyncCommitSendRecords: settings.asyncCommitSendRecords === true }),
    ...messageMethods(context, shared),
    ...deliveryMethods(context, shared),
    ...mailboxMethods(context, shared),
    ...alertMethods(context),
    ...leaseMethods(context),
    ...webhookMethods(context),
    onWorkQueued(listener) {
      listeners.add(listener)
      if (settings.listen !== false && !subscription) startListening()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && subscription) {
          const current = subscription
          subscription = null
          listenedBefore = false
          void current.stop().catch((error: unknown) => logger.warn('postgres store: UNLISTEN failed', { error: errorMessage(error) }))
        }
      }
    },
    async close() {
      listeners.clear()
      const current = subscription
      subscription = null
      await current?.stop().catch(() => undefined)
      await db.close()
    },
  }
}
