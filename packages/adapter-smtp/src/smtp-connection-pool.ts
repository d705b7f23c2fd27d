import { Readable } from 'node:stream'
import type { Logger } from '@cam/core'
import { errorMessage } from '@cam/core/adapter-kit'
import SMTPConnection, { type SMTPConnectionOptions, type SMTPConnectionSendInfo, type SMTPEnvelope } from 'nodemailer/lib/smtp-connection'
import { createAccessTokenSource, type AccessTokenSource } from './access-token-source.js'
import type { ResolvedSmtpSenderOptions } from './smtp-sender-options.js'
import { xoauth2LoginHandler, xoauth2MethodName, type Xoauth2LoginState } from './xoauth2-login.js'

/**
 * How far one send got when it failed:
 * - `connect`: TCP, TLS, greeting, EHLO or STARTTLS;
 * - `auth`: the login;
 * - `envelope`: `MAIL FROM`, `RCPT TO` or `DATA` (not a byte of the message sent);
 * - `body`: the message was being sent, but not all of it: the server discards it;
 * - `committed`: the whole message (and so the terminating dot) was handed to the connection
 *   and the server's answer is missing: it may have been delivered.
 */
export type SmtpStage = 'connect' | 'auth' | 'envelope' | 'body' | 'committed'

/** A failed send, with what is needed to decide retryable, permanent or in doubt. */
export interface SmtpFailure {
  stage: SmtpStage
  /** The error nodemailer reported (`code`, `command`, `response`, `responseCode`), or whatever else failed. */
  error: unknown
  /** XOAUTH2: getting or refreshing the access token threw this. */
  tokenError: unknown
  /** XOAUTH2: the refused token had been replaced, and the replacement was refused too. */
  tokenRefreshed: boolean
  /** The send was aborted by its signal (before the message was committed). */
  aborted: boolean
}

/** What one send through the pool came to. */
export type SmtpSendOutcome = { ok: true; info: SMTPConnectionSendInfo } | { ok: false; failure: SmtpFailure }

/** One email's envelope and bytes. */
export interface SmtpPoolMessage {
  envelope: SMTPEnvelope
  raw: Buffer
}

/** Pooled SMTP connections to one server, for one mailbox. */
export interface SmtpConnectionPool {
  send(message: SmtpPoolMessage, signal?: AbortSignal): Promise<SmtpSendOutcome>
  /** The access token the last login used (XOAUTH2), for the Sent-folder copy. */
  currentAccessToken(): Promise<string> | undefined
  /** Closes the idle connections; connections in use close when their send ends. The pool stays usable. */
  close(): Promise<void>
}

interface PooledConnection {
  connection: SMTPConnection
  messages: number
  broken: boolean
  idleTimer: NodeJS.Timeout | undefined
}

/** Messages are handed to the connection in pieces this large, so "all of it was taken" follows the socket closely. */
const bodyChunkBytes = 64 * 1024

/**
 * Runs one callback-style operation of an `SMTPConnection` and settles on whichever comes
 * first: its callback, an `error` event or the connection's end (nodemailer reports a dropped
 * socket as an event, and a `close()` forgets callbacks in flight).
 */
function onConnection<T>(connection: SMTPConnection, operation: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const finish = (error: unknown, value?: T) => {
      if (settled) return
      settled = true
      connection.off('error', onError)
      connection.off('end', onEnd)
      if (error) reject(error)
      else resolve(value as T)
    }
    const onError = (error: Error) => finish(error)
    // nodemailer ends the connection before it calls back with the reply that ended it (a 421):
    // the callback gets its turn first.
    const onEnd = () => setImmediate(() => finish(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION', command: 'CONN' })))
    connection.once('error', onError)
    connection.once('end', onEnd)
    try {
      operation((error, value) => finish(error ?? null, value))
    } catch (error) {
      finish(error)
    }
  })
}

/** True for the failure of a connection the server may have dropped while it sat idle. */
function isStaleConnectionFailure(error: unknown): boolean {
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown }
  return (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EPIPE' || code === 'ECONNRESET') && responseCode === undefined
}

/**
 * Creates a pool of at most `maxConnections` SMTP connections (nodemailer's `SMTPConnection`):
 * each connects (implicit TLS, or STARTTLS — required unless turned off), checks the
 * certificate, logs in (PLAIN/LOGIN with a password, XOAUTH2 with a token refreshed once when
 * refused), then sends up to `maxMessages` emails before it is replaced; an unused connection
 * quits after `idleTimeoutMs`. Sends beyond `maxConnections` wait their turn.
 *
 * Unlike nodemailer's own pool, a message is never sent again by the pool after its bytes
 * started to flow, and every failure says how far the send got ({@link SmtpStage}), which the
 * sender needs to tell "nothing was sent" from "may have been delivered". Only a send on a
 * reused connection that fails before a byte of the message left (the server dropped the idle
 * connection) is repeated once on a fresh connection.
 */
export function createSmtpConnectionPool(settings: ResolvedSmtpSenderOptions): SmtpConnectionPool {
  const logger: Logger = settings.logger
  const account = `${settings.auth === undefined ? '' : `${settings.auth.user}@`}${settings.host}:${settings.port}`
  const tokens: AccessTokenSource | undefined = settings.auth !== undefined && 'accessToken' in settings.auth ? createAccessTokenSource(settings.auth) : undefined
  const idle: PooledConnection[] = []
  let permitsInUse = 0
  const waiters: Array<() => void> = []

  const acquirePermit = async (signal: AbortSignal | undefined): Promise<void> => {
    signal?.throwIfAborted()
    if (permitsInUse < settings.maxConnections) {
      permitsInUse++
      return
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = waiters.indexOf(grant)
        if (index >= 0) waiters.splice(index, 1)
        reject(signal?.reason ?? new Error('aborted'))
      }
      const grant = () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      waiters.push(grant)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
  const releasePermit = () => {
    const next = waiters.shift()
    if (next) next()
    else permitsInUse--
  }

  const dispose = (pooled: PooledConnection, polite: boolean) => {
    pooled.broken = true
    clearTimeout(pooled.idleTimer)
    const index = idle.indexOf(pooled)
    if (index >= 0) idle.splice(index, 1)
    try {
      if (polite && pooled.connection._socket && !pooled.connection.destroyed) pooled.connection.quit()
      else pooled.connection.close()
    } catch {
      // Already gone.
    }
  }

  const setSocketRef = (pooled: PooledConnection, held: boolean) => {
    const socket = pooled.connection._socket
    try {
      // An idle pooled connection must not keep the host process alive.
      if (socket) {
        if (held) socket.ref()
        else socket.unref()
      }
    } catch {
      // Not a socket that can be (un)referenced: nothing to do.
    }
  }

  const open = async (): Promise<{ pooled: PooledConnection } | { failure: SmtpFailure }> => {
    const loginState: Xoauth2LoginState = { tokenError: undefined, refreshed: false }
    const options: SMTPConnectionOptions = {
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      requireTLS: settings.requireTls,
      tls: { ...settings.tls },
      ...(settings.tls.servername === undefined ? {} : { servername: settings.tls.servername }),
      ...(settings.clientHostname === undefined ? {} : { name: settings.clientHostname }),
      connectionTimeout: settings.connectionTimeoutMs,
      greetingTimeout: settings.greetingTimeoutMs,
      socketTimeout: settings.socketTimeoutMs,
      logger: false,
      debug: false,
      ...(tokens !== undefined && settings.auth !== undefined ? { customAuth: { [xoauth2MethodName]: xoauth2LoginHandler(settings.auth.user, tokens, loginState) } } : {}),
    }
    const connection = new SMTPConnection(options)
    const pooled: PooledConnection = { connection, messages: 0, broken: false, idleTimer: undefined }
    // Always listened to: an unhandled 'error' event would crash the host process.
    connection.on('error', (error: Error) => {
      pooled.broken = true
      logger.debug('SMTP connection failed', { sender: settings.name, account, error: errorMessage(error) })
    })
    connection.on('end', () => {
      if (!pooled.broken) logger.debug('SMTP connection closed', { sender: settings.name, account })
      dispose(pooled, false)
    })
    try {
      await onConnection<void>(connection, (done) => connection.connect((error) => done(error)))
    } catch (error) {
      dispose(pooled, false)
      return { failure: { stage: 'connect', error, tokenError: undefined, tokenRefreshed: false, aborted: false } }
    }
    if (settings.auth !== undefined) {
      if (!connection.allowsAuth) {
        logger.warn('the SMTP server offers no authentication; sending without logging in', { sender: settings.name, account })
      } else {
        const authData =
          'pass' in settings.auth
            ? { credentials: { user: settings.auth.user, pass: settings.auth.pass } }
            : { user: settings.auth.user, method: xoauth2MethodName }
        try {
          await onConnection<boolean>(connection, (done) => connection.login(authData, (error, result) => done(error, result)))
        } catch (error) {
          dispose(pooled, false)
          return { failure: { stage: 'auth', error, tokenError: loginState.tokenError, tokenRefreshed: loginState.refreshed, aborted: false } }
        }
      }
    }
    logger.debug('SMTP connection ready', { sender: settings.name, account, secure: connection.secure })
    return { pooled }
  }

  const putBack = (pooled: PooledConnection) => {
    if (pooled.broken) return
    if (!settings.pool || pooled.messages >= settings.maxMessages) {
      dispose(pooled, true)
      return
    }
    setSocketRef(pooled, false)
    pooled.idleTimer = setTimeout(() => dispose(pooled, true), settings.idleTimeoutMs)
    pooled.idleTimer.unref()
    idle.push(pooled)
  }

  const take = (): PooledConnection | undefined => {
    for (let pooled = idle.pop(); pooled !== undefined; pooled = idle.pop()) {
      clearTimeout(pooled.idleTimer)
      if (pooled.broken || pooled.connection.destroyed) continue
      setSocketRef(pooled, true)
      return pooled
    }
    return undefined
  }

  /** Sends one message on one connection; reports how far it got when it fails. */
  const sendOn = async (pooled: PooledConnection, message: SmtpPoolMessage, signal: AbortSignal | undefined): Promise<SmtpSendOutcome> => {
    const chunks: Buffer[] = []
    for (let offset = 0; offset < message.raw.length; offset += bodyChunkBytes) chunks.push(message.raw.subarray(offset, offset + bodyChunkBytes))
    const body = Readable.from(chunks, { objectMode: false })
    let committed = false
    body.once('end', () => {
      committed = true
    })
    let aborted = false
    const onAbort = () => {
      // Once the whole message is out, the answer is awaited whatever the signal says: giving up
      // then could only leave the email in doubt.
      if (committed) return
      aborted = true
      pooled.connection.close()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const info = await onConnection<SMTPConnectionSendInfo>(pooled.connection, (done) => pooled.connection.send(message.envelope, body, (error, result) => done(error, result)))
      pooled.messages++
      return { ok: true, info }
    } catch (error) {
      pooled.messages++
      const stage: SmtpStage = committed ? 'committed' : body.readableDidRead ? 'body' : 'envelope'
      body.destroy()
      return { ok: false, failure: { stage, error, tokenError: undefined, tokenRefreshed: false, aborted } }
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /** After a failed send: keep a healthy connection (RSET) when the server refused only this message, else close it. */
  const afterFailure = async (pooled: PooledConnection, failure: SmtpFailure) => {
    const { code, responseCode } = failure.error as { code?: unknown; responseCode?: unknown }
    const refusedOnly = (code === 'EENVELOPE' || code === 'EMESSAGE') && typeof responseCode === 'number' && responseCode !== 421
    if (!refusedOnly || pooled.broken || pooled.connection.destroyed || !settings.pool) {
      dispose(pooled, !pooled.broken && refusedOnly)
      return
    }
    try {
      await onConnection<boolean>(pooled.connection, (done) => pooled.connection.reset((error, result) => done(error, result)))
      putBack(pooled)
    } catch {
      dispose(pooled, false)
    }
  }

  return {
    async send(message, signal) {
      try {
        await acquirePermit(signal)
      } catch (error) {
        return { ok: false, failure: { stage: 'envelope', error, tokenError: undefined, tokenRefreshed: false, aborted: true } }
      }
      try {
        for (let attempt = 0; ; attempt++) {
          let pooled = take()
          const reused = pooled !== undefined
          if (pooled === undefined) {
            if (signal?.aborted) return { ok: false, failure: { stage: 'envelope', error: signal.reason, tokenError: undefined, tokenRefreshed: false, aborted: true } }
            const opened = await open()
            if ('failure' in opened) return { ok: false, failure: opened.failure }
            pooled = opened.pooled
          }
          if (signal?.aborted) {
            putBack(pooled)
            return { ok: false, failure: { stage: 'envelope', error: signal.reason, tokenError: undefined, tokenRefreshed: false, aborted: true } }
          }
          const outcome = await sendOn(pooled, message, signal)
          if (outcome.ok) {
            putBack(pooled)
            return outcome
          }
          await afterFailure(pooled, outcome.failure)
          if (reused && attempt === 0 && outcome.failure.stage === 'envelope' && !outcome.failure.aborted && isStaleConnectionFailure(outcome.failure.error)) {
            logger.debug('a pooled SMTP connection was closed by the server while idle; sending on a new one', { sender: settings.name, account })
            continue
          }
          return outcome
        }
      } finally {
        releasePermit()
      }
    },
    currentAccessToken() {
      return tokens?.current()
    },
    async close() {
      for (const pooled of [...idle]) dispose(pooled, true)
    },
  }
}
