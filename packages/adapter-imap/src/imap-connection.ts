import { ImapFlow, type ImapFlowOptions } from 'imapflow'
import type { ResolvedImapInboxOptions } from './imap-inbox-options.js'
import { toInboxError } from './imap-errors.js'

/** What a connection is for: fetch connections never IDLE; watch connections IDLE right away. */
export type ImapConnectionPurpose = 'fetch' | 'watch'

/** `user@host:port`, for log lines and error messages (no secrets). */
export function accountLabel(options: ResolvedImapInboxOptions): string {
  return `${options.auth.user}@${options.host}:${options.port}`
}

/**
 * Opens one authenticated imapflow connection.
 *
 * imapflow never reconnects by itself and a closed instance cannot be reused, so every
 * (re)connect builds a new `ImapFlow`. An `error` listener is attached before connecting —
 * an unhandled `error` event would crash the host process — and failures are wrapped into
 * `InboxError` (permanent for refused credentials).
 */
export async function openImapConnection(
  options: ResolvedImapInboxOptions,
  purpose: ImapConnectionPurpose,
  onConnectionError?: (error: Error) => void,
): Promise<ImapFlow> {
  const auth: NonNullable<ImapFlowOptions['auth']> =
    'pass' in options.auth
      ? { user: options.auth.user, pass: options.auth.pass }
      : {
          user: options.auth.user,
          accessToken: typeof options.auth.accessToken === 'function' ? await options.auth.accessToken() : options.auth.accessToken,
        }
  const client = new ImapFlow({
    host: options.host,
    port: options.port,
    secure: options.secure,
    ...(options.requireTls ? { doSTARTTLS: true } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    auth,
    logger: false,
    clientInfo: { name: 'cam-adapter-imap' },
    connectionTimeout: options.connectionTimeoutMs,
    greetingTimeout: options.greetingTimeoutMs,
    socketTimeout: options.socketTimeoutMs,
    // Fetch connections stay quiet between polls; watch connections start IDLE almost at once
    // after each command (SELECT, the watchdog's NOOP) so no new mail goes unnoticed.
    disableAutoIdle: purpose === 'fetch',
    autoIdleDelay: 50,
    // Servers without IDLE: imapflow polls with NOOP at this interval (capped at 2 minutes).
    maxIdleTime: options.watch.pollIntervalMs,
  })
  client.on('error', (error: Error) => {
    onConnectionError?.(error)
  })
  try {
    await client.connect()
  } catch (error) {
    client.close()
    throw toInboxError(error, { account: accountLabel(options), operation: 'connect' })
  }
  return client
}

/** Logs out politely within `timeoutMs`, then drops the socket whatever happened. Never throws. */
export async function closeImapConnection(client: ImapFlow, timeoutMs: number): Promise<void> {
  if (!client.usable) {
    client.close()
    return
  }
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      client.logout(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs)
      }),
    ])
  } catch {
    // The connection is going away anyway; a failed LOGOUT changes nothing.
  } finally {
    clearTimeout(timer)
    client.close()
  }
}
