import type { ReceivedEmail } from '@cam/core/testing'
import { mailboxAddress } from './address-list.js'
import type { StoredResendEmail } from './resend-api-server.js'

/** What the conformance suite compares: the email as the fake Resend stored it. */
export function toReceivedEmail(stored: StoredResendEmail): ReceivedEmail {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(stored.body.headers ?? {})) headers[name.toLowerCase()] = value
  return {
    from: mailboxAddress(stored.body.from.trim()) ?? stored.body.from,
    to: stored.recipients,
    subject: stored.body.subject,
    text: stored.body.text,
    html: stored.body.html,
    headers,
  }
}
