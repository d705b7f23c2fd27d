import { ValidationError, isEmailAddress, type BounceType, type DeliveryEventInput, type DeliveryEventType } from '@cam/core'
import { containsControlCharacter, normalizeMessageId, toSingleLine } from '@cam/core/adapter-kit'
import { z } from 'zod'

/**
 * Resend's webhook event types that are delivery findings, and the CAM delivery event each
 * becomes. Every other type (`email.sent`, `email.opened`, `email.clicked`, `contact.*`, …)
 * is not a delivery finding and is acknowledged without effect.
 */
export const resendDeliveryEventTypes = {
  'email.delivered': 'delivered',
  'email.delivery_delayed': 'delayed',
  'email.bounced': 'bounced',
  'email.complained': 'complained',
  'email.suppressed': 'suppressed',
  'email.failed': 'failed',
} as const satisfies Record<string, DeliveryEventType>

/** A Resend event type that {@link toResendDeliveryEvent} turns into a CAM delivery event. */
export type ResendDeliveryEventType = keyof typeof resendDeliveryEventTypes

/** True when `type` is one of {@link resendDeliveryEventTypes}. */
export function isResendDeliveryEventType(type: string): type is ResendDeliveryEventType {
  return Object.hasOwn(resendDeliveryEventTypes, type)
}

/** Longest text taken from a payload field (core keeps 1000 characters of a reason). */
const maxTextLength = 2000

/** A timestamp as Resend writes them: ISO 8601 (`2024-11-22T23:41:12.126Z`) or PostgreSQL's (`2024-11-22 23:41:11.894719+00`). */
const timestampPattern = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Parses a Resend timestamp: ISO 8601, or the PostgreSQL form some payloads carry (space
 * instead of `T`, microseconds, `+00` offset). Without an offset the time is UTC. Null when
 * it is not a valid time. Written out so it does not depend on a runtime's `Date` parser.
 */
export function parseResendTimestamp(value: string): Date | null {
  const match = timestampPattern.exec(value.trim())
  if (!match) return null
  const [, day, time, fraction, zone] = match
  const seconds = time!.length === 5 ? `${time}:00` : time
  const milliseconds = (fraction ?? '').padEnd(3, '0').slice(0, 3)
  let offset = 'Z'
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    offset = `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4).padEnd(2, '0')}`
  }
  const date = new Date(`${day}T${seconds}.${milliseconds}${offset}`)
  return Number.isNaN(date.getTime()) ? null : date
}

const text = z
  .string({ error: 'expected a string' })
  .transform((value) => toSingleLine(value).slice(0, maxTextLength).trim())
const timestamp = z.string({ error: 'expected a timestamp string' }).refine((value) => parseResendTimestamp(value) !== null, {
  error: 'expected an ISO 8601 timestamp',
})

/**
 * The part of Resend's `email.*` webhook payloads CAM reads (the SDK's `EmailBouncedEvent`,
 * `EmailFailedEvent`, …): `{ type, created_at, data: { email_id, created_at, to[],
 * message_id?, bounce?, failed?, suppressed? } }`. Other fields (`from`, `subject`, `tags`,
 * `broadcast_id`, …) are allowed and ignored.
 */
const resendEmailEventSchema = z.object(
  {
    type: z.string({ error: 'expected the event type string' }),
    created_at: timestamp.optional(),
    data: z.object(
      {
        email_id: z
          .string({ error: 'expected the email id string' })
          .min(1, { error: 'expected the email id string' })
          .max(256, { error: 'expected an email id of at most 256 characters' })
          .refine((value) => !containsControlCharacter(value), { error: 'expected an email id without control characters' }),
        created_at: timestamp.optional(),
        to: z.array(z.unknown(), { error: 'expected the array of recipients' }).optional(),
        message_id: z.unknown().optional(),
        bounce: z
          .object(
            { type: text, subType: text.optional(), message: text.optional() },
            { error: 'expected { type, subType?, message? }' },
          )
          .optional(),
        failed: z.object({ reason: text.optional() }, { error: 'expected { reason }' }).optional(),
        suppressed: z.object({ type: text.optional(), message: text.optional() }, { error: 'expected { type?, message? }' }).optional(),
      },
      { error: 'expected the event data object' },
    ),
  },
  { error: 'expected a JSON object' },
)

/**
 * The CAM bounce type of a Resend bounce (`bounce.type` and `bounce.subType`, see Resend's
 * "Email bounces" page):
 *
 * - `Permanent` (any subtype: `General`, `NoEmail`, `Suppressed`, `OnAccountSuppressionList`) → `hard`;
 * - `Transient` `ContentRejected` or `AttachmentRejected` (refused for what the email held) → `block`;
 * - `Transient` with any other subtype (`General`, `MailboxFull`, `MessageTooLarge`) → `soft`;
 * - `Undetermined`, or a type Resend may add later → `soft` (nothing is suppressed on a guess).
 */
export function resendBounceType(bounce: { type: string; subType?: string | undefined }): BounceType {
  const type = bounce.type.trim().toLowerCase()
  const subType = (bounce.subType ?? '').trim().toLowerCase()
  if (type === 'permanent') return 'hard'
  if (type === 'transient' && (subType === 'contentrejected' || subType === 'attachmentrejected')) return 'block'
  return 'soft'
}

/** An SMTP reply code with an enhanced status code (`550 5.1.1`, `452-4.2.2`, `550 #5.1.0`). */
const replyWithStatus = /(?<![\d.])[245]\d\d[ -]#?[245]\.\d{1,3}\.\d{1,3}(?![\d.])/
/** An enhanced status code alone (`5.1.1`). */
const statusAlone = /(?<![\d.])[245]\.\d{1,3}\.\d{1,3}(?![\d.])/
/** A reply code at the start or after `smtp;` (`smtp; 550 Requested action not taken`). */
const replyAlone = /(?:^|smtp;\s*)([45]\d\d(?=[\s-]).*)$/i

/**
 * The SMTP diagnostic in a bounce message, from its reply code on (`550 5.1.1 <bob@…>: user
 * unknown`), or undefined when the message holds none (Resend's own explanations, e.g.
 * "The recipient's email address is on the suppression list…").
 */
export function smtpDiagnostic(message: string): string | undefined {
  const line = toSingleLine(message)
  const found = replyWithStatus.exec(line) ?? statusAlone.exec(line)
  if (found) return line.slice(found.index).trim()
  const reply = replyAlone.exec(line)
  return reply?.[1]?.trim() || undefined
}

/** The bare address of a recipient as Resend lists it (`bob@x.io` or `Bob <bob@x.io>`); undefined when it is not one. */
function recipientAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const address = (/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value).trim()
  return isEmailAddress(address) ? address : undefined
}

/** `reason` without the empty parts, one line. */
function joinReason(...parts: Array<string | undefined>): string | undefined {
  const joined = parts.filter((part): part is string => part !== undefined && part !== '').join(': ')
  return joined === '' ? undefined : joined
}

/** What the payload's zod issues name, as `data.email_id`-style paths. */
function payloadIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }))
}

/**
 * Turns a verified Resend webhook payload (parsed JSON) into the event for
 * `client.recordDeliveryEvent`, or returns null when its type is not a delivery finding
 * (`email.sent`, `email.opened`, `contact.created`, …).
 *
 * - `id`: the webhook message id (`svix-id`), which Resend keeps across retries; provider `resend`.
 * - `email.providerId`: `data.email_id` (what `createResendSender` stored); `email.messageId`:
 *   `data.message_id` when it is a Message-ID.
 * - `recipient`: the address of `data.to[0]`, when it is one.
 * - `occurredAt`: the event's `created_at`, else `data.created_at`.
 * - bounced → `bounce.type` from {@link resendBounceType}, `reason` = `Type/SubType: message`,
 *   `diagnosticCode` from {@link smtpDiagnostic}; suppressed → `reason` from `suppressed`;
 *   failed → `reason` = `failed.reason`.
 *
 * @throws ValidationError (code `VALIDATION_FAILED`) naming every bad field of the payload
 *   (`type`, `data.email_id`, `data.bounce`, `created_at`, …).
 */
export function toResendDeliveryEvent(eventId: string, payload: unknown): DeliveryEventInput | null {
  const envelope = z.object({ type: z.string({ error: 'expected the event type string' }) }, { error: 'expected a JSON object' }).safeParse(payload)
  if (!envelope.success) throw new ValidationError('Resend webhook payload', payloadIssues(envelope.error))
  const resendType = envelope.data.type
  if (!isResendDeliveryEventType(resendType)) return null
  const parsed = resendEmailEventSchema.safeParse(payload)
  const issues = parsed.success ? [] : payloadIssues(parsed.error)
  const data = parsed.data?.data
  const occurredAt = parsed.data ? parseResendTimestamp(parsed.data.created_at ?? data?.created_at ?? '') : null
  if (parsed.success && occurredAt === null) issues.push({ path: 'created_at', message: 'expected the time of the event (created_at or data.created_at)' })
  if (parsed.success && resendType === 'email.bounced' && data?.bounce === undefined) {
    issues.push({ path: 'data.bounce', message: 'expected the bounce details ({ type, subType, message }) of an email.bounced event' })
  }
  if (issues.length > 0 || !data || !occurredAt) throw new ValidationError('Resend webhook payload', issues)

  const type = resendDeliveryEventTypes[resendType]
  const messageId = typeof data.message_id === 'string' ? normalizeMessageId(data.message_id) : null
  const event: DeliveryEventInput = {
    id: eventId,
    provider: 'resend',
    type,
    email: { providerId: data.email_id, ...(messageId ? { messageId } : {}) },
    occurredAt,
  }
  const recipient = recipientAddress(data.to?.[0])
  if (recipient !== undefined) event.recipient = recipient
  if (type === 'bounced' && data.bounce) {
    const bounce: NonNullable<DeliveryEventInput['bounce']> = { type: resendBounceType(data.bounce) }
    const kind = [data.bounce.type, data.bounce.subType].filter(Boolean).join('/')
    const reason = joinReason(kind, data.bounce.message)
    if (reason !== undefined) bounce.reason = reason
    const diagnostic = data.bounce.message === undefined ? undefined : smtpDiagnostic(data.bounce.message)
    if (diagnostic !== undefined) bounce.diagnosticCode = diagnostic
    event.bounce = bounce
  }
  const reason =
    type === 'suppressed' ? joinReason(data.suppressed?.type, data.suppressed?.message) : type === 'failed' ? joinReason(data.failed?.reason) : undefined
  if (reason !== undefined) event.reason = reason
  return event
}
