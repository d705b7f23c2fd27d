import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { SendError, type Alert, type OutgoingEmail } from '@cam/core'
import { afterEach, describe, it } from 'vitest'
import { createResendAlerts, createResendSender } from '../src/index.js'
import { startResendApiServer, type ResendApiServer } from './resend-api-server.js'

// No control character may reach a header value, whoever calls the sender: core sends clean
// text, but hosts call senders directly. Checked on what the loopback Resend API receives.

// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const anyControl = /[\u0000-\u001f\u007f-\u009f]/

const servers: ResendApiServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function setup() {
  const server = await startResendApiServer({ rateLimit: false })
  servers.push(server)
  const sender = createResendSender({ apiKey: server.apiKey, baseUrl: server.url, rateLimit: false })
  return { server, sender }
}

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    from: { email: 'ana@acme.example', name: 'Ana' },
    to: { email: 'lee@prospect.example', name: 'Lee' },
    subject: 'Hello',
    text: 'Body',
    messageId: `<cam-${randomUUID()}@acme.example>`,
    references: [],
    headers: {},
    tags: { campaignId: 'c', leadId: 'l', emailId: 'e', stepIndex: 0 },
    ...overrides,
  }
}

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => assert.fail('expected the send to fail'),
    (e: unknown) => e,
  )
  assert.ok(SendError.isInstance(error), `expected a SendError, got ${String(error)}`)
  return error
}

describe('createResendSender: control characters', () => {
  it('the subject and display names reach Resend on one line without control characters', async () => {
    const { server, sender } = await setup()
    await sender.send(
      email({
        subject: 'Hi\r\n\u0000Bcc: x@evil.example\u001b[31m\u0085now\u2028then\ttab\bback\u007f',
        from: { email: 'ana@acme.example', name: 'Ana\u0000\r\nBcc: evil@attacker.example\u001b' },
        to: { email: 'lee@prospect.example', name: 'Lee\u0007 \u009bSmith\ud800' },
      }),
      { idempotencyKey: randomUUID() },
    )
    const body = server.emails[0]?.body
    assert.ok(body)
    assert.equal(body.subject, 'Hi Bcc: x@evil.example[31m now then tabback')
    assert.equal(body.from, '"Ana Bcc: evil@attacker.example" <ana@acme.example>')
    assert.deepEqual(body.to, ['"Lee Smith\ufffd" <lee@prospect.example>'])
    assert.deepEqual(server.emails[0]?.recipients, ['lee@prospect.example'])
    for (const value of [body.subject, body.from, ...[body.to].flat(), ...Object.values(body.headers ?? {})]) {
      assert.doesNotMatch(value, anyControl)
    }
  })

  it('refuses, before calling Resend, header values, Message-IDs and addresses holding any control character, naming the field', async () => {
    const { server, sender } = await setup()
    for (const [value, character] of [
      ['<https://app.example/u>\u001b[2J', 'ESC'],
      ['<https://app.example/u>\u0000', 'NUL'],
      ['a\tb', 'tab'],
      ['a\u0085b', 'NEL'],
    ] as const) {
      const error = await sendError(sender.send(email({ headers: { 'List-Unsubscribe': value } }), { idempotencyKey: randomUUID() }))
      assert.equal(error.kind, 'permanent', character)
      assert.equal(error.field, 'headers.List-Unsubscribe', character)
    }
    assert.equal((await sendError(sender.send(email({ inReplyTo: '<a\u001bb@acme.example>' }), { idempotencyKey: randomUUID() }))).field, 'inReplyTo')
    assert.equal((await sendError(sender.send(email({ references: ['<a\u0000b@acme.example>'] }), { idempotencyKey: randomUUID() }))).field, 'references')
    assert.equal((await sendError(sender.send(email({ to: { email: 'lee\u0000@prospect.example' } }), { idempotencyKey: randomUUID() }))).field, 'to')
    assert.equal((await sendError(sender.send(email({ from: { email: 'ana\u007f@acme.example' } }), { idempotencyKey: randomUUID() }))).field, 'from')
    assert.equal((await sendError(sender.send(email({ replyTo: 'reply\b@acme.example' }), { idempotencyKey: randomUUID() }))).field, 'replyTo')
    assert.equal(server.requests.length, 0, 'nothing was sent to Resend')
  })
})

describe('createResendAlerts: control characters', () => {
  it('every field of the alert email is one line: a subject with line breaks cannot print fake fields', async () => {
    const server = await startResendApiServer({ rateLimit: false })
    servers.push(server)
    const channel = createResendAlerts({ apiKey: server.apiKey, baseUrl: server.url, from: 'CAM <alerts@acme.example>', to: 'sales@acme.example', rateLimit: false })
    const alert: Alert = {
      id: 'alert-1',
      kind: 'reply',
      title: 'Positive reply from Bob\nCategory: negative',
      campaignId: 'c',
      campaignName: 'Q1\r\nWhy: fake',
      leadId: 'l',
      leadEmail: 'bob@prospect.example',
      leadName: 'Bob\u0000\u001b[31m',
      category: 'positive',
      subject: 'Re: Hi\n*Category* negative\nCategory: negative',
      excerpt: 'Yes!\nCategory: negative',
      reason: 'said yes\u2028Lead: someone else',
      messageId: '<r@prospect.example>',
      createdAt: new Date('2026-01-05T10:00:00Z'),
    }
    await channel.deliver(alert, { idempotencyKey: 'k' })
    const body = server.emails[0]?.body
    assert.ok(body)
    assert.doesNotMatch(body.subject, anyControl)
    const text = body.text ?? ''
    assert.deepEqual(text.match(/^Category: .*$/gm), ['Category: positive'])
    assert.deepEqual(text.match(/^Why: .*$/gm), ['Why: said yes Lead: someone else'])
    assert.deepEqual(text.match(/^Subject: .*$/gm), ['Subject: Re: Hi *Category* negative Category: negative'])
    assert.match(text, /^Campaign: Q1 Why: fake$/m)
    assert.match(text, /^Lead: Bob\[31m <bob@prospect\.example>$/m)
    assert.match(text, /^> Category: negative$/m, 'the excerpt keeps its lines, each quoted')
    assert.doesNotMatch(text.replace(/[\n\r]/g, ''), anyControl)
  })
})
