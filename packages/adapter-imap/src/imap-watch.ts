import type { ImapFlow } from 'imapflow'
import type { InboxWatch, InboxWatchOptions } from '@cam/core'
import { accountLabel, closeImapConnection, openImapConnection } from './imap-connection.js'
import { toInboxError } from './imap-errors.js'
import type { ResolvedImapInboxOptions } from './imap-inbox-options.js'
import { reconnectDelay } from './reconnect-backoff.js'

/**
 * Watches every configured mailbox, one dedicated connection each (IMAP IDLE only covers
 * the selected mailbox). Resolves once each watcher has connected or failed transiently
 * (then it keeps retrying and reports through `onError`); rejects with the permanent
 * `InboxError` when a first connection is refused (wrong credentials, missing mailbox).
 */
export async function startImapWatch(settings: ResolvedImapInboxOptions, options: InboxWatchOptions): Promise<InboxWatch> {
  const watchers = settings.mailboxes.map((mailbox) => watchMailbox(settings, mailbox, options))
  const results = await Promise.allSettled(watchers.map((watcher) => watcher.ready))
  const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  const stop = async () => {
    await Promise.all(watchers.map((watcher) => watcher.stop()))
  }
  if (refused) {
    await stop()
    throw refused.reason
  }
  return { stop }
}

interface MailboxWatcher {
  /** Settles after the first connection attempt (rejects only when it was refused for good). */
  ready: Promise<void>
  stop(): Promise<void>
}

/**
 * One mailbox's watch loop: connect, EXAMINE, IDLE (imapflow's auto-IDLE starts it right
 * after each command and its `exists` events carry new-mail notices; on servers without
 * IDLE imapflow polls with NOOP). A watchdog sends NOOP every `keepaliveIntervalMs` (or
 * `pollIntervalMs` without IDLE): a NOOP unanswered within `commandTimeoutMs` means the
 * connection died silently (NAT timeout, frozen server), and a closed socket means it died
 * loudly; either way the loop reconnects with exponential backoff and jitter, then calls
 * `onNewMail` once, because mail may have arrived while it was disconnected.
 */
function watchMailbox(settings: ResolvedImapInboxOptions, mailbox: string, options: InboxWatchOptions): MailboxWatcher {
  const log = settings.logger
  const account = accountLabel(settings)
  const logFields = { inbox: settings.name, account, mailbox }
  const stopController = new AbortController()
  let current: ImapFlow | null = null
  let readySettled = false
  let resolveReady!: () => void
  let rejectReady!: (error: unknown) => void
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve
    rejectReady = reject
  })
  const settleReady = (error?: unknown): void => {
    if (readySettled) return
    readySettled = true
    if (error === undefined) resolveReady()
    else rejectReady(error)
  }

  const notify = () => {
    try {
      options.onNewMail()
    } catch (error) {
      report(error)
    }
  }
  const report = (error: unknown) => {
    try {
      options.onError?.(error)
    } catch (callbackError) {
      log.error('IMAP watch onError callback threw', { ...logFields, error: String(callbackError) })
    }
  }

  const loop = (async () => {
    let failures = 0
    let connectedBefore = false
    while (!stopController.signal.aborted) {
      let client: ImapFlow | null = null
      try {
        client = await openImapConnection(settings, 'watch', (error) => {
          log.debug('IMAP watch connection error', { ...logFields, error: error.message })
        })
        current = client
        if (stopController.signal.aborted) break
        client.on('exists', (event) => {
          if (event.count > event.prevCount) notify()
        })
        await client.mailboxOpen(mailbox, { readOnly: true })
        // A new UIDVALIDITY noticed during the session (imapflow re-opens the mailbox) also means "fetch now".
        client.on('mailboxOpen', () => notify())
        failures = 0
        settleReady()
        if (connectedBefore) {
          log.info('IMAP watch reconnected', logFields)
          notify()
        }
        connectedBefore = true
        const interval = client.capabilities.has('IDLE') ? settings.watch.keepaliveIntervalMs : settings.watch.pollIntervalMs
        for (;;) {
          const outcome = await waitFor(interval, client, stopController.signal)
          if (outcome === 'stopped') break
          if (outcome === 'closed') throw Object.assign(new Error('the server closed the connection'), { code: 'EConnectionClosed' })
          await withTimeout(client.noop(), settings.commandTimeoutMs, 'NOOP')
        }
      } catch (error) {
        if (stopController.signal.aborted) break
        const inboxError = toInboxError(error, { account, mailbox, operation: 'watch' })
        if (inboxError.permanent && !connectedBefore) {
          settleReady(inboxError)
          break
        }
        settleReady()
        report(inboxError)
        const delayMs = inboxError.permanent
          ? Math.max(settings.reconnect.authFailurePauseMs, settings.reconnect.maxDelayMs)
          : reconnectDelay(failures, settings.reconnect)
        failures++
        log.warn('IMAP watch connection lost; reconnecting', { ...logFields, delayMs, error: inboxError.message })
        if ((await waitFor(delayMs, null, stopController.signal)) === 'stopped') break
      } finally {
        current = null
        client?.close()
      }
    }
    settleReady()
  })()

  return {
    ready,
    async stop() {
      if (stopController.signal.aborted) return loop
      stopController.abort()
      const client = current
      if (client) await closeImapConnection(client, settings.commandTimeoutMs)
      await loop
    },
  }
}

/** Resolves with whichever comes first: the delay, the connection closing, or a stop. */
function waitFor(ms: number, client: ImapFlow | null, signal: AbortSignal): Promise<'elapsed' | 'closed' | 'stopped'> {
  if (signal.aborted) return Promise.resolve('stopped')
  if (client !== null && !client.usable) return Promise.resolve('closed')
  return new Promise((resolve) => {
    const finish = (outcome: 'elapsed' | 'closed' | 'stopped') => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      client?.off('close', onClose)
      resolve(outcome)
    }
    const onAbort = () => finish('stopped')
    const onClose = () => finish('closed')
    const timer = setTimeout(() => finish('elapsed'), ms)
    signal.addEventListener('abort', onAbort, { once: true })
    client?.once('close', onClose)
  })
}

/** Rejects with an `ETIMEOUT` error when `promise` takes longer than `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number, command: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error(`${command} got no answer within ${ms} ms (connection presumed dead)`), { code: 'ETIMEOUT' })),
          ms,
        )
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
