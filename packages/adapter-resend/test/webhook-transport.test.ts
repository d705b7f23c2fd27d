import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { CamError, ValidationError } from '@cam/core'
import { createRecordingLogger } from '@cam/core/testing'
import express from 'express'
import { afterEach, beforeEach, describe, it } from 'vitest'
import { createResendWebhookHandler, toNodeRequestListener } from '../src/index.js'
import { createMessageId, createSigningSecret, deliverWebhook, svixHeaders } from './svix-webhooks.js'
import { closeServer, listen, startWebhookFixture, type WebhookFixture } from './webhook-fixture.js'

const lee = 'lee@prospect.example'
const tenMegabytes = 10 * 1024 * 1024

let fixture: WebhookFixture
const servers: Array<Awaited<ReturnType<typeof listen>>['server']> = []
beforeEach(async () => {
  fixture = await startWebhookFixture()
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map(closeServer))
  await fixture.close()
})

/**
 * POSTs a body that would be 10 MB to `url`, but writes only `sendBytes` of it and then waits
 * for the answer: a server that tried to read it all would never answer (the test times out).
 */
function postHugeBody(url: string, headers: Record<string, string>, options: { declareLength: boolean; sendBytes: number }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false
    const request = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers, ...(options.declareLength ? { 'content-length': String(tenMegabytes) } : {}) },
    })
    request.on('response', (response) => {
      answered = true
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
        request.destroy()
      })
      response.on('error', reject)
    })
    request.on('error', (error) => {
      if (!answered) reject(error)
    })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    request.write('{"type":"email.delivered","data":{"padding":"')
    for (let sent = 0; sent < options.sendBytes; sent += chunk.length) request.write(chunk)
    // The rest of the 10 MB is never written: only an answer ends this.
  })
}

describe('Body size: 413 without reading a 10 MB body', () => {
  it('refused from Content-Length (10 MB declared, 64 KiB sent)', async () => {
    const before = await fixture.snapshot()
    const answer = await postHugeBody(fixture.url, svixHeaders(fixture.secret, createMessageId(), 'x'), { declareLength: true, sendBytes: 64 * 1024 })
    assert.equal(answer.status, 413)
    assert.deepEqual(JSON.parse(answer.body), { error: 'payload too large', maxBytes: 256 * 1024 })
    assert.deepEqual(await fixture.snapshot(), before)
    // The server is still fine.
    assert.equal((await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.delivered')).status, 200)
  })

  it('refused while streaming (chunked, no length: 1 MiB of 10 MB sent)', async () => {
    const answer = await postHugeBody(fixture.url, svixHeaders(fixture.secret, createMessageId(), 'x'), { declareLength: false, sendBytes: 1024 * 1024 })
    assert.equal(answer.status, 413)
    assert.equal((await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.delivered')).status, 200)
  })

  it('a Web Request whose 10 MB body is a stream: read only up to the limit', async () => {
    let pulled = 0
    const chunk = new Uint8Array(64 * 1024).fill(0x20)
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= tenMegabytes) return controller.close()
          pulled += chunk.byteLength
          controller.enqueue(chunk)
        },
      },
      { highWaterMark: 0 },
    )
    const response = await fixture.handler(
      new Request('https://app.example/webhooks/resend', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...svixHeaders(fixture.secret, createMessageId(), 'x') },
        body,
        duplex: 'half',
      } as RequestInit),
    )
    assert.equal(response.status, 413)
    assert.ok(pulled <= 256 * 1024 + 2 * chunk.byteLength, `read ${pulled} bytes of 10 MB`)
  })

  it('maxBodyBytes: a signed 3 KB event is refused under a 2 KiB limit', async () => {
    const handler = createResendWebhookHandler({ webhookSecret: fixture.secret, client: fixture.client, maxBodyBytes: 2048 })
    const { server, url } = await listen(toNodeRequestListener(handler))
    servers.push(server)
    const payload = fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.complained', { subject: 'x'.repeat(3000) })
    const delivery = await deliverWebhook({ url, secret: fixture.secret }, { msgId: createMessageId(), payload: JSON.stringify(payload) })
    assert.equal(delivery.status, 413)
    assert.equal((await fixture.snapshot()).suppressions.length, 0)
  })
})

describe('Runtimes: a Web-standard Request, Node http, Express', () => {
  it('the handler takes a Web Request directly (Next.js / Hono / Bun style)', async () => {
    const payload = JSON.stringify(fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.complained'))
    const response = await fixture.handler(
      new Request('https://app.example/api/webhooks/resend', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...svixHeaders(fixture.secret, createMessageId(), payload) },
        body: payload,
      }),
    )
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { status: 'applied' })
    assert.deepEqual((await fixture.snapshot()).suppressions, [{ email: lee, reason: 'complaint' }])
  })

  it('Express with express.raw({ type: "application/json" }): the raw Buffer is verified and recorded', async () => {
    const app = express()
    app.post('/webhooks/resend', express.raw({ type: 'application/json' }), toNodeRequestListener(fixture.handler))
    const { server, url } = await listen(app)
    servers.push(server)
    fixture.resend.setWebhook({ url: `${url}/webhooks/resend`, secret: fixture.secret })
    const delivery = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.bounced', { bounce: { type: 'Permanent', subType: 'NoEmail', message: 'No such user' } })
    assert.deepEqual([delivery.status, delivery.json], [200, { status: 'applied' }])
    const state = await fixture.snapshot()
    assert.equal(state.leads.find((lead) => lead.email === lee)?.state, 'bounced')
    assert.equal(state.counts['hardBounced'], 1)
    // One signed with another secret, through the same route, is still refused.
    const refused = await fixture.resend.sendWebhook(fixture.resend.emailEvent(fixture.emailTo('kim@prospect.example').id, 'email.complained'), { secret: createSigningSecret() })
    assert.equal(refused.status, 401)
  })

  it('Express with express.json(): 500 explaining that the raw body is required; nothing recorded', async () => {
    const logger = createRecordingLogger()
    const app = express()
    app.post('/webhooks/resend', express.json(), toNodeRequestListener(fixture.handler, { logger }))
    const { server, url } = await listen(app)
    servers.push(server)
    fixture.resend.setWebhook({ url: `${url}/webhooks/resend`, secret: fixture.secret })
    const before = await fixture.snapshot()
    const delivery = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.complained')
    assert.equal(delivery.status, 500)
    assert.match((delivery.json as { error: string }).error, /express\.raw\(\{ type: 'application\/json' \}\)/)
    assert.deepEqual(await fixture.snapshot(), before)
    assert.ok(logger.entries.some((line) => line.level === 'error'), 'the misconfiguration is logged')
  })

  it('Express without a body parser: the body is streamed', async () => {
    const app = express()
    app.post('/webhooks/resend', toNodeRequestListener(fixture.handler))
    const { server, url } = await listen(app)
    servers.push(server)
    fixture.resend.setWebhook({ url: `${url}/webhooks/resend`, secret: fixture.secret })
    const delivery = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.delivered')
    assert.deepEqual([delivery.status, delivery.json], [200, { status: 'applied' }])
  })

  it('a handler that throws: 500 and an error log, the server goes on', async () => {
    const logger = createRecordingLogger()
    let calls = 0
    const listener = toNodeRequestListener(
      async () => {
        calls++
        if (calls === 1) throw new Error('boom')
        return new Response('ok')
      },
      { logger },
    )
    const { server, url } = await listen(listener)
    servers.push(server)
    const first = await fetch(url, { method: 'POST', body: '{}' })
    assert.equal(first.status, 500)
    assert.deepEqual(await first.json(), { error: 'internal error' })
    assert.ok(logger.entries.some((line) => line.level === 'error' && String(line.fields?.['error']).includes('boom')))
    const second = await fetch(url, { method: 'POST', body: '{}' })
    assert.equal(second.status, 200)
    assert.equal(await second.text(), 'ok')
  })
})

describe('Options', () => {
  it('every bad option is named; the secret is never echoed', () => {
    const secret = 'sk_live_this_is_not_a_signing_secret'
    let caught: unknown
    try {
      createResendWebhookHandler({ webhookSecret: secret, client: {} as never, toleranceSeconds: 900, maxBodyBytes: 10, logger: { info() {} } as never })
    } catch (error) {
      caught = error
    }
    assert.ok(ValidationError.isInstance(caught))
    assert.ok(CamError.isInstance(caught, 'CONFIG_INVALID'))
    assert.deepEqual(caught.issues.map((issue) => issue.path).sort(), ['client', 'logger', 'maxBodyBytes', 'toleranceSeconds', 'webhookSecret'])
    assert.ok(!caught.message.includes(secret))
    assert.match(caught.message, /whsec_/)
  })

  it('secrets: whsec_ and base64 of at least 24 bytes (as Resend issues them; shorter ones were cut off)', () => {
    const client = fixture.client
    assert.throws(() => createResendWebhookHandler({ webhookSecret: 'whsec_', client }), /webhookSecret/)
    assert.throws(() => createResendWebhookHandler({ webhookSecret: 'whsec_c2hvcnQ=', client }), /webhookSecret/)
    assert.throws(() => createResendWebhookHandler({ webhookSecret: `whsec_${Buffer.alloc(16, 7).toString('base64')}`, client }), /webhookSecret/)
    assert.equal(typeof createResendWebhookHandler({ webhookSecret: `whsec_${Buffer.alloc(24, 7).toString('base64')}`, client }), 'function')
    assert.throws(() => createResendWebhookHandler({ webhookSecret: `whsec_${'!'.repeat(32)}`, client }), /webhookSecret/)
    assert.throws(() => createResendWebhookHandler({ webhookSecret: createSigningSecret().slice(6), client }), /webhookSecret/)
    assert.equal(typeof createResendWebhookHandler({ webhookSecret: createSigningSecret(), client }), 'function')
  })

  it('toleranceSeconds narrows the window: a 2-minute-old signature is refused under 60 s, accepted by default', async () => {
    const handler = createResendWebhookHandler({ webhookSecret: fixture.secret, client: fixture.client, toleranceSeconds: 60 })
    const { server, url } = await listen(toNodeRequestListener(handler))
    servers.push(server)
    const payload = JSON.stringify(fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.delivered'))
    const twoMinutesAgo = new Date(Date.now() - 120_000)
    const strict = await deliverWebhook({ url, secret: fixture.secret }, { msgId: createMessageId(), payload }, { timestamp: twoMinutesAgo })
    assert.equal(strict.status, 401)
    const lenient = await deliverWebhook({ url: fixture.url, secret: fixture.secret }, { msgId: createMessageId(), payload }, { timestamp: twoMinutesAgo })
    assert.equal(lenient.status, 200)
  })
})
