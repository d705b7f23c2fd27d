import { SendError, type OutgoingEmail, type SendOptions, type SendResult, type SenderV1 } from '@cam/core'
import { containsControlCharacter, parseOptions, toSingleLine } from '@cam/core/adapter-kit'
import type { CreateEmailOptions } from 'resend'
import { z } from 'zod'
import { formatMailbox, isSendableAddress } from './format-mailbox.js'
import {
  connectionOptionsShape,
  createResendTransport,
  resendIdempotencyKey,
  withApiKeyFromEnvironment,
  type ResendConnectionOptions,
} from './resend-transport.js'

/** Options of {@link createResendSender}. */
export interface ResendSenderOptions extends ResendConnectionOptions {
  /** Name for logs and events (default `resend`). */
  name?: string | undefined
  /**
   * Put CAM's `Message-ID` on the email (default true), so replies' `In-Reply-To`
   * points at an id CAM stored. Turn off only if your Resend setup refuses the header;
   * replies are then matched by the sender's address.
   */
  setMessageId?: boolean | undefined
  /**
   * Attach Resend tags `cam_campaign`, `cam_lead`, `cam_email`, `cam_step` (default
   * true), so the Resend dashboard and webhooks can be tied back to CAM.
   */
  tags?: boolean | undefined
}

/** A CAM {@link SenderV1} on Resend. Idempotent: every attempt of one email carries the same `Idempotency-Key`. */
export interface ResendSender extends SenderV1 {
  readonly idempotent: true
  /** Resend keeps idempotency keys for 24 hours; an interrupted send older than that is left for a human. */
  readonly idempotencyWindowMs: number
}

/** The sender's options as {@link createResendSender} checks them. */
const senderOptionsSchema = z.object({
  ...connectionOptionsShape,
  name: z.string({ error: 'expected a non-empty string' }).refine((name) => name.trim() !== '', { error: 'expected a non-empty string' }).optional(),
  setMessageId: z.boolean({ error: 'expected true or false' }).optional(),
  tags: z.boolean({ error: 'expected true or false' }).optional(),
})

// RFC 5322 field name: printable US-ASCII except colon.
const headerNamePattern = /^[!-9;-~]+$/

/** Resend tag values: ASCII letters, digits, underscores and dashes, up to 256 characters. */
function tagValue(value: string | number): string {
  const cleaned = String(value).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256)
  return cleaned === '' ? '_' : cleaned
}

function buildHeaders(email: OutgoingEmail, setMessageId: boolean): Record<string, string> {
  const headers: Record<string, string> = {}
  const reserved = new Set(['message-id', 'in-reply-to', 'references'])
  for (const [name, value] of Object.entries(email.headers)) {
    if (!headerNamePattern.test(name)) {
      throw SendError.permanent(`headers: "${name.replace(/[^\x20-\x7e]/g, '?').slice(0, 80)}" is not a valid header name`, { field: `headers.${name}` })
    }
    if (typeof value !== 'string' || containsControlCharacter(value)) {
      throw SendError.permanent(`headers.${name}: expected a single-line string without control characters (no CR, LF, tab, NUL, ESC…)`, { field: `headers.${name}` })
    }
    if (reserved.has(name.toLowerCase())) continue // threading headers come from messageId/inReplyTo/references
    headers[name] = value
  }
  const threading: Array<[string, string | undefined, string]> = [
    ['Message-ID', setMessageId ? email.messageId : undefined, 'messageId'],
    ['In-Reply-To', email.inReplyTo, 'inReplyTo'],
    ['References', email.references.length > 0 ? email.references.join(' ') : undefined, 'references'],
  ]
  for (const [name, value, field] of threading) {
    if (value === undefined) continue
    if (containsControlCharacter(value)) throw SendError.permanent(`${field}: expected message ids without control characters`, { field })
    headers[name] = value
  }
  return headers
}

/** Turns an `OutgoingEmail` into the body of Resend's `POST /emails`. Same input, same body: idempotency keys depend on it. */
export function toResendEmail(email: OutgoingEmail, options: { setMessageId: boolean; tags: boolean }): CreateEmailOptions {
  if (!isSendableAddress(email.from.email)) throw SendError.permanent('from: expected an email address like name@example.com', { field: 'from' })
  if (!isSendableAddress(email.to.email)) throw SendError.permanent('to: expected an email address like name@example.com', { field: 'to' })
  if (email.replyTo !== undefined && !isSendableAddress(email.replyTo)) {
    throw SendError.permanent('replyTo: expected an email address like name@example.com', { field: 'replyTo' })
  }
  if (typeof email.text !== 'string' && typeof email.html !== 'string') {
    throw SendError.permanent('text: expected a text or html body', { field: 'text' })
  }
  const payload: CreateEmailOptions = {
    from: formatMailbox(email.from),
    to: [formatMailbox(email.to)],
    // Providers reject (or worse, interpret) line breaks and other control characters in a subject.
    subject: toSingleLine(email.subject),
    text: email.text,
    headers: buildHeaders(email, options.setMessageId),
    ...(email.html === undefined ? {} : { html: email.html }),
    ...(email.replyTo === undefined ? {} : { replyTo: email.replyTo }),
    ...(options.tags
      ? {
          tags: [
            { name: 'cam_campaign', value: tagValue(email.tags.campaignId) },
            { name: 'cam_lead', value: tagValue(email.tags.leadId) },
            { name: 'cam_email', value: tagValue(email.tags.emailId) },
            { name: 'cam_step', value: tagValue(email.tags.stepIndex) },
          ],
        }
      : {}),
  }
  return payload
}

/**
 * Creates a CAM {@link SenderV1} on Resend (official `resend` SDK).
 *
 * - Every attempt of one email carries CAM's idempotency key as Resend's
 *   `Idempotency-Key` (Resend keeps keys 24 hours), so a retry after a crash or a lost
 *   response cannot send twice; the sender declares itself `idempotent`.
 * - Sets CAM's `Message-ID`, `In-Reply-To` and `References` headers plus the email's
 *   own headers (e.g. RFC 8058 `List-Unsubscribe` and `List-Unsubscribe-Post`).
 * - Paces requests client-side (2 per second by default, Resend's team limit) and
 *   maps every Resend error to a retryable or permanent `SendError`.
 *
 * @throws ValidationError listing every invalid option.
 *
 * ```ts
 * const sender = createResendSender({ apiKey: process.env.RESEND_API_KEY })
 * ```
 */
export function createResendSender(options: ResendSenderOptions = {}): ResendSender {
  const settings = parseOptions(senderOptionsSchema, withApiKeyFromEnvironment(options ?? {}), 'Resend sender options')
  const transport = createResendTransport(settings)
  const buildOptions = { setMessageId: settings.setMessageId ?? true, tags: settings.tags ?? true }

  return {
    name: settings.name ?? 'resend',
    idempotent: true,
    idempotencyWindowMs: 24 * 60 * 60 * 1000,
    async send(email: OutgoingEmail, sendOptions: SendOptions): Promise<SendResult> {
      const key = sendOptions?.idempotencyKey
      if (typeof key !== 'string' || key === '') {
        throw SendError.permanent('idempotencyKey: expected a non-empty string', { field: 'idempotencyKey' })
      }
      const payload = toResendEmail(email, buildOptions)
      const { id } = await transport.sendEmail(payload, resendIdempotencyKey(key), sendOptions.signal)
      return { providerId: id }
    },
  }
}
