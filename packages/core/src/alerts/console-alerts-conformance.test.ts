// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { afterEach, beforeEach, describe, it } from 'vitest'
import { describeAlertChannelConformance } from '../testing/conformance/alert-channel-conformance.js'
import { createConsoleAlerts } from './create-console-alerts.js'

describeAlertChannelConformance(
  { describe, it, beforeEach, afterEach },
  {
    name: 'console',
    create: async () => {
      const messages: string[] = []
      const channel = createConsoleAlerts({ stream: { write: (chunk: string) => messages.push(chunk) }, maxExcerptLength: 10_000 })
      return { channel, received: () => messages.map((text) => ({ parts: [{ format: 'text' as const, text }] })) }
    },
  },
)
