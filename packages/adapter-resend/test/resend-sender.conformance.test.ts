// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { describeSenderConformance } from '@cam/core/testing'
import { afterEach, beforeEach, describe, it } from 'vitest'
import { createResendSender } from '../src/index.js'
import { toReceivedEmail } from './received-email.js'
import { resendFailures, startResendApiServer } from './resend-api-server.js'

describeSenderConformance(
  { describe, it, beforeEach, afterEach },
  {
    name: 'resend (fake Resend API on 127.0.0.1)',
    failures: ['rate-limited', 'unavailable', 'invalid-recipient', 'response-lost'],
    create: async () => {
      // Processing takes a moment, so concurrent duplicates really overlap (409 concurrent_idempotent_requests).
      const server = await startResendApiServer({ processingDelayMs: 150, rateLimit: { limit: 20, windowMs: 1000 } })
      // In-place retries off: the suite checks what the sender reports to the worker.
      const sender = createResendSender({ apiKey: server.apiKey, baseUrl: server.url, rateLimit: { requestsPerSecond: 20, retries: 0 } })
      return {
        sender,
        received: () => server.emails.map(toReceivedEmail),
        failNext: (failure) => {
          if (failure === 'rate-limited') server.failNext(resendFailures.rateLimited(2))
          else if (failure === 'unavailable') server.failNext(resendFailures.internalError())
          else if (failure === 'invalid-recipient') server.failNext(resendFailures.invalidRecipient())
          else server.failNext({ type: 'drop-after-accept' })
        },
        close: () => server.close(),
      }
    },
  },
)
