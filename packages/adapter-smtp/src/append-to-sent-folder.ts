import type { ImapFlowOptions } from 'imapflow'
import { loadImapFlow } from './imapflow-loader.js'
import type { ResolvedSentFolderOptions, SmtpAccessTokenAuth, SmtpPasswordAuth } from './smtp-sender-options.js'

/** Credentials for the append, the token already resolved. */
export type SentFolderCredentials = SmtpPasswordAuth | { user: string; accessToken: string }

/** Resolves the Sent folder's own credentials (calling an `accessToken` function), or `undefined` when it has none. */
export async function sentFolderCredentials(auth: ResolvedSentFolderOptions['auth']): Promise<SentFolderCredentials | undefined> {
  if (auth === undefined) return undefined
  if ('pass' in auth) return { user: auth.user, pass: auth.pass }
  const token: Pick<SmtpAccessTokenAuth, 'accessToken'>['accessToken'] = auth.accessToken
  return { user: auth.user, accessToken: typeof token === 'function' ? await token() : token }
}

/**
 * Appends `raw` — the exact bytes that were sent — to the Sent folder over IMAP, flagged
 * `\Seen` and dated like the message: one connection per append (log in, `APPEND`, log out),
 * bounded by `timeoutMs` as a whole. Throws on any failure; the caller logs it.
 */
export async function appendToSentFolder(settings: ResolvedSentFolderOptions, auth: SentFolderCredentials, raw: Buffer, date: Date): Promise<{ uid: number | undefined }> {
  const ImapFlowClass = await loadImapFlow()
  const options: ImapFlowOptions = {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.requireTls ? { doSTARTTLS: true } : {}),
    tls: { ...settings.tls },
    ...(settings.tls.servername === undefined ? {} : { servername: settings.tls.servername }),
    auth: 'pass' in auth ? { user: auth.user, pass: auth.pass } : { user: auth.user, accessToken: auth.accessToken },
    logger: false,
    clientInfo: { name: 'cam-adapter-smtp' },
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    disableAutoIdle: true,
  }
  const client = new ImapFlowClass(options)
  // Always listened to: an unhandled 'error' event would crash the host process.
  let connectionError: unknown
  client.on('error', (error: unknown) => {
    connectionError = error
  })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the append took longer than ${settings.timeoutMs} ms`)), settings.timeoutMs)
  })
  const work = (async () => {
    await client.connect()
    const response = await client.append(settings.mailbox, raw, ['\\Seen'], date)
    if (response === false) throw new Error(`the server did not take the message into "${settings.mailbox}"`)
    await client.logout().catch(() => undefined)
    return { uid: typeof response.uid === 'number' ? response.uid : undefined }
  })()
  // Settled after a timeout too: that late failure is already reported as the timeout.
  work.catch(() => undefined)
  try {
    return await Promise.race([work, timeout])
  } catch (error) {
    throw connectionError !== undefined && !(error instanceof Error) ? connectionError : error
  } finally {
    clearTimeout(timer)
    client.close()
  }
}
