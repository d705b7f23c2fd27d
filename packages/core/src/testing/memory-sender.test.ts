// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { afterEach, beforeEach, describe, it } from 'vitest'
import { SendError } from '../errors/send-error.js'
import { describeSenderConformance, type ReceivedEmail } from './conformance/sender-conformance.js'
import { createMemorySender, type RecordedEmail } from './memory-sender.js'

function toReceivedEmail({ email }: RecordedEmail): ReceivedEmail {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(email.headers)) headers[name.toLowerCase()] = value
  headers['message-id'] = email.messageId
  if (email.inReplyTo !== undefined) headers['in-reply-to'] = email.inReplyTo
  if (email.references.length > 0) headers['references'] = email.references.join(' ')
  return { from: email.from.email, to: [email.to.email], subject: email.subject, text: email.text, html: email.html, headers }
}

describeSenderConformance(
  { describe, it, beforeEach, afterEach },
  {
    name: 'memory',
    failures: ['rate-limited', 'unavailable', 'invalid-recipient'],
    create: async () => {
      const sender = createMemorySender()
      return {
        sender,
        received: () => sender.sent.map(toReceivedEmail),
        failNext: (failure) => {
          if (failure === 'rate-limited') sender.failNext(1, SendError.retryable('rate limited (simulated)', { retryAfterMs: 1_000, providerCode: 'rate_limited' }))
          else if (failure === 'unavailable') sender.failNext(1, SendError.retryable('provider down (simulated)'))
          else if (failure === 'invalid-recipient') sender.failNext(1, SendError.permanent('to: recipient rejected (simulated)', { field: 'to' }))
          else throw new Error(`memory sender cannot simulate ${failure}`)
        },
      }
    },
  },
)

describeSenderConformance(
  { describe, it },
  {
    name: 'memory (not idempotent)',
    idempotent: false,
    create: async () => {
      const sender = createMemorySender({ idempotent: false, replaceMessageId: true })
      return { sender, received: () => sender.sent.map((record) => {
        const received = toReceivedEmail(record)
        delete received.headers['message-id']
        return received
      }) }
    },
  },
)
