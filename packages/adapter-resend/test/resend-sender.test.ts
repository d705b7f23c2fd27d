import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { CamError, SendError, ValidationError, type OutgoingEmail } from '@cam/core'
import { afterEach, describe, it } from 'vitest'
import { createResendSender, type ResendSenderOptions } from '../src/index.js'
import { resendFailures, startResendApiServer, type ResendApiServer, type ResendApiServerOptions, type ResendInjectedFailure } from './resend-api-server.js'

const servers: ResendApiServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function setup(serverOptions: ResendApiServerOptions = {}, senderOptions: Partial<ResendSenderOptions> = {}) {
  const server = await startResendApiServer({ rateLimit: { limit: 50, windowMs: 1000 }, ...serverOptions })
  servers.push(server)
  const sender = createResendSender({
    apiKey: server.apiKey,
    baseUrl: server.url,
    rateLimit: { requestsPerSecond: 50, retries: 0 },
    ...senderOptions,
  })
  return { server, sender }
}

let counter = 0
function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  counter++
  return {
    from: { email: 'ana@acme.example', name: 'Ana Silva' },
    to: { email: `lead${counter}@prospect.example`, name: 'Lee' },
    subject: `Hello ${counter}`,
    text: `Body ${counter}`,
    html: `<p>Body ${counter}</p>`,
    messageId: `<cam-${counter}@acme.example>`,
    references: [],
    headers: {},
    tags: { campaignId: 'camp:1', leadId: 'lead 1', emailId: `email-${counter}`, stepIndex: 2 },
    ...overrides,
  }
}

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  try {
    await promise
  } catch (error) {
    assert.ok(SendError.isInstance(error), `expected a SendError, got ${String(error)}`)
    return error
  }
  assert.fail('expected the send to fail')
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('createResendSender: request', () => {
  it('passes the idempotency key as Idempotency-Key and returns the Resend id', async () => {
    const { server, sender } = await setup()
    const result = await sender.send(email(), { idempotencyKey: 'cam-email/42' })
    assert.equal(server.requests.at(-1)?.idempotencyKey, 'cam-email/42')
    assert.equal(result.providerId, server.emails[0]?.id)
    assert.equal(result.messageId, undefined, 'our Message-ID was used, so none is reported')
  })

  it('hashes keys longer than 256 characters into a stable key, still one email for two sends', async () => {
    const { server, sender } = await setup()
    const longKey = `cam-email/${'x'.repeat(300)}`
    const message = email()
    const first = await sender.send(message, { idempotencyKey: longKey })
    const second = await sender.send(message, { idempotencyKey: longKey })
    assert.equal(server.emails.length, 1)
    assert.equal(first.providerId, second.providerId)
    const sentKey = server.requests.at(-1)?.idempotencyKey ?? ''
    assert.ok(sentKey.length <= 256 && sentKey.startsWith('cam-sha256-'), `sent key ${sentKey}`)
  })

  it('sends the threading headers, custom headers and sanitised tags', async () => {
    const { server, sender } = await setup()
    await sender.send(
      email({
        inReplyTo: '<cam-1@acme.example>',
        references: ['<cam-0@acme.example>', '<cam-1@acme.example>'],
        headers: { 'List-Unsubscribe': '<https://app.example/u/t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'message-id': '<ignored@x>' },
      }),
      { idempotencyKey: randomUUID() },
    )
    const body = server.emails[0]?.body
    assert.ok(body)
    assert.equal(body.headers?.['Message-ID'], `<cam-${counter}@acme.example>`)
    assert.equal(body.headers?.['message-id'], undefined, 'a custom header cannot override the threading headers')
    assert.equal(body.headers?.['In-Reply-To'], '<cam-1@acme.example>')
    assert.equal(body.headers?.['References'], '<cam-0@acme.example> <cam-1@acme.example>')
    assert.equal(body.headers?.['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click')
    assert.deepEqual(body.tags, [
      { name: 'cam_campaign', value: 'camp_1' },
      { name: 'cam_lead', value: 'lead_1' },
      { name: 'cam_email', value: `email-${counter}` },
      { name: 'cam_step', value: '2' },
    ])
    assert.equal(body.from, '"Ana Silva" <ana@acme.example>')
  })

  it('leaves Message-ID to Resend when setMessageId is false, and omits tags when tags is false', async () => {
    const { server, sender } = await setup({}, { setMessageId: false, tags: false })
    await sender.send(email(), { idempotencyKey: randomUUID() })
    const body = server.emails[0]?.body
    assert.equal(body?.headers?.['Message-ID'], undefined)
    assert.equal(body?.tags, undefined)
  })

  it('refuses header injection before calling Resend, naming the field', async () => {
    const { server, sender } = await setup()
    const error = await sendError(sender.send(email({ headers: { 'X-Evil': 'a\r\nBcc: victim@example.com' } }), { idempotencyKey: randomUUID() }))
    assert.equal(error.kind, 'permanent')
    assert.equal(error.field, 'headers.X-Evil')
    const badName = await sendError(sender.send(email({ headers: { 'Bad Name:': 'x' } }), { idempotencyKey: randomUUID() }))
    assert.equal(badName.kind, 'permanent')
    const badTo = await sendError(sender.send(email({ to: { email: 'not an address' } }), { idempotencyKey: randomUUID() }))
    assert.equal(badTo.field, 'to')
    assert.equal(server.requests.length, 0, 'nothing was sent to Resend')
  })

  it('turns line breaks in the subject into spaces', async () => {
    const { server, sender } = await setup()
    await sender.send(email({ subject: 'Hi\r\nBcc: x@evil.example' }), { idempotencyKey: randomUUID() })
    assert.equal(server.emails[0]?.body.subject, 'Hi Bcc: x@evil.example')
  })
})

describe('createResendSender: error mapping', () => {
  const injected: Array<{ title: string; failure: ResendInjectedFailure; kind: 'retryable' | 'permanent'; field?: string; code: string; retryAfterMs?: number }> = [
    { title: '429 rate_limit_exceeded with retry-after', failure: resendFailures.rateLimited(3), kind: 'retryable', code: 'rate_limit_exceeded', retryAfterMs: 3000 },
    {
      title: '429 rate_limit_exceeded with only ratelimit-reset',
      failure: { type: 'error', status: 429, name: 'rate_limit_exceeded', message: 'Too many requests.', headers: { 'ratelimit-reset': '2' } },
      kind: 'retryable',
      code: 'rate_limit_exceeded',
      retryAfterMs: 2000,
    },
    { title: '500 internal_server_error', failure: resendFailures.internalError(), kind: 'retryable', code: 'internal_server_error' },
    { title: '502 from a proxy (HTML body)', failure: resendFailures.badGatewayHtml(), kind: 'retryable', code: 'application_error' },
    { title: '422 validation_error on `to`', failure: resendFailures.invalidRecipient(), kind: 'permanent', field: 'to', code: 'validation_error' },
    { title: '403 validation_error: testing domain only', failure: resendFailures.testingDomainOnly(), kind: 'permanent', field: 'to', code: 'validation_error' },
    {
      title: '422 missing_required_field',
      failure: { type: 'error', status: 422, name: 'missing_required_field', message: 'Missing `subject` field.' },
      kind: 'permanent',
      field: 'subject',
      code: 'missing_required_field',
    },
    {
      title: '403 invalid_from_address',
      failure: { type: 'error', status: 403, name: 'invalid_from_address', message: 'The from address is not valid.' },
      kind: 'permanent',
      field: 'from',
      code: 'invalid_from_address',
    },
    {
      title: '400 invalid_idempotency_key',
      failure: { type: 'error', status: 400, name: 'invalid_idempotency_key', message: 'The key must be between 1-256 chars.' },
      kind: 'permanent',
      field: 'idempotencyKey',
      code: 'invalid_idempotency_key',
    },
    {
      title: '401 restricted_api_key',
      failure: { type: 'error', status: 401, name: 'restricted_api_key', message: 'This API key is restricted to only send emails.' },
      kind: 'permanent',
      code: 'restricted_api_key',
    },
    {
      title: '451 security_error',
      failure: { type: 'error', status: 451, name: 'security_error', message: 'We may have found a security issue with the request.' },
      kind: 'permanent',
      code: 'security_error',
    },
    {
      title: 'an unknown 5xx name',
      failure: { type: 'error', status: 503, name: 'service_unavailable', message: 'down' },
      kind: 'retryable',
      code: 'service_unavailable',
    },
    { title: 'a dropped connection before acceptance', failure: { type: 'drop-before-accept' }, kind: 'retryable', code: 'application_error' },
  ]

  for (const { title, failure, kind, field, code, retryAfterMs } of injected) {
    it(`${title} → ${kind}${field ? ` (field ${field})` : ''}`, async () => {
      const { server, sender } = await setup()
      server.failNext(failure)
      const error = await sendError(sender.send(email(), { idempotencyKey: randomUUID() }))
      assert.equal(error.kind, kind, error.message)
      assert.equal(error.providerCode, code)
      assert.equal(error.field, field)
      if (retryAfterMs !== undefined) assert.equal(error.retryAfterMs, retryAfterMs)
      assert.equal(server.emails.length, 0)
      assert.ok(!error.message.includes(server.apiKey), 'the API key never appears in an error')
    })
  }

  it('409 invalid_idempotent_request (same key, different email) → permanent, pointing at a bug', async () => {
    const { server, sender } = await setup()
    await sender.send(email(), { idempotencyKey: 'cam-email/1' })
    const error = await sendError(sender.send(email(), { idempotencyKey: 'cam-email/1' }))
    assert.equal(error.kind, 'permanent')
    assert.equal(error.providerCode, 'invalid_idempotent_request')
    assert.equal(error.field, 'idempotencyKey')
    assert.match(error.message, /bug/)
    assert.equal(server.emails.length, 1)
  })

  it('409 concurrent_idempotent_requests → retryable; with in-place retries the duplicate resolves to the same email', async () => {
    const { server, sender } = await setup({ processingDelayMs: 300 })
    const message = email()
    const outcomes = await Promise.allSettled([sender.send(message, { idempotencyKey: 'k1' }), sender.send(message, { idempotencyKey: 'k1' })])
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected')
    assert.ok(rejected && rejected.status === 'rejected', 'the overlapping duplicate was refused')
    assert.ok(SendError.isInstance(rejected.reason))
    assert.equal(rejected.reason.kind, 'retryable')
    assert.equal(rejected.reason.providerCode, 'concurrent_idempotent_requests')

    const retrying = createResendSender({ apiKey: server.apiKey, baseUrl: server.url, rateLimit: { requestsPerSecond: 50, retries: 3 } })
    const again = email()
    const results = await Promise.all([retrying.send(again, { idempotencyKey: 'k2' }), retrying.send(again, { idempotencyKey: 'k2' })])
    assert.equal(results[0].providerId, results[1].providerId)
    assert.equal(server.emails.filter((stored) => stored.idempotencyKey === 'k2').length, 1)
  })

  it('429 daily_quota_exceeded → retryable after the configured quota wait when Resend gives no reset', async () => {
    const { server, sender } = await setup({ dailyQuota: 1 }, { quotaRetryAfterMs: 90 * 60 * 1000 })
    await sender.send(email(), { idempotencyKey: randomUUID() })
    const error = await sendError(sender.send(email(), { idempotencyKey: randomUUID() }))
    assert.equal(error.kind, 'retryable')
    assert.equal(error.providerCode, 'daily_quota_exceeded')
    assert.equal(error.retryAfterMs, 90 * 60 * 1000)
    assert.equal(server.emails.length, 1)
  })

  it('a wrong API key → permanent invalid_api_key, without the key in the message', async () => {
    const { server } = await setup()
    const sender = createResendSender({ apiKey: 're_wrong_secret_key', baseUrl: server.url })
    const error = await sendError(sender.send(email(), { idempotencyKey: randomUUID() }))
    assert.equal(error.kind, 'permanent')
    assert.equal(error.providerCode, 'invalid_api_key')
    assert.ok(!error.message.includes('re_wrong_secret_key'))
  })

  it('Resend unreachable → retryable', async () => {
    const { server, sender } = await setup()
    await server.close()
    servers.splice(servers.indexOf(server), 1)
    const error = await sendError(sender.send(email(), { idempotencyKey: randomUUID() }))
    assert.equal(error.kind, 'retryable')
  })
})

describe('createResendSender: pacing and 429 storms', () => {
  it('paces requests client-side so a burst stays under the server limit', async () => {
    const { server, sender } = await setup({ rateLimit: { limit: 2, windowMs: 1000 } }, { rateLimit: { requestsPerSecond: 1.5, retries: 0 } })
    await Promise.all(Array.from({ length: 5 }, () => sender.send(email(), { idempotencyKey: randomUUID() })))
    assert.equal(server.emails.length, 5)
    assert.equal(server.requests.filter((request) => request.status === 429).length, 0, 'no request was rate limited')
  })

  it('rides out a 429 storm (plus lost responses) without losing or doubling a send', async () => {
    // The server allows 1 request/second while this process believes it may make 6:
    // most requests are refused with 429; two responses are lost after acceptance.
    const { server, sender } = await setup({ rateLimit: { limit: 1, windowMs: 1000 } }, { rateLimit: { requestsPerSecond: 6, retries: 1 } })
    server.failNext({ type: 'drop-after-accept' })
    const messages = Array.from({ length: 6 }, () => ({ email: email(), key: `cam-email/${randomUUID()}` }))
    let retryableErrors = 0
    // What the worker does: send, and on a retryable SendError wait retryAfterMs and try again with the same key.
    await Promise.all(
      messages.map(async ({ email: message, key }, index) => {
        if (index === 3) server.failNext({ type: 'drop-after-accept' })
        for (let attempt = 0; attempt < 60; attempt++) {
          try {
            await sender.send(message, { idempotencyKey: key })
            return
          } catch (error) {
            assert.ok(SendError.isInstance(error) && error.kind === 'retryable', String(error))
            retryableErrors++
            await sleep(error.retryAfterMs ?? 500)
          }
        }
        assert.fail(`email ${index} was never sent`)
      }),
    )
    assert.ok(server.requests.filter((request) => request.status === 429).length > 0, 'the storm happened')
    assert.ok(retryableErrors > 0)
    assert.equal(server.emails.length, messages.length, 'every email reached Resend exactly once')
    for (const { key, email: message } of messages) {
      const stored = server.emails.filter((entry) => entry.idempotencyKey === key)
      assert.equal(stored.length, 1, `one email for ${key}`)
      assert.equal(stored[0]?.body.subject, message.subject)
    }
  }, 60_000)

  it('an abort while waiting for a slot rejects without sending', async () => {
    const { server, sender } = await setup({}, { rateLimit: { requestsPerSecond: 0.5, retries: 0 } })
    await sender.send(email(), { idempotencyKey: randomUUID() })
    const controller = new AbortController()
    const pending = sender.send(email(), { idempotencyKey: randomUUID(), signal: controller.signal })
    setTimeout(() => controller.abort(new Error('stopping')), 50)
    const error = await sendError(pending)
    assert.equal(error.kind, 'retryable')
    assert.equal(server.requests.length, 1, 'the second request never left')
  })
})

describe('createResendSender: options', () => {
  it('lists every invalid option, without echoing secrets', () => {
    const previous = process.env['RESEND_API_KEY']
    delete process.env['RESEND_API_KEY']
    try {
      assert.throws(
        () => createResendSender({ baseUrl: 'ftp://nope', rateLimit: { requestsPerSecond: 0, retries: -1 }, quotaRetryAfterMs: -5 }),
        (error: unknown) => {
          assert.ok(ValidationError.isInstance(error))
          assert.equal(error.code, 'CONFIG_INVALID')
          assert.deepEqual(
            error.issues.map((issue) => issue.path),
            ['apiKey', 'baseUrl', 'rateLimit.requestsPerSecond', 'rateLimit.retries', 'quotaRetryAfterMs'],
          )
          return true
        },
      )
    } finally {
      if (previous !== undefined) process.env['RESEND_API_KEY'] = previous
    }
  })

  it('reads RESEND_API_KEY when apiKey is not given', async () => {
    const server = await startResendApiServer()
    servers.push(server)
    const previous = process.env['RESEND_API_KEY']
    process.env['RESEND_API_KEY'] = server.apiKey
    try {
      const sender = createResendSender({ baseUrl: server.url })
      await sender.send(email(), { idempotencyKey: randomUUID() })
      assert.equal(server.emails.length, 1)
    } finally {
      if (previous === undefined) delete process.env['RESEND_API_KEY']
      else process.env['RESEND_API_KEY'] = previous
    }
  })

  it('refuses a send without an idempotency key', async () => {
    const { sender } = await setup()
    const error = await sendError(sender.send(email(), { idempotencyKey: '' }))
    assert.equal(error.field, 'idempotencyKey')
    assert.ok(CamError.isInstance(error, 'SEND_PERMANENT'))
  })
})
