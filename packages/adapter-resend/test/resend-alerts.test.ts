import assert from 'node:assert/strict'
import { CamError, ValidationError, type Alert } from '@cam/core'
import { afterEach, describe, it } from 'vitest'
import { createResendAlerts } from '../src/index.js'
import { startResendApiServer, type ResendApiServer } from './resend-api-server.js'

const servers: ResendApiServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

const alert: Alert = {
  id: 'alert-7',
  kind: 'reply',
  title: 'Positive reply from Ana "Boss" <Silva>',
  campaignId: 'campaign-1',
  campaignName: 'Q1 & friends',
  leadId: 'lead-9',
  leadEmail: 'ana@prospect.example',
  leadName: 'Ana <b>Silva</b>',
  category: 'positive',
  subject: 'Re: <i>pricing</i>',
  excerpt: 'Yes!\n<script>alert(1)</script>\n"quoted" & \'single\'',
  reason: 'said "yes"',
  messageId: '<r@prospect.example>',
  createdAt: new Date('2026-01-05T10:00:00Z'),
}

async function setup(options: { appUrl?: string | ((alert: Alert) => string | undefined) } = {}) {
  const server = await startResendApiServer({ rateLimit: false })
  servers.push(server)
  const channel = createResendAlerts({
    apiKey: server.apiKey,
    baseUrl: server.url,
    from: 'CAM Alerts <alerts@acme.example>',
    to: ['sales@acme.example', 'founder@acme.example'],
    rateLimit: false,
    ...options,
  })
  return { server, channel }
}

describe('createResendAlerts', () => {
  it('emails every recipient once, with a plain-text and an HTML part and the idempotency key', async () => {
    const { server, channel } = await setup()
    await channel.deliver(alert, { idempotencyKey: 'alert-7/resend-email' })
    assert.equal(server.emails.length, 1)
    const email = server.emails[0]
    assert.ok(email)
    assert.deepEqual(email.recipients, ['sales@acme.example', 'founder@acme.example'])
    assert.equal(email.idempotencyKey, 'alert-7/resend-email')
    assert.equal(email.body.from, '"CAM Alerts" <alerts@acme.example>')
    assert.equal(email.body.subject, '[CAM] New positive reply: Positive reply from Ana "Boss" <Silva>')
    assert.match(email.body.text ?? '', /^> <script>alert\(1\)<\/script>$/m, 'the text part shows the reply verbatim, quoted')
    assert.match(email.body.text ?? '', /^Campaign: Q1 & friends$/m)
  })

  it('escapes every field in the HTML part', async () => {
    const { server, channel } = await setup()
    await channel.deliver(alert, { idempotencyKey: 'k' })
    const html = server.emails[0]?.body.html ?? ''
    assert.ok(html.includes('Positive reply from Ana &quot;Boss&quot; &lt;Silva&gt;'))
    assert.ok(html.includes('Ana &lt;b&gt;Silva&lt;/b&gt;'))
    assert.ok(html.includes('Re: &lt;i&gt;pricing&lt;/i&gt;'))
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
    assert.ok(html.includes('&quot;quoted&quot; &amp; &#39;single&#39;'))
    assert.ok(html.includes('Q1 &amp; friends'))
    for (const live of ['<script', '<b>', '<i>']) assert.ok(!html.includes(live), `no live ${live}`)
  })

  it('links back to the app with an escaped URL, and drops non-http links', async () => {
    const { server, channel } = await setup({ appUrl: (a) => `https://app.acme.example/leads/${a.leadId}?from="alert"&x=<y>` })
    await channel.deliver(alert, { idempotencyKey: 'k1' })
    const html = server.emails[0]?.body.html ?? ''
    assert.ok(html.includes('<a href="https://app.acme.example/leads/lead-9?from=%22alert%22&amp;x=%3Cy%3E">'), html)
    assert.match(server.emails[0]?.body.text ?? '', /^Open: https:\/\/app\.acme\.example\/leads\/lead-9/m)

    const { server: other, channel: hostile } = await setup({ appUrl: () => 'javascript:alert(1)' })
    await hostile.deliver(alert, { idempotencyKey: 'k2' })
    assert.ok(!(other.emails[0]?.body.html ?? '').includes('javascript:'))
  })

  it('folds a multi-line title into a one-line subject', async () => {
    const { server, channel } = await setup()
    await channel.deliver({ ...alert, title: 'Reply\r\nBcc: victim@example.com' }, { idempotencyKey: 'k' })
    assert.equal(server.emails[0]?.body.subject, '[CAM] New positive reply: Reply Bcc: victim@example.com')
  })

  it('lists every invalid option', () => {
    assert.throws(
      () => createResendAlerts({ apiKey: 're_x', from: 'not an address', to: ['ok@acme.example', 'nope'], appUrl: 'ftp://x', maxExcerptLength: 3 }),
      (error: unknown) => {
        assert.ok(ValidationError.isInstance(error))
        assert.ok(CamError.isInstance(error, 'CONFIG_INVALID'))
        assert.deepEqual(
          error.issues.map((issue) => issue.path),
          ['from', 'to.1', 'appUrl', 'maxExcerptLength'],
        )
        return true
      },
    )
    assert.throws(() => createResendAlerts({ apiKey: 're_x', from: 'a@acme.example', to: [] }), /to: expected at least one recipient/)
  })
})
