/** Helpers shared by the Dovecot tests and the benchmark: building, delivering and inspecting mail. */
import { randomBytes } from 'node:crypto'
import { ImapFlow } from 'imapflow'
import { createImapInbox, type ImapInbox, type ImapInboxOptions } from '../../src/index.js'
import type { DovecotServer } from './dovecot-server.js'

/** Fields of {@link buildMessage}. */
export interface TestMessage {
  messageId?: string
  subject?: string
  from?: string
  to?: string
  inReplyTo?: string
  /** Body text; UTF-8 is kept as 8-bit bytes. */
  body?: string
  /** Pads the body with base64-looking lines up to about this many bytes. */
  padToBytes?: number
}

let counter = 0

/** A unique Message-ID, e.g. `<t1.abcd@test.cam>`. */
export function uniqueMessageId(): string {
  counter++
  return `<t${counter}.${randomBytes(6).toString('hex')}@test.cam>`
}

/** Builds an RFC 5322 message with CRLF line endings (the form IMAP servers return). */
export function buildMessage(message: TestMessage = {}): string {
  const headers = [
    `From: ${message.from ?? 'Lead Person <lead@example.org>'}`,
    `To: ${message.to ?? 'sales@example.com'}`,
    `Subject: ${message.subject ?? 'Re: hello'}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${message.messageId ?? uniqueMessageId()}`,
    ...(message.inReplyTo ? [`In-Reply-To: ${message.inReplyTo}`, `References: ${message.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ]
  let body = message.body ?? 'Thanks, sounds interesting — let us talk next week.\r\n'
  if (message.padToBytes !== undefined) {
    const line = `${randomBytes(57).toString('base64')}\r\n`
    const missing = Math.max(0, message.padToBytes - body.length - headers.join('\r\n').length)
    body += line.repeat(Math.ceil(missing / line.length))
  }
  return `${headers.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}`
}

/** Reads the Message-ID header of a raw message (enough for tests; the worker uses the MIME parser). */
export function messageIdOf(raw: Uint8Array): string | null {
  // Decode only the header block: a regex match is a slice of its input string and would
  // keep a whole decoded message alive for as long as the Message-ID is kept.
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
  const end = bytes.indexOf('\r\n\r\n')
  const header = bytes.subarray(0, end === -1 ? bytes.length : end).toString('latin1').replace(/\r\n[ \t]+/g, ' ')
  const match = /^message-id:\s*(<[^>\r\n]+>)/im.exec(header)
  return match?.[1] ?? null
}

/** An imapflow client logged in to `server` (for delivering and inspecting mail). */
export async function connectTestClient(server: DovecotServer): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
    logger: false,
    disableAutoIdle: true,
  })
  client.on('error', () => {})
  await client.connect()
  return client
}

/** Delivers messages with IMAP APPEND (one connection for all), in order. */
export async function appendMessages(server: DovecotServer, raws: Iterable<string>, mailbox = 'INBOX'): Promise<void> {
  const client = await connectTestClient(server)
  try {
    for (const raw of raws) await client.append(mailbox, raw)
  } finally {
    await client.logout().catch(() => client.close())
  }
}

/** Stored flags of every message in `mailbox`, in UID order, read without changing anything (EXAMINE). */
export async function readFlags(server: DovecotServer, mailbox = 'INBOX'): Promise<string[][]> {
  const client = await connectTestClient(server)
  try {
    const opened = await client.mailboxOpen(mailbox, { readOnly: true })
    if (opened.exists === 0) return []
    const flags: string[][] = []
    // \Recent is a per-session marker the server sets by itself, not a stored flag change.
    for await (const message of client.fetch('1:*', { uid: true, flags: true })) {
      flags.push([...(message.flags ?? [])].filter((flag) => flag !== '\\Recent'))
    }
    return flags
  } finally {
    await client.logout().catch(() => client.close())
  }
}

/** An IMAP inbox on `server` with test-friendly timeouts (overridable). */
export function createTestInbox(server: DovecotServer, overrides: Partial<ImapInboxOptions> = {}): ImapInbox {
  return createImapInbox({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
    connectionTimeoutMs: 5_000,
    greetingTimeoutMs: 5_000,
    commandTimeoutMs: 3_000,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500, maxAttemptsPerFetch: 20, authFailurePauseMs: 0 },
    ...overrides,
  })
}

/** Collects everything a fetch yields. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}

/** Polls `predicate` every 20 ms until it is true; throws after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
