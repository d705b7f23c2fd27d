import type { ImapFlow } from 'imapflow'
import {
  InboxError,
  ValidationError,
  type FetchedMessage,
  type InboxFetchOptions,
  type InboxV1,
  type InboxWatch,
  type InboxWatchOptions,
} from '@cam/core'
import { sleep } from '@cam/core/adapter-kit'
import { fetchMailboxMessages, searchNewUids, type MailboxMessage } from './fetch-mailbox-messages.js'
import { accountLabel, closeImapConnection, openImapConnection } from './imap-connection.js'
import { imapSourceKey, parseImapCursor, serializeImapCursor, type ImapCursor } from './imap-cursor.js'
import { isImapAuthenticationFailure, toInboxError } from './imap-errors.js'
import { resolveImapInboxOptions, type ImapInboxOptions } from './imap-inbox-options.js'
import { startImapWatch } from './imap-watch.js'
import { reconnectDelay } from './reconnect-backoff.js'
import { toUidSequenceSet } from './uid-sequence-set.js'

/**
 * The IMAP `Inbox`: incremental, restart-safe reading of one or more mailboxes by UID, with
 * IDLE push. Create it with {@link createImapInbox}.
 */
export interface ImapInbox extends InboxV1 {
  /** Name the cursor is stored under (option `name`, default `imap:<user>@<host>`). */
  readonly name: string
  /**
   * Yields every message after `cursor` (all messages when null), mailbox by mailbox in the
   * order of the `mailboxes` option, each mailbox in UID order. Each message carries the
   * complete updated cursor; store it together with the message.
   *
   * Network failures in the middle are retried transparently (new connection, backoff with
   * jitter, resume after the last message yielded); after `reconnect.maxAttemptsPerFetch`
   * failed attempts in a row a transient `InboxError` is thrown. Refused credentials throw a
   * permanent `InboxError` at once. A malformed cursor throws a `ValidationError`.
   */
  fetch(cursor: string | null, options?: InboxFetchOptions): AsyncIterable<FetchedMessage>
  /**
   * Calls `onNewMail` as soon as a watched mailbox reports new mail (IMAP IDLE; NOOP polling
   * on servers without IDLE), over one dedicated connection per mailbox, with a watchdog
   * and automatic reconnects. Resolves once every connection is up or has failed transiently
   * (it then keeps retrying and reports through `onError`); rejects with a permanent
   * `InboxError` when the server refuses the credentials.
   */
  watch(options: InboxWatchOptions): Promise<InboxWatch>
  /** Stops every watcher, aborts fetches in progress and logs out. The inbox stays usable: a later call reconnects. */
  close(): Promise<void>
}

/**
 * Creates an {@link ImapInbox} on imapflow.
 *
 * ```ts
 * const inbox = createImapInbox({
 *   host: 'imap.gmail.com',
 *   auth: { user: 'sales@example.com', pass: process.env.IMAP_APP_PASSWORD! },
 *   mailboxes: ['INBOX'],
 * })
 * ```
 *
 * Throws a `ValidationError` (code `CONFIG_INVALID`) listing every invalid option. Opens no
 * connection until the first `fetch` or `watch`.
 */
export function createImapInbox(options: ImapInboxOptions): ImapInbox {
  const settings = resolveImapInboxOptions(options)
  const account = accountLabel(settings)
  const log = settings.logger
  const logFields = { inbox: settings.name, account }

  let client: ImapFlow | null = null
  let authFailure: { error: InboxError; until: number } | null = null
  let fetchQueue: Promise<void> = Promise.resolve()
  const activeFetches = new Set<AbortController>()
  const watches = new Set<InboxWatch>()

  const rememberAuthFailure = (error: InboxError): void => {
    if (error.permanent && isImapAuthenticationFailure(error.cause) && settings.reconnect.authFailurePauseMs > 0) {
      authFailure = { error, until: Date.now() + settings.reconnect.authFailurePauseMs }
      log.error('IMAP login refused; not contacting the server again until the pause ends', {
        ...logFields,
        pauseMs: settings.reconnect.authFailurePauseMs,
      })
    }
  }

  /** Throws the remembered permanent error while the authentication pause lasts. */
  const checkAuthPause = (): void => {
    if (authFailure !== null && Date.now() < authFailure.until) throw authFailure.error
    authFailure = null
  }

  const discardConnection = (): void => {
    client?.close()
    client = null
  }

  const connection = async (): Promise<ImapFlow> => {
    if (client?.usable) return client
    discardConnection()
    checkAuthPause()
    try {
      client = await openImapConnection(settings, 'fetch', (error) => {
        log.warn('IMAP fetch connection error', { ...logFields, error: error.message })
      })
    } catch (error) {
      const inboxError = toInboxError(error, { account, operation: 'connect' })
      rememberAuthFailure(inboxError)
      throw inboxError
    }
    log.debug('IMAP fetch connection opened', logFields)
    return client
  }

  /** Runs fetches one at a time over the shared connection. */
  const acquireFetchSlot = async (): Promise<() => void> => {
    let release!: () => void
    const previous = fetchQueue
    fetchQueue = new Promise<void>((resolve) => {
      release = resolve
    })
    await previous
    return release
  }

  /**
   * Reads one mailbox after its position in `cursor`, updating `cursor` as each message is
   * handed out. Restartable: after a failure, calling it again resumes after the last message.
   */
  async function* readMailbox(mailbox: string, cursor: ImapCursor, budget: number): AsyncGenerator<FetchedMessage> {
    const imap = await connection()
    const opened = await imap.mailboxOpen(mailbox, { readOnly: !settings.markSeen })
    const uidValidity = String(opened.uidValidity ?? 0n)
    const known = cursor.mailboxes[mailbox]
    let lastUid = known?.lastUid ?? 0
    if (known !== undefined && known.uidValidity !== uidValidity) {
      // Every UID we knew is meaningless now: read the whole mailbox again. The store drops
      // the messages it already has (same Message-ID), so nothing is processed twice.
      log.warn('IMAP UIDVALIDITY changed; resynchronising the whole mailbox', {
        ...logFields,
        mailbox,
        previousUidValidity: known.uidValidity,
        uidValidity,
      })
      lastUid = 0
    }
    if (opened.exists === 0 || (opened.uidNext > 0 && opened.uidNext <= lastUid + 1)) return
    const uids = (await searchNewUids(imap, lastUid)).slice(0, budget)
    if (uids.length === 0) return
    log.debug('IMAP fetching new messages', { ...logFields, mailbox, count: uids.length, afterUid: lastUid })

    const seen: number[] = []
    const flagSeen = async (): Promise<void> => {
      if (seen.length === 0) return
      const range = toUidSequenceSet(seen.splice(0, seen.length))
      await imap.messageFlagsAdd(range, ['\\Seen'], { uid: true, silent: true })
    }
    let completed = false
    try {
      for await (const message of fetchMailboxMessages(imap, uids, settings)) {
        cursor.mailboxes[mailbox] = { uidValidity, lastUid: message.uid }
        yield toFetchedMessage(mailbox, uidValidity, message, cursor)
        if (settings.markSeen) {
          seen.push(message.uid)
          if (seen.length >= settings.batchSize) await flagSeen()
        }
      }
      completed = true
    } finally {
      // Messages the consumer finished with. On an early exit this is best effort: a message
      // left unseen is cosmetic, never a loss.
      if (settings.markSeen && seen.length > 0 && imap.usable) {
        await flagSeen().catch((error: unknown) => {
          if (completed) throw error
          log.warn('IMAP could not mark messages seen', { ...logFields, mailbox, error: String(error) })
        })
      }
    }
  }

  async function* fetchMessages(cursorText: string | null, fetchOptions: InboxFetchOptions): AsyncGenerator<FetchedMessage> {
    const limit = fetchOptions.limit ?? Number.POSITIVE_INFINITY
    if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 0)) {
      throw new ValidationError('inbox fetch options', [{ path: 'limit', message: `expected a non-negative integer, got ${String(limit)}` }])
    }
    const cursor = parseImapCursor(cursorText)
    const outerSignal = fetchOptions.signal
    outerSignal?.throwIfAborted()

    const controller = new AbortController()
    const signal = controller.signal
    const onOuterAbort = () => controller.abort(outerSignal?.reason)
    outerSignal?.addEventListener('abort', onOuterAbort, { once: true })
    // Aborting drops the socket so a command in flight fails at once instead of running on.
    const onAbort = () => discardConnection()
    signal.addEventListener('abort', onAbort, { once: true })

    activeFetches.add(controller)
    const release = await acquireFetchSlot()
    try {
      signal.throwIfAborted()
      let yielded = 0
      for (const mailbox of settings.mailboxes) {
        let failures = 0
        let iterator = readMailbox(mailbox, cursor, limit - yielded)
        try {
          while (yielded < limit) {
            let step: IteratorResult<FetchedMessage>
            try {
              signal.throwIfAborted()
              step = await iterator.next()
            } catch (error) {
              if (signal.aborted) throw signal.reason
              const inboxError = toInboxError(error, { account, mailbox, operation: 'fetch' })
              rememberAuthFailure(inboxError)
              if (inboxError.permanent || failures >= settings.reconnect.maxAttemptsPerFetch) throw inboxError
              discardConnection()
              const delayMs = reconnectDelay(failures, settings.reconnect)
              failures++
              log.warn('IMAP fetch interrupted; reconnecting and resuming after the last message', {
                ...logFields,
                mailbox,
                attempt: failures,
                delayMs,
                error: inboxError.message,
              })
              await sleep(delayMs, { signal })
              iterator = readMailbox(mailbox, cursor, limit - yielded)
              continue
            }
            if (step.done) break
            failures = 0
            yielded++
            yield step.value
          }
        } finally {
          // Runs the mailbox reader's own clean-up (marking seen) when the consumer stops early.
          await iterator.return(undefined)
        }
        if (yielded >= limit) break
      }
    } finally {
      release()
      activeFetches.delete(controller)
      signal.removeEventListener('abort', onAbort)
      outerSignal?.removeEventListener('abort', onOuterAbort)
    }
  }

  return {
    name: settings.name,
    fetch(cursor, fetchOptions = {}) {
      return fetchMessages(cursor, fetchOptions)
    },
    async watch(watchOptions) {
      checkAuthPause()
      let handle: InboxWatch
      try {
        handle = await startImapWatch(settings, watchOptions)
      } catch (error) {
        if (InboxError.isInstance(error)) rememberAuthFailure(error)
        throw error
      }
      const tracked: InboxWatch = {
        async stop() {
          watches.delete(tracked)
          await handle.stop()
        },
      }
      watches.add(tracked)
      return tracked
    },
    async close() {
      for (const controller of activeFetches) controller.abort(new InboxError(`IMAP inbox ${settings.name} was closed`))
      await Promise.all([...watches].map((watch) => watch.stop()))
      const current = client
      client = null
      if (current) await closeImapConnection(current, settings.commandTimeoutMs)
    },
  }
}

function toFetchedMessage(mailbox: string, uidValidity: string, message: MailboxMessage, cursor: ImapCursor): FetchedMessage {
  const fetched: FetchedMessage = {
    sourceKey: imapSourceKey(mailbox, uidValidity, message.uid),
    raw: message.raw,
    cursor: serializeImapCursor(cursor),
  }
  if (message.receivedAt !== undefined) fetched.receivedAt = message.receivedAt
  if (message.truncated) fetched.truncated = true
  return fetched
}


