/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package, the server half of nodemailer's
 * project) that records what it accepted and misbehaves on request.
 *
 * - Recipients decide their fate by their local part: `unknown…@` → `550 5.1.1` at RCPT,
 *   `greylisted…@` → `451 4.7.1` at RCPT, `blocked…@` → `550 5.7.1` at RCPT (policy), anything
 *   else is accepted.
 * - Authentication (optional): passwords (PLAIN, LOGIN) and XOAUTH2 access tokens; a token can
 *   be revoked, and a refused XOAUTH2 login answers the RFC 7628 way (`334` challenge, then
 *   `535`) or with `535` at once.
 * - STARTTLS with a given certificate, or implicit TLS; DSN advertised or hidden.
 * - `failNext(...)`: the next session's next step fails a given way (a 421 greeting, a 421 to
 *   `MAIL FROM`, a dropped connection while the message streams or right after it arrived, a
 *   554 to the message).
 */
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerAddress, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server'

/** One message as the server got it. */
export interface RecordedMessage {
  mailFrom: SMTPServerAddress
  rcptTo: SMTPServerAddress[]
  /** `RET` and `ENVID` of `MAIL FROM` when the server advertised DSN. */
  dsn: { ret: string | null; envid: string | null } | undefined
  /** The logged-in user, when there was a login. */
  user: string | undefined
  /** Whether the session was encrypted (implicit TLS or STARTTLS). */
  secure: boolean
  raw: Buffer
  /** The queue id the server answered with. */
  queueId: string
}

/** Ways the server can fail the next send. */
export type ServerFailure =
  /** `421 4.3.2` greeting: the server sheds load. */
  | 'greeting-421'
  /** `421 4.7.0` to `MAIL FROM`: too many messages, come back later. */
  | 'mail-from-421'
  /** `451 4.3.0` to `MAIL FROM`: a local problem. */
  | 'mail-from-451'
  /** `550 5.7.1` to `MAIL FROM`: this sender may not send. */
  | 'mail-from-550'
  /** `550 5.1.1` to the next `RCPT TO`, whatever the address. */
  | 'unknown-recipient'
  /** The socket is destroyed when the first piece of the message arrives: the final `.` never does. */
  | 'drop-during-message'
  /** The socket is destroyed once the whole message (final `.` included) arrived, before the `250`. */
  | 'drop-after-message'
  /** `554 5.7.1` to the message: rejected as spam. */
  | 'message-554'
  /** `451 4.3.0` to the message. */
  | 'message-451'

/** Options of {@link startSmtpTestServer}. */
export interface SmtpTestServerOptions {
  /** Implicit TLS (needs `tls`). */
  secure?: boolean
  /** Certificate and key for STARTTLS / implicit TLS. Without it STARTTLS is not offered. */
  tls?: { key: string; cert: string }
  /** Advertise DSN (default true). */
  dsn?: boolean
  /** Login required with one of these passwords (PLAIN, LOGIN). */
  passwords?: Record<string, string>
  /** Password mechanisms offered (default PLAIN and LOGIN). */
  passwordMethods?: Array<'PLAIN' | 'LOGIN'>
  /** Login required: XOAUTH2 with one of these tokens (user → valid tokens). */
  tokens?: Record<string, string[]>
  /** How a refused XOAUTH2 token is answered: RFC 7628's `334` challenge then `535` (default, Gmail), or `535` at once (Microsoft 365). */
  xoauth2Refusal?: 'challenge' | 'immediate'
  /** The `250` reply to the message: `postfix` (`Ok: queued as <id>`, default) or `plain` (`OK: message queued`). */
  queueReply?: 'postfix' | 'plain'
}

/** A running test server. */
export interface SmtpTestServer {
  readonly host: '127.0.0.1'
  readonly port: number
  /** Messages accepted (answered `250`), oldest first. */
  readonly messages: RecordedMessage[]
  /** Messages that arrived whole but were never answered (`drop-after-message`). */
  readonly unanswered: RecordedMessage[]
  /** Every login attempt: method, user and whether it succeeded (tokens and passwords not kept). */
  readonly logins: Array<{ method: string; user: string; ok: boolean }>
  /** Sessions opened so far. */
  readonly connectionsOpened: number
  /** Most sessions open at the same time so far. */
  readonly mostConcurrentConnections: number
  /** Sessions open now. */
  openConnections(): number
  /** The next matching step fails this way (queued: several can be set). */
  failNext(failure: ServerFailure): void
  /**
   * The next message is read whole but answered only once the returned function is called (a
   * slow server between the final dot and its `250`). Resolves when that message has arrived.
   */
  holdNextAnswer(): { arrived: Promise<void>; release: () => void }
  /** Adds a valid XOAUTH2 token for `user`. */
  grantToken(user: string, token: string): void
  /** Makes a token invalid from now on (an expired access token). */
  revokeToken(user: string, token: string): void
  /** Closes every open session from the server side (an idle-timeout sweep). */
  dropAllConnections(): void
  close(): Promise<void>
}

interface SessionState {
  user: string | undefined
}

/** Starts a server on a free loopback port. */
export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const messages: RecordedMessage[] = []
  const unanswered: RecordedMessage[] = []
  const logins: SmtpTestServer['logins'] = []
  const failures: ServerFailure[] = []
  const holds: Array<{ arrived: () => void; released: Promise<void> }> = []
  const tokens = new Map(Object.entries(options.tokens ?? {}).map(([user, list]) => [user, new Set(list)]))
  const sessions = new Map<string, SessionState>()
  let opened = 0
  let open = 0
  let mostConcurrent = 0
  const authRequired = options.passwords !== undefined || options.tokens !== undefined
  const authMethods = [...(options.passwords ? (options.passwordMethods ?? ['PLAIN', 'LOGIN']) : []), ...(options.tokens ? ['XOAUTH2'] : [])]

  const takeFailure = (...wanted: ServerFailure[]): ServerFailure | undefined => {
    const index = failures.findIndex((failure) => wanted.includes(failure))
    return index < 0 ? undefined : failures.splice(index, 1)[0]
  }
  const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode })
  const socketOf = (session: SMTPServerSession) => {
    for (const connection of server.connections) {
      if (connection.id === session.id) return (connection as unknown as { _socket: { destroy(): void } })._socket
    }
    return undefined
  }

  const serverOptions: SMTPServerOptions = {
    logger: false,
    secure: options.secure ?? false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    hideDSN: options.dsn === false,
    authMethods: authMethods.length > 0 ? authMethods : ['PLAIN', 'LOGIN'],
    authOptional: !authRequired,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    size: 64 * 1024 * 1024,
    closeTimeout: 500,
    onConnect(session, callback) {
      opened++
      open++
      mostConcurrent = Math.max(mostConcurrent, open)
      sessions.set(session.id, { user: undefined })
      if (takeFailure('greeting-421')) return callback(smtpError(421, '4.3.2 Service not available, closing transmission channel'))
      callback()
    },
    onClose(session) {
      open--
      sessions.delete(session.id)
    },
    onAuth(auth, session, callback) {
      const user = auth.username ?? ''
      if (auth.method === 'XOAUTH2') {
        const ok = tokens.get(user)?.has(auth.accessToken ?? '') ?? false
        logins.push({ method: 'XOAUTH2', user, ok })
        if (ok) return callback(null, { user })
        if (options.xoauth2Refusal === 'immediate') return callback(smtpError(535, '5.7.3 Authentication unsuccessful'))
        return callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.example/' } })
      }
      const ok = options.passwords !== undefined && options.passwords[user] !== undefined && options.passwords[user] === auth.password
      logins.push({ method: auth.method, user, ok })
      if (!ok) return callback(smtpError(535, '5.7.8 Username and Password not accepted'))
      callback(null, { user })
    },
    onMailFrom(_address, _session, callback) {
      const failure = takeFailure('mail-from-421', 'mail-from-451', 'mail-from-550')
      if (failure === 'mail-from-421') return callback(smtpError(421, '4.7.0 Too many messages, try again later'))
      if (failure === 'mail-from-451') return callback(smtpError(451, '4.3.0 Temporary local problem, try again later'))
      if (failure === 'mail-from-550') return callback(smtpError(550, '5.7.1 Sender not permitted to send from this server'))
      callback()
    },
    onRcptTo(address, _session, callback) {
      const local = address.address.split('@')[0] ?? ''
      if (local.startsWith('unknown') || takeFailure('unknown-recipient')) return callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown in virtual mailbox table`))
      if (local.startsWith('greylisted')) return callback(smtpError(451, `4.7.1 <${address.address}>: Recipient address rejected: Greylisted, try again in 5 minutes`))
      if (local.startsWith('blocked')) return callback(smtpError(550, '5.7.1 Service unavailable; client host blocked using zen.spamhaus.org'))
      callback()
    },
    onData(stream, session, callback) {
      const failure = takeFailure('drop-during-message', 'drop-after-message', 'message-554', 'message-451')
      const chunks: Buffer[] = []
      if (failure === 'drop-during-message') {
        stream.once('data', () => socketOf(session)?.destroy())
        stream.resume()
        return
      }
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const queueId = randomBytes(6).toString('hex').toUpperCase()
        const record: RecordedMessage = {
          mailFrom: session.envelope.mailFrom as SMTPServerAddress,
          rcptTo: [...session.envelope.rcptTo],
          dsn: session.envelope.dsn === undefined ? undefined : { ...session.envelope.dsn },
          user: sessions.get(session.id)?.user ?? (typeof session.user === 'string' ? session.user : undefined),
          secure: session.secure,
          raw: Buffer.concat(chunks),
          queueId,
        }
        if (failure === 'drop-after-message') {
          unanswered.push(record)
          socketOf(session)?.destroy()
          return
        }
        const hold = holds.shift()
        if (hold) {
          hold.arrived()
          void hold.released.then(() => {
            messages.push(record)
            callback(null, `2.0.0 Ok: queued as ${queueId}`)
          })
          return
        }
        if (failure === 'message-554') return callback(smtpError(554, '5.7.1 Message rejected as spam by content filter'))
        if (failure === 'message-451') return callback(smtpError(451, '4.3.0 Temporary problem, try again'))
        messages.push(record)
        callback(null, options.queueReply === 'plain' ? 'OK: message queued' : `2.0.0 Ok: queued as ${queueId}`)
      })
    },
  }
  const server = new SMTPServer(serverOptions)
  server.on('error', () => undefined) // a client dropping its socket is not a test failure
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port

  return {
    host: '127.0.0.1',
    port,
    messages,
    unanswered,
    logins,
    get connectionsOpened() {
      return opened
    },
    get mostConcurrentConnections() {
      return mostConcurrent
    },
    openConnections: () => open,
    failNext(failure) {
      failures.push(failure)
    },
    holdNextAnswer() {
      let arrived = () => {}
      let release = () => {}
      const arrival = new Promise<void>((resolve) => (arrived = resolve))
      const released = new Promise<void>((resolve) => (release = resolve))
      holds.push({ arrived, released })
      return { arrived: arrival, release }
    },
    grantToken(user, token) {
      if (!tokens.has(user)) tokens.set(user, new Set())
      tokens.get(user)?.add(token)
    },
    revokeToken(user, token) {
      tokens.get(user)?.delete(token)
    },
    dropAllConnections() {
      for (const connection of server.connections) (connection as unknown as { _socket: { destroy(): void } })._socket.destroy()
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
