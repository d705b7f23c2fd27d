// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { describeAlertChannelConformance } from '@cam/core/testing'
import { describe, it } from 'vitest'
import { createResendAlerts } from '../src/index.js'
import { resendFailures, startResendApiServer } from './resend-api-server.js'

describeAlertChannelConformance(
  { describe, it },
  {
    name: 'resend email alerts (fake Resend API on 127.0.0.1)',
    deduplicates: true,
    failures: ['rate-limited', 'unavailable', 'rejected'],
    create: async () => {
      const server = await startResendApiServer({ rateLimit: { limit: 20, windowMs: 1000 } })
      const channel = createResendAlerts({
        apiKey: server.apiKey,
        baseUrl: server.url,
        from: 'CAM <alerts@acme.example>',
        to: ['sales@acme.example'],
        appUrl: (alert) => `https://app.acme.example/leads/${encodeURIComponent(alert.leadId ?? '')}`,
        rateLimit: { requestsPerSecond: 20, retries: 0 },
      })
      return {
        channel,
        // An email's subject and text part are shown verbatim; its HTML part is markup.
        received: () =>
          server.emails.map((email) => ({
            parts: [
              { format: 'text' as const, text: email.body.subject },
              { format: 'text' as const, text: email.body.text ?? '' },
              { format: 'html' as const, text: email.body.html ?? '' },
            ],
          })),
        failNext: (failure) => {
          if (failure === 'rate-limited') server.failNext(resendFailures.rateLimited(1))
          else if (failure === 'unavailable') server.failNext(resendFailures.internalError())
          else server.failNext(resendFailures.testingDomainOnly())
        },
        close: () => server.close(),
      }
    },
  },
)
