// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { describeAlertChannelConformance } from '@cam/core/testing'
import { describe, it } from 'vitest'
import { createSlackAlerts } from '../src/index.js'
import { toReceivedAlert } from './received-message.js'
import { startSlackApiServer, type SlackApiServer } from './slack-api-server.js'

function failNext(server: SlackApiServer) {
  return (failure: 'rate-limited' | 'unavailable' | 'rejected') => {
    if (failure === 'rate-limited') server.failNext({ type: 'rate-limited', retryAfterSeconds: 30 })
    else if (failure === 'unavailable') server.failNext({ type: 'server-error' })
    else server.failNext({ type: 'channel-not-found' })
  }
}

describeAlertChannelConformance(
  { describe, it },
  {
    name: 'slack incoming webhook (fake Slack on 127.0.0.1)',
    failures: ['rate-limited', 'unavailable', 'rejected'],
    create: async () => {
      const server = await startSlackApiServer()
      return {
        channel: createSlackAlerts({ webhookUrl: server.webhookUrl, appUrl: 'https://app.acme.example/cam' }),
        received: () => server.messages.map(toReceivedAlert),
        failNext: failNext(server),
        close: () => server.close(),
      }
    },
  },
)

describeAlertChannelConformance(
  { describe, it },
  {
    name: 'slack Web API chat.postMessage (fake Slack on 127.0.0.1)',
    failures: ['rate-limited', 'unavailable', 'rejected'],
    create: async () => {
      const server = await startSlackApiServer()
      return {
        channel: createSlackAlerts({
          token: server.token,
          channel: 'C0SALES01',
          slackApiUrl: server.apiUrl,
          appUrl: (alert) => `https://app.acme.example/leads/${alert.leadId ?? ''}`,
        }),
        received: () => server.messages.map(toReceivedAlert),
        failNext: failNext(server),
        close: () => server.close(),
      }
    },
  },
)
