import type { Alert } from '../domain/alert.js'
import type { AlertChannelV1 } from '../ports/alert-channel-v1.js'
import { sanitizeForLog } from '../util/logger.js'

/** Options of {@link createConsoleAlerts}. */
export interface ConsoleAlertsOptions {
  /** Channel name (default `console`). */
  name?: string | undefined
  /** Where to write (default `process.stdout`). */
  stream?: { write(chunk: string): unknown } | undefined
  /** Longest excerpt printed (default 300 characters). */
  maxExcerptLength?: number | undefined
}

/**
 * An `AlertChannel` that prints alerts to a terminal — for development and the
 * quickstart. Attacker-controlled text (reply, subject, names) is printed with
 * control characters escaped, so a reply cannot forge log lines or send terminal
 * escape sequences.
 */
export function createConsoleAlerts(options: ConsoleAlertsOptions = {}): AlertChannelV1 {
  const stream = options.stream ?? process.stdout
  const excerptLength = options.maxExcerptLength ?? 300
  return {
    name: options.name ?? 'console',
    async deliver(alert: Alert) {
      const lines = [`🔔 ${sanitizeForLog(alert.title)}`]
      if (alert.campaignName) lines.push(`   campaign: ${sanitizeForLog(alert.campaignName)}`)
      if (alert.leadEmail) lines.push(`   lead:     ${sanitizeForLog(alert.leadName ? `${alert.leadName} <${alert.leadEmail}>` : alert.leadEmail)}`)
      if (alert.subject) lines.push(`   subject:  ${sanitizeForLog(alert.subject)}`)
      if (alert.excerpt) lines.push(`   reply:    ${sanitizeForLog(alert.excerpt.replace(/\s+/g, ' '), excerptLength)}`)
      if (alert.reason) lines.push(`   why:      ${sanitizeForLog(alert.reason)}`)
      stream.write(`${lines.join('\n')}\n`)
    },
  }
}
