import assert from 'node:assert/strict'
import type { AlertDeliveryError} from '@cam/core';
import { CamError, ValidationError, type Alert } from '@cam/core'
import { afterEach, describe, it } from 'vitest'
import { createSlackAlerts, escapeMrkdwn, type SlackAlertsOptions } from '../src/index.js'
import { startSlackApiServer, type SlackApiServer, type SlackInjectedFailure } from './slack-api-server.js'

const servers: SlackApiServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function server(options: Parameters<typeof startSlackApiServer>[0] = {}) {
  const started = await startSlackApiServer(options)
  servers.push(started)
  return started
}

let sequence = 0
function alert(overrides: Partial<Alert> = {}): Alert {
  sequence++
  return {
    id: `alert-${sequence}`,
    kind: 'reply',
    title: 'Positive reply from Ana Silva (Prospect Inc)',
    campaignId: 'campaign-1',
    campaignName: 'Q1 outreach',
    leadId: 'lead-9',
    leadEmail: 'ana@prospect.example',
    leadName: 'Ana Silva',
    category: 'positive',
    subject: 'Re: pricing',
    excerpt: 'Sounds great.\nCan we talk Tuesday?',
    reason: 'matched "sounds great"',
    messageId: '<r@prospect.example>',
    createdAt: new Date('2026-01-05T10:00:00Z'),
    ...overrides,
  }
}

async function deliveryError(promise: Promise<unknown>): Promise<AlertDeliveryError> {
  try {
    await promise
  } catch (error) {
    assert.ok(CamError.isInstance(error, 'ALERT_FAILED'), `expected an AlertDeliveryError, got ${String(error)}`)
    return error as AlertDeliveryError
  }
  assert.fail('expected the delivery to fail')
}

type TextObject = { type: string; text: string; verbatim?: boolean }
type Block = { type: string; text?: TextObject; fields?: TextObject[]; elements?: TextObject[] }

describe('escapeMrkdwn', () => {
  it('escapes exactly &, < and >', () => {
    assert.equal(escapeMrkdwn('a & b <!channel> <@U1> *bold* _it_ "q"'), 'a &amp; b &lt;!channel&gt; &lt;@U1&gt; *bold* _it_ "q"')
  })
})

describe('createSlackAlerts: message', () => {
  it('posts a Block Kit message: heading, title, lead, campaign, quoted reply, reason and link; links never unfurl', async () => {
    const slack = await server()
    const channel = createSlackAlerts({ webhookUrl: slack.webhookUrl, appUrl: (a) => `https://app.acme.example/leads/${a.leadId}?tab=replies&x=1` })
    await channel.deliver(alert(), { idempotencyKey: 'k' })
    const payload = slack.messages[0]?.payload
    assert.ok(payload)
    assert.equal(payload['unfurl_links'], false)
    assert.equal(payload['unfurl_media'], false)
    assert.equal(payload['text'], 'New positive reply: Positive reply from Ana Silva (Prospect Inc)')
    const blocks = payload['blocks'] as Block[]
    assert.deepEqual(blocks[0], { type: 'header', text: { type: 'plain_text', text: 'New positive reply', emoji: true } })
    assert.equal(blocks[1]?.text?.text, '*Positive reply from Ana Silva (Prospect Inc)*')
    assert.deepEqual(
      blocks[2]?.fields?.map((field) => field.text),
      ['*Lead*\nAna Silva (ana@prospect.example)', '*Campaign*\nQ1 outreach', '*Subject*\nRe: pricing', '*Category*\npositive'],
    )
    assert.equal(blocks[3]?.text?.text, '*Reply*\n>Sounds great.\n>Can we talk Tuesday?')
    assert.equal(blocks[4]?.elements?.[0]?.text, 'Why: matched "sounds great"')
    assert.equal(blocks[5]?.text?.text, '<https://app.acme.example/leads/lead-9?tab=replies&amp;x=1|Open in your app →>')
    for (const block of blocks) {
      for (const object of [block.text, ...(block.fields ?? []), ...(block.elements ?? [])]) {
        if (object?.type === 'mrkdwn') assert.equal(object.verbatim, true, 'mrkdwn is verbatim: no auto-parsing of mentions or channel names')
      }
    }
  })

  it('escapes mentions and broadcasts in every field so they ping nobody', async () => {
    const slack = await server()
    const channel = createSlackAlerts({ webhookUrl: slack.webhookUrl })
    await channel.deliver(
      alert({
        title: 'Reply from <!channel>',
        leadName: '<@U123>',
        campaignName: '<!subteam^S1|@sales>',
        subject: '<#C1|general>',
        excerpt: 'hi <!here> & <https://evil.example|click> >quote',
        reason: '<!everyone>',
      }),
      { idempotencyKey: 'k' },
    )
    const raw = JSON.stringify(slack.messages[0]?.payload)
    for (const live of ['<!channel>', '<@U123>', '<!subteam', '<#C1', '<!here>', '<https://evil', '<!everyone>']) {
      assert.ok(!raw.includes(live), `${live} is not live`)
    }
    const blocks = slack.messages[0]?.payload['blocks'] as Block[]
    assert.equal(blocks[3]?.text?.text, '*Reply*\n>hi &lt;!here&gt; &amp; &lt;https://evil.example|click&gt; &gt;quote')
    assert.equal(slack.messages[0]?.payload['text'], 'New positive reply: Reply from &lt;!channel&gt;')
  })

  it('cuts long text within Slack block limits without breaking an escaped entity', async () => {
    const slack = await server()
    const channel = createSlackAlerts({ webhookUrl: slack.webhookUrl })
    await channel.deliver(alert({ excerpt: '<&>'.repeat(10_000), title: 'T'.repeat(5_000), leadName: 'N'.repeat(3_000) }), { idempotencyKey: 'k' })
    const blocks = slack.messages[0]?.payload['blocks'] as Block[]
    const reply = blocks[3]?.text?.text ?? ''
    assert.ok(reply.length <= 3000 && reply.length > 2900, `reply section is ${reply.length} characters`)
    assert.ok(reply.endsWith('…'))
    assert.match(reply.slice('*Reply*\n>'.length, -1), /^(&lt;&amp;&gt;)+(&lt;|&lt;&amp;)?$/, 'only whole entities')
    assert.ok((blocks[1]?.text?.text.length ?? 0) <= 3000)
    assert.ok((blocks[2]?.fields?.[0]?.text.length ?? 0) <= 2000)
    assert.ok(String(slack.messages[0]?.payload['text']).length <= 3000)
  })

  it('drops an app link that is not http(s)', async () => {
    const slack = await server()
    const channel = createSlackAlerts({ webhookUrl: slack.webhookUrl, appUrl: () => 'javascript:alert(1)' })
    await channel.deliver(alert(), { idempotencyKey: 'k' })
    assert.ok(!JSON.stringify(slack.messages[0]?.payload).includes('javascript:'))
  })

  it('posts with chat.postMessage to the configured channel, authenticated with the bot token', async () => {
    const slack = await server()
    const channel = createSlackAlerts({ token: slack.token, channel: '#sales', slackApiUrl: slack.apiUrl })
    await channel.deliver(alert(), { idempotencyKey: 'k' })
    assert.equal(slack.messages[0]?.via, 'web-api')
    assert.equal(slack.messages[0]?.channel, '#sales')
    assert.equal(slack.messages[0]?.payload['unfurl_links'], false)
    assert.equal((slack.messages[0]?.payload['blocks'] as Block[])[0]?.type, 'header')
  })
})

describe('createSlackAlerts: failures', () => {
  const webhookCases: Array<{ failure: SlackInjectedFailure; permanent: boolean; retryAfterMs?: number; text: RegExp }> = [
    { failure: { type: 'rate-limited', retryAfterSeconds: 42 }, permanent: false, retryAfterMs: 42_000, text: /429/ },
    { failure: { type: 'server-error' }, permanent: false, text: /500: rollup_error/ },
    { failure: { type: 'channel-not-found' }, permanent: true, text: /404: channel_not_found/ },
    { failure: { type: 'revoked' }, permanent: true, text: /403: invalid_token/ },
    { failure: { type: 'archived' }, permanent: true, text: /410: channel_is_archived/ },
  ]
  for (const { failure, permanent, retryAfterMs, text } of webhookCases) {
    it(`webhook ${failure.type} → ${permanent ? 'permanent' : 'retry'}${retryAfterMs ? ` after ${retryAfterMs} ms` : ''}`, async () => {
      const slack = await server()
      const channel = createSlackAlerts({ webhookUrl: slack.webhookUrl })
      slack.failNext(failure)
      const error = await deliveryError(channel.deliver(alert(), { idempotencyKey: 'k' }))
      assert.equal(error.permanent, permanent)
      assert.equal(error.retryAfterMs, retryAfterMs)
      assert.match(error.message, text)
      assert.ok(!error.message.includes('/services/'), 'the webhook URL (a secret) is not in the message')
      assert.equal(slack.messages.length, 0)
    })
  }

  const webApiCases: Array<{ failure: SlackInjectedFailure; permanent: boolean; retryAfterMs?: number; text: RegExp }> = [
    { failure: { type: 'rate-limited', retryAfterSeconds: 7 }, permanent: false, retryAfterMs: 7_000, text: /rate limited/ },
    { failure: { type: 'server-error' }, permanent: false, text: /internal_error/ },
    { failure: { type: 'channel-not-found' }, permanent: true, text: /channel_not_found/ },
    { failure: { type: 'revoked' }, permanent: true, text: /token_revoked/ },
    { failure: { type: 'archived' }, permanent: true, text: /is_archived/ },
  ]
  for (const { failure, permanent, retryAfterMs, text } of webApiCases) {
    it(`Web API ${failure.type} → ${permanent ? 'permanent' : 'retry'}${retryAfterMs ? ` after ${retryAfterMs} ms` : ''}`, async () => {
      const slack = await server()
      const channel = createSlackAlerts({ token: slack.token, channel: 'C1', slackApiUrl: slack.apiUrl })
      slack.failNext(failure)
      const error = await deliveryError(channel.deliver(alert(), { idempotencyKey: 'k' }))
      assert.equal(error.permanent, permanent)
      assert.equal(error.retryAfterMs, retryAfterMs)
      assert.match(error.message, text)
      assert.ok(!error.message.includes(slack.token))
      assert.equal(slack.messages.length, 0)
    })
  }

  it('Web API with a wrong token → permanent invalid_auth', async () => {
    const slack = await server()
    const channel = createSlackAlerts({ token: 'xoxb-wrong-secret', channel: 'C1', slackApiUrl: slack.apiUrl })
    const error = await deliveryError(channel.deliver(alert(), { idempotencyKey: 'k' }))
    assert.equal(error.permanent, true)
    assert.match(error.message, /invalid_auth/)
    assert.ok(!error.message.includes('xoxb-wrong-secret'))
  })

  it('Web API outage (HTTP 503) → retry', async () => {
    const slack = await server()
    slack.setDown(true)
    const channel = createSlackAlerts({ token: slack.token, channel: 'C1', slackApiUrl: slack.apiUrl })
    const error = await deliveryError(channel.deliver(alert(), { idempotencyKey: 'k' }))
    assert.equal(error.permanent, false)
    assert.match(error.message, /503/)
  })

  it('Slack unreachable → retry, for both ways of posting', async () => {
    const slack = await server()
    const webhook = createSlackAlerts({ webhookUrl: slack.webhookUrl })
    const webApi = createSlackAlerts({ token: slack.token, channel: 'C1', slackApiUrl: slack.apiUrl })
    await slack.close()
    servers.splice(servers.indexOf(slack), 1)
    for (const channel of [webhook, webApi]) {
      const error = await deliveryError(channel.deliver(alert(), { idempotencyKey: 'k' }))
      assert.equal(error.permanent, false)
      assert.match(error.message, /could not be reached/)
    }
  })

  it('an aborted delivery rejects without posting', async () => {
    const slack = await server()
    const channel = createSlackAlerts({ webhookUrl: slack.webhookUrl })
    const controller = new AbortController()
    controller.abort()
    await deliveryError(channel.deliver(alert(), { idempotencyKey: 'k', signal: controller.signal }))
    assert.equal(slack.requests.length, 0)
  })

  it('rides out real rate limiting: every alert is posted exactly once when retried after retryAfterMs', async () => {
    const slack = await server({ rateLimit: { limit: 1, windowMs: 1000 } })
    const channel = createSlackAlerts({ webhookUrl: slack.webhookUrl })
    const alerts = [alert(), alert(), alert()]
    let rateLimited = 0
    await Promise.all(
      alerts.map(async (item) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            await channel.deliver(item, { idempotencyKey: `${item.id}/slack` })
            return
          } catch (error) {
            assert.ok(CamError.isInstance(error, 'ALERT_FAILED'))
            const retryAfterMs = (error as AlertDeliveryError).retryAfterMs
            assert.ok(retryAfterMs !== undefined && retryAfterMs >= 1000)
            rateLimited++
            await new Promise((resolve) => setTimeout(resolve, retryAfterMs))
          }
        }
      }),
    )
    assert.ok(rateLimited > 0, 'Slack answered 429 at least once')
    const titles = slack.messages.map((message) => (message.payload['blocks'] as Block[])[5]?.elements?.[0]?.text ?? '')
    for (const item of alerts) assert.equal(titles.filter((text) => text.includes(`alert ${item.id} ·`)).length, 1, `${item.id} posted once`)
  }, 30_000)
})

describe('createSlackAlerts: options', () => {
  const invalid: Array<{ options: unknown; paths: string[] }> = [
    { options: {}, paths: ['webhookUrl'] },
    // A bad field does not hide a missing webhook or token.
    { options: { appUrl: 'ftp://x', timeoutMs: -1 }, paths: ['appUrl', 'timeoutMs', 'webhookUrl'] },
    { options: { webhookUrl: 'https://hooks.slack.com/services/x', token: 'xoxb-1', channel: 'C1' }, paths: ['webhookUrl'] },
    { options: { webhookUrl: 'hooks.slack.com/services/SECRET' }, paths: ['webhookUrl'] },
    { options: { token: 'secret-not-a-token', channel: ' ', slackApiUrl: 'nope', appUrl: 'ftp://x', timeoutMs: 0, name: '' }, paths: ['token', 'channel', 'slackApiUrl', 'name', 'appUrl', 'timeoutMs'] },
  ]
  for (const { options, paths } of invalid) {
    it(`rejects ${JSON.stringify(options).replace(/SECRET|secret-not-a-token/g, '…')} naming ${paths.join(', ')}`, () => {
      assert.throws(
        () => createSlackAlerts(options as SlackAlertsOptions),
        (error: unknown) => {
          assert.ok(ValidationError.isInstance(error))
          assert.equal(error.code, 'CONFIG_INVALID')
          assert.deepEqual(
            error.issues.map((issue) => issue.path),
            paths,
          )
          assert.ok(!error.message.includes('SECRET') && !error.message.includes('secret-not-a-token'), 'secrets are not echoed')
          return true
        },
      )
    })
  }

  it('is named slack by default, or as configured', () => {
    assert.equal(createSlackAlerts({ webhookUrl: 'https://hooks.slack.com/services/T/B/C' }).name, 'slack')
    assert.equal(createSlackAlerts({ webhookUrl: 'https://hooks.slack.com/services/T/B/C', name: 'slack-sales' }).name, 'slack-sales')
  })
})
