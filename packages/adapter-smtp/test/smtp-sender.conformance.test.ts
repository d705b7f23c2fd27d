// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { describeSenderConformance } from '@cam/core/testing'
import { afterEach, beforeEach, describe, it } from 'vitest'
import { createSmtpSender } from '../src/index.js'
import { toReceivedEmail } from './support/received-email.js'
import { startSmtpTestServer } from './support/smtp-test-server.js'

describeSenderConformance(
  { describe, it, beforeEach, afterEach },
  {
    name: 'smtp (smtp-server on 127.0.0.1, password login, DSN advertised)',
    idempotent: false,
    failures: ['rate-limited', 'unavailable', 'invalid-recipient'],
    create: async () => {
      const server = await startSmtpTestServer({ passwords: { 'sales@cam-sender.example': 'app password' } })
      const sender = createSmtpSender({
        host: server.host,
        port: server.port,
        requireTls: false,
        auth: { user: 'sales@cam-sender.example', pass: 'app password' },
      })
      return {
        sender,
        received: () => Promise.all(server.messages.map(toReceivedEmail)),
        failNext: (failure) => {
          // 421 to MAIL FROM: the server sheds load (retry after deferredRetryAfterMs);
          // a 421 greeting: the server is not taking mail; 550 5.1.1 at RCPT TO: no such user.
          if (failure === 'rate-limited') server.failNext('mail-from-421')
          else if (failure === 'unavailable') server.failNext('greeting-421')
          else if (failure === 'invalid-recipient') server.failNext('unknown-recipient')
        },
        close: async () => {
          await sender.close()
          await server.close()
        },
      }
    },
  },
)
