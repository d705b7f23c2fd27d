// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { describe, it } from 'vitest'
import { describeAlertChannelConformance, type ReceivedAlertPart } from './conformance/alert-channel-conformance.js'
import { createMemoryAlertChannel } from './memory-alert-channel.js'

describeAlertChannelConformance(
  { describe, it },
  {
    name: 'memory',
    deduplicates: true,
    failures: ['rate-limited', 'unavailable', 'rejected'],
    create: async () => {
      const channel = createMemoryAlertChannel()
      return {
        channel,
        // The memory channel renders nothing: it keeps the alert's fields as data, shown verbatim.
        received: () =>
          channel.delivered.map(({ alert }) => ({
            parts: [alert.title, alert.campaignName, alert.leadName, alert.leadEmail, alert.subject, alert.excerpt, alert.reason]
              .filter((text): text is string => text !== null)
              .map((text): ReceivedAlertPart => ({ format: 'text', text })),
          })),
        failNext: (failure) => {
          if (failure === 'rate-limited') channel.failNext(1, { retryAfterMs: 30_000 })
          else if (failure === 'unavailable') channel.failNext(1)
          else channel.failNext(1, { permanent: true })
        },
      }
    },
  },
)
