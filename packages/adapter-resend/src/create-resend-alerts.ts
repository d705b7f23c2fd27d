import { AlertDeliveryError, ValidationError, type Alert, type AlertChannelV1, type AlertDeliveryOptions } from '@cam/core'
import { parseOptions, toAlertDeliveryError } from '@cam/core/adapter-kit'
import { z } from 'zod'
import { formatMailbox, isSendableAddress } from './format-mailbox.js'
import { renderAlertEmail, safeLink } from './render-alert-email.js'
import {
  connectionOptionsShape,
  createResendTransport,
  resendIdempotencyKey,
  withApiKeyFromEnvironment,
  type ResendConnectionOptions,
} from './resend-transport.js'

/** Options of {@link createResendAlerts}. */
export interface ResendAlertsOptions extends ResendConnectionOptions {
  /** Sender of the alert emails, `alerts@yourdomain.com` or `CAM <alerts@yourdomain.com>` (a domain verified in Resend). */
  from: string
  /** Recipient(s): the humans to tell. */
  to: string | readonly string[]
  /** Channel name, unique among the worker's channels (default `resend-email`). */
  name?: string | undefined
  /** Prefix of every alert subject (default `[CAM]`; empty string for none). */
  subjectPrefix?: string | undefined
  /**
   * Link back to the host app: a fixed URL, or a function of the alert (e.g. the
   * lead's page). Only http(s) URLs are linked.
   */
  appUrl?: string | ((alert: Alert) => string | undefined) | undefined
  /** Longest reply excerpt shown, in characters (default 10 000). */
  maxExcerptLength?: number | undefined
}

/** Splits `Name <address>` into its parts (for validation); `undefined` when malformed. */
function parseMailbox(value: string): { email: string; name?: string } | undefined {
  const trimmed = value.trim()
  const named = /^(.*?)\s*<([^<>]+)>$/.exec(trimmed)
  if (named) {
    const name = (named[1] ?? '').replace(/^"|"$/g, '').trim()
    return { email: (named[2] ?? '').trim(), ...(name === '' ? {} : { name }) }
  }
  return trimmed.includes('<') || trimmed.includes('>') ? undefined : { email: trimmed }
}

const mailboxMessage = 'expected a sender address like alerts@yourdomain.com or "CAM <alerts@yourdomain.com>"'
const recipientMessage = 'expected an email address like you@yourdomain.com'

/** The alert channel's options as {@link createResendAlerts} checks them. */
const alertsOptionsSchema = z.object({
  ...connectionOptionsShape,
  from: z
    .string({ error: mailboxMessage })
    .transform((value, context) => {
      const mailbox = parseMailbox(value)
      if (mailbox && isSendableAddress(mailbox.email)) return mailbox
      context.addIssue({ code: 'custom', message: mailboxMessage })
      return z.NEVER
    }),
  to: z
    .union([z.string().transform((recipient) => [recipient]), z.array(z.unknown())], { error: 'expected at least one recipient address' })
    .pipe(
      z
        .array(z.string({ error: recipientMessage }).refine((recipient) => isSendableAddress(recipient.trim()), { error: recipientMessage }))
        .min(1, { error: 'expected at least one recipient address' }),
    ),
  name: z.string({ error: 'expected a non-empty string' }).refine((name) => name.trim() !== '', { error: 'expected a non-empty string' }).optional(),
  appUrl: z
    .custom<string | ((alert: Alert) => string | undefined)>((value) => typeof value === 'function' || (typeof value === 'string' && safeLink(value) !== undefined), {
      abort: false,
      error: 'expected an http(s) URL or a function (alert) => URL',
    })
    .optional(),
  subjectPrefix: z.string({ error: 'expected a string' }).optional(),
  maxExcerptLength: z.number({ error: 'expected an integer ≥ 100' }).int({ error: 'expected an integer ≥ 100' }).min(100, { error: 'expected an integer ≥ 100' }).optional(),
})

/**
 * Creates a CAM {@link AlertChannelV1} that emails alerts through Resend: a plain-text
 * and an HTML part, every piece of reply text, subject and name HTML-escaped. Each
 * delivery carries the alert's idempotency key as Resend's `Idempotency-Key`, so a
 * retried delivery never sends a second email.
 *
 * Throws `AlertDeliveryError` (with `retryAfterMs` on rate limits and quotas,
 * `permanent` when Resend refuses the request for good) to ask for a retry.
 *
 * @throws ValidationError listing every invalid option.
 *
 * ```ts
 * const alerts = createResendAlerts({
 *   apiKey: process.env.RESEND_API_KEY,
 *   from: 'CAM <alerts@yourdomain.com>',
 *   to: process.env.CAM_ALERT_EMAILS!.split(','),
 * })
 * ```
 */
export function createResendAlerts(options: ResendAlertsOptions): AlertChannelV1 {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('Resend alert options', [{ path: '', message: 'expected an options object ({ apiKey, from, to })' }], { code: 'CONFIG_INVALID' })
  }
  const settings = parseOptions(alertsOptionsSchema, withApiKeyFromEnvironment(options), 'Resend alert options')
  const transport = createResendTransport(settings)
  const fromHeader = formatMailbox(settings.from)
  const to = settings.to.map((recipient) => recipient.trim())
  const subjectPrefix = settings.subjectPrefix ?? '[CAM]'
  const maxExcerptLength = settings.maxExcerptLength ?? 10_000
  const appUrl = settings.appUrl

  return {
    name: settings.name ?? 'resend-email',
    async deliver(alert: Alert, deliveryOptions: AlertDeliveryOptions): Promise<void> {
      const key = deliveryOptions?.idempotencyKey
      if (typeof key !== 'string' || key === '') throw new AlertDeliveryError('idempotencyKey: expected a non-empty string', { permanent: true })
      let link: string | undefined
      try {
        link = safeLink(typeof appUrl === 'function' ? appUrl(alert) : appUrl)
      } catch (error) {
        throw new AlertDeliveryError('appUrl(alert) threw', { cause: error })
      }
      const email = renderAlertEmail(alert, { subjectPrefix, link, maxExcerptLength })
      try {
        await transport.sendEmail(
          { from: fromHeader, to, subject: email.subject, text: email.text, html: email.html, tags: [{ name: 'cam_alert', value: alert.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_' }] },
          resendIdempotencyKey(key),
          deliveryOptions.signal,
        )
      } catch (error) {
        throw toAlertDeliveryError(error, 'Resend alert email not sent')
      }
    },
  }
}
