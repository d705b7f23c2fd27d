/**
 * A small mail system on 127.0.0.1 for the full-loop test, built on the `smtp-server` package:
 * the submission server of the senders' domain and the MX of the prospects' domain in one.
 *
 * - Senders log in with their password (PLAIN or LOGIN) and may only send as themselves
 *   (`MAIL FROM` must be the login, else `553 5.7.1`).
 * - A recipient with a Maildir is accepted, and the message is delivered into that Maildir the
 *   way a local delivery agent does (`Return-Path`, `Delivered-To` and `Received` added on
 *   top), where Dovecot serves it over IMAP.
 * - An unknown recipient is refused at `RCPT TO` with `550 5.1.1`.
 * - A greylisted recipient is deferred with `451 4.7.1` on the first attempt of each sender,
 *   then accepted.
 * - A recipient that "bounces later" is accepted (`250`), and {@link ReceivingMta.returnBounces}
 *   later writes the RFC 3464 bounce report (DSN) into the sender's Maildir — as a remote
 *   server that accepted the message and failed to deliver it would, some time afterwards —
 *   unless the sender asked for no failure notice (`NOTIFY`).
 */
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server'
import { buildDeliveryStatusNotification, rfc5322Date } from './delivery-status-notification.js'
import { deliverToMaildir } from './maildir.js'

/** Options of {@link startReceivingMta}. */
export interface ReceivingMtaOptions {
  /** Host name the server announces and writes into trace headers and reports. */
  hostname?: string
  /** Sender accounts: address → password. */
  senders: Record<string, string>
  /** Local mailboxes: address → Maildir (prospects, and the senders, who receive bounce reports). */
  maildirs: Record<string, string>
  /** Recipients deferred with `451 4.7.1` on the first attempt of each sender. */
  greylisted?: string[]
  /** Recipients accepted, then reported undeliverable by {@link ReceivingMta.returnBounces}. */
  bounceLater?: Record<string, { status: string; diagnostic: string; remoteMta: string }>
  /** Clock of the `Received`, `Date` and `Arrival-Date` stamps (default: the system clock). */
  now?: () => Date
}

/** One answer to `RCPT TO`. */
export interface RecipientAttempt {
  user: string | undefined
  mailFrom: string
  recipient: string
  /** The reply code: 250, 451 or 550. */
  code: number
  reply: string
}

/** One message the server answered `250` to. */
export interface AcceptedMessage {
  /** The logged-in account. */
  user: string
  mailFrom: string
  recipients: string[]
  /** `RET` and `ENVID` of `MAIL FROM`. */
  dsn: { ret: string | null; envid: string | null } | undefined
  raw: Buffer
  queueId: string
  arrivedAt: Date
}

/** A running mail system. */
export interface ReceivingMta {
  readonly host: '127.0.0.1'
  readonly port: number
  /** Every answer to `RCPT TO`, in order. */
  readonly recipientAttempts: readonly RecipientAttempt[]
  /** Messages accepted, oldest first. */
  readonly accepted: readonly AcceptedMessage[]
  /** Login attempts (user and outcome; no passwords). */
  readonly logins: ReadonlyArray<{ user: string; ok: boolean }>
  /** Writes the bounce reports owed so far into the senders' Maildirs; returns how many. */
  returnBounces(): number
  close(): Promise<void>
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode })
const normalize = (address: string) => address.trim().toLowerCase()

/** Starts the mail system on a free loopback port. */
export async function startReceivingMta(options: ReceivingMtaOptions): Promise<ReceivingMta> {
  const hostname = options.hostname ?? 'mx.test'
  const now = options.now ?? (() => new Date())
  const senders = new Map(Object.entries(options.senders).map(([address, password]) => [normalize(address), password]))
  const maildirs = new Map(Object.entries(options.maildirs).map(([address, maildir]) => [normalize(address), maildir]))
  const greylisted = new Set((options.greylisted ?? []).map(normalize))
  const bounceLater = new Map(Object.entries(options.bounceLater ?? {}).map(([address, failure]) => [normalize(address), failure]))
  const greylistPassed = new Set<string>()
  const recipientAttempts: RecipientAttempt[] = []
  const accepted: AcceptedMessage[] = []
  const logins: Array<{ user: string; ok: boolean }> = []
  const owedBounces: Array<{ message: AcceptedMessage; recipient: SMTPServerAddress }> = []

  const userOf = (session: SMTPServerSession): string | undefined => (typeof session.user === 'string' ? session.user : undefined)

  /** Local delivery: trace headers on top, then the Maildir. */
  const deliver = (recipient: string, returnPath: string, raw: Uint8Array, trace: string | null) => {
    const maildir = maildirs.get(recipient)
    if (!maildir) throw new Error(`no Maildir for ${recipient}`)
    const top = [`Return-Path: <${returnPath}>`, `Delivered-To: ${recipient}`, ...(trace ? [trace] : [])].join('\r\n')
    deliverToMaildir(maildir, Buffer.concat([Buffer.from(`${top}\r\n`, 'latin1'), Buffer.from(raw)]))
  }

  const server = new SMTPServer({
    name: hostname,
    banner: 'CAM test mail system',
    logger: false,
    secure: false,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    hideDSN: false,
    size: 10 * 1024 * 1024,
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      const user = normalize(auth.username ?? '')
      const ok = senders.has(user) && senders.get(user) === auth.password
      logins.push({ user, ok })
      if (!ok) return callback(smtpError(535, '5.7.8 Error: authentication failed'))
      callback(null, { user })
    },
    onMailFrom(address, session, callback) {
      if (normalize(address.address) !== userOf(session)) return callback(smtpError(553, `5.7.1 <${address.address}>: Sender address rejected: not owned by user ${userOf(session) ?? ''}`))
      callback()
    },
    onRcptTo(address, session, callback) {
      const recipient = normalize(address.address)
      const mailFrom = session.envelope.mailFrom ? normalize(session.envelope.mailFrom.address) : ''
      const answer = (code: number, reply: string) => {
        recipientAttempts.push({ user: userOf(session), mailFrom, recipient, code, reply })
        if (code === 250) return callback()
        callback(smtpError(code, reply))
      }
      if (!maildirs.has(recipient) && !bounceLater.has(recipient)) return answer(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown in virtual mailbox table`)
      const triplet = `${mailFrom}\u0000${recipient}`
      if (greylisted.has(recipient) && !greylistPassed.has(triplet)) {
        greylistPassed.add(triplet)
        return answer(451, `4.7.1 <${address.address}>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/prospect.test.html`)
      }
      answer(250, '2.1.5 Ok')
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, '5.3.4 Error: message file too big'))
        const mailFrom = session.envelope.mailFrom as SMTPServerAddress
        const queueId = randomBytes(5).toString('hex').toUpperCase()
        const arrivedAt = now()
        const message: AcceptedMessage = {
          user: userOf(session) ?? '',
          mailFrom: normalize(mailFrom.address),
          recipients: session.envelope.rcptTo.map((rcpt) => normalize(rcpt.address)),
          dsn: session.envelope.dsn === undefined ? undefined : { ...session.envelope.dsn },
          raw: Buffer.concat(chunks),
          queueId,
          arrivedAt,
        }
        accepted.push(message)
        for (const rcpt of session.envelope.rcptTo) {
          const recipient = normalize(rcpt.address)
          if (bounceLater.has(recipient)) {
            owedBounces.push({ message, recipient: rcpt })
            continue
          }
          const received = `Received: from ${session.hostNameAppearsAs} ([${session.remoteAddress}])\r\n\tby ${hostname} (CAM test mail system) with ESMTPSA id ${queueId}\r\n\tfor <${recipient}>; ${rfc5322Date(arrivedAt)}`
          deliver(recipient, message.mailFrom, message.raw, received)
        }
        callback(null, `2.0.0 Ok: queued as ${queueId}`)
      })
    },
  })
  server.on('error', () => undefined) // a client dropping its socket is not a test failure
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port

  return {
    host: '127.0.0.1',
    port,
    recipientAttempts,
    accepted,
    logins,
    returnBounces() {
      let written = 0
      for (const { message, recipient } of owedBounces.splice(0)) {
        const notify = recipient.dsn?.notify
        if (notify !== undefined && !notify.includes('FAILURE')) continue
        const failure = bounceLater.get(normalize(recipient.address))!
        const report = buildDeliveryStatusNotification({
          reportingMta: hostname,
          remoteMta: failure.remoteMta,
          to: message.mailFrom,
          finalRecipient: normalize(recipient.address),
          originalRecipient: recipient.dsn?.orcpt,
          envelopeId: message.dsn?.envid ?? undefined,
          ret: message.dsn?.ret,
          status: failure.status,
          diagnostic: failure.diagnostic,
          queueId: message.queueId,
          arrivalDate: message.arrivedAt,
          date: now(),
          original: message.raw,
        })
        deliver(message.mailFrom, '', Buffer.from(report, 'latin1'), null)
        written++
      }
      return written
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
