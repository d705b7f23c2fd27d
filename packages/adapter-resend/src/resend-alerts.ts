import {
  AlertDeliveryError,
  SendError,
  ValidationError,
  type Alert,
  type AlertChannelV1,
  type AlertDeliveryOptions,
  type ValidationIssue,
} from '@cam/core'
import { formatMailbox, isSendableAddress } from './format-mailbox.js'
import { renderAlertEmail, safeLink } from './render-alert-email.js'
import {
  createResendTransport,
  resendIdempotencyKey,
  validateConnectionOptions,
  type ResendConnectionOptions,
} from './resend-transport.js'

/** Options of {@link createResendAlerts}. */
export interface ResendAlertsOptions extends ResendConnectionOptions {
  /** Sender of the alert emails, `alerts@yourdomain.com` or `CAM <alerts@yourdomain.com>` (a domain verified in Resend). */
  from: string
  /** Recipient(s): the humans to tell. */
  to: string | readonly string[]
  /** Channel name, unique among the worker's channels (default `resend-email`). */
  name?: string
  /** Prefix of every alert subject (default `[CAM]`; empty string for none). */
  subjectPrefix?: string
  /**
   * Link back to the host app: a fixed URL, or a function of the alert (e.g. the
   * lead's page). Only http(s) URLs are linked.
   */
  appUrl?: string | ((alert: Alert) => string | undefined)
  /** Longest reply excerpt shown, in characters (default 10 000). */
  maxExcerptLength?: number
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
  const issues: ValidationIssue[] = []
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('Resend alert options', [{ path: '', message: 'expected an options object ({ apiKey, from, to })' }], { code: 'CONFIG_INVALID' })
  }
  validateConnectionOptions(options, issues)
  const from = typeof options.from === 'string' ? parseMailbox(options.from) : undefined
  if (!from || !isSendableAddress(from.email)) {
    issues.push({ path: 'from', message: 'expected a sender address like alerts@yourdomain.com or "CAM <alerts@yourdomain.com>"' })
  }
  const recipients = typeof options.to === 'string' ? [options.to] : Array.isArray(options.to) ? [...options.to] : []
  if (recipients.length === 0) issues.push({ path: 'to', message: 'expected at least one recipient address' })
  recipients.forEach((recipient, index) => {
    if (typeof recipient !== 'string' || !isSendableAddress(recipient.trim())) {
      issues.push({ path: `to.${index}`, message: 'expected an email address like you@yourdomain.com' })
    }
  })
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.trim() === '')) {
    issues.push({ path: 'name', message: 'expected a non-empty string' })
  }
  if (options.appUrl !== undefined && typeof options.appUrl !== 'function' && safeLink(options.appUrl) === undefined) {
    issues.push({ path: 'appUrl', message: 'expected an http(s) URL or a function (alert) => URL' })
  }
  if (options.subjectPrefix !== undefined && typeof options.subjectPrefix !== 'string') {
    issues.push({ path: 'subjectPrefix', message: 'expected a string' })
  }
  if (options.maxExcerptLength !== undefined && !(Number.isInteger(options.maxExcerptLength) && options.maxExcerptLength >= 100)) {
    issues.push({ path: 'maxExcerptLength', message: 'expected an integer ≥ 100' })
  }
  if (issues.length > 0) throw new ValidationError('Resend alert options', issues, { code: 'CONFIG_INVALID' })

  const transport = createResendTransport(options)
  const fromHeader = formatMailbox(from as { email: string; name?: string })
  const to = recipients.map((recipient) => recipient.trim())
  const subjectPrefix = options.subjectPrefix ?? '[CAM]'
  const maxExcerptLength = options.maxExcerptLength ?? 10_000

  return {
    name: options.name ?? 'resend-email',
    async deliver(alert: Alert, deliveryOptions: AlertDeliveryOptions): Promise<void> {
      const key = deliveryOptions?.idempotencyKey
      if (typeof key !== 'string' || key === '') throw new AlertDeliveryError('idempotencyKey: expected a non-empty string', { permanent: true })
      let link: string | undefined
      try {
        link = safeLink(typeof options.appUrl === 'function' ? options.appUrl(alert) : options.appUrl)
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
        if (!SendError.isInstance(error)) throw new AlertDeliveryError('Resend alert email not sent', { cause: error })
        throw new AlertDeliveryError(`Resend alert email not sent: ${error.message}`, {
          cause: error,
          permanent: error.kind === 'permanent',
          ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        })
      }
    },
  }
}
