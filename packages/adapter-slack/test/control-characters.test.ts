import assert from 'node:assert/strict'
import type { Alert } from '@cam/core'
import { afterEach, describe, it } from 'vitest'
import { createSlackAlerts } from '../src/index.js'
import { startSlackApiServer, type SlackApiServer } from './slack-api-server.js'

// A reply subject is attacker-controlled: with line breaks it could print fake `*Category*`
// lines inside the alert. Every single-line field is folded to one line; checked on what the
// loopback Slack server receives.

// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const anyControl = /[\u0000-\u001f\u007f-\u009f]/

const servers: SlackApiServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

type TextObject = { type: string; text: string }
type Block = { type: string; text?: TextObject; fields?: TextObject[]; elements?: TextObject[] }

const hostile: Alert = {
  id: 'alert-1',
  kind: 'reply',
  title: 'Positive reply from Bob\n*Category*\nnegative',
  campaignId: 'campaign-1',
  campaignName: 'Q1\r\n*Lead*\nsomeone else',
  leadId: 'lead-1',
  leadEmail: 'bob@prospect.example',
  leadName: 'Bob\u0000\u001b[31m\u2028Smith',
  category: 'positive',
  subject: 'Re: pricing\n*Category* Positive\r\n*Category*\nnegative\u0085x',
  excerpt: 'Sounds great\u0000.\nCan we talk?',
  reason: 'said yes\n*Why* nothing',
  messageId: '<r@prospect.example>',
  createdAt: new Date('2026-01-05T10:00:00Z'),
}

describe('createSlackAlerts: control characters', () => {
  for (const transport of ['webhook', 'web API'] as const) {
    it(`${transport}: a subject with "\\n*Category* Positive" renders as one line; no field carries a line break or a control character`, async () => {
      const slack = await startSlackApiServer()
      servers.push(slack)
      const channel = createSlackAlerts(transport === 'webhook' ? { webhookUrl: slack.webhookUrl } : { token: slack.token, channel: 'C123', slackApiUrl: slack.apiUrl })
      await channel.deliver(hostile, { idempotencyKey: `k-${transport}` })
      const payload = slack.messages[0]?.payload
      assert.ok(payload)
      const blocks = payload['blocks'] as Block[]
      assert.equal(blocks[1]?.text?.text, '*Positive reply from Bob *Category* negative*')
      assert.deepEqual(
        blocks[2]?.fields?.map((field) => field.text),
        ['*Lead*\nBob[31m Smith (bob@prospect.example)', '*Campaign*\nQ1 *Lead* someone else', '*Subject*\nRe: pricing *Category* Positive *Category* negative x', '*Category*\npositive'],
      )
      assert.equal(blocks[3]?.text?.text, '*Reply*\n>Sounds great.\n>Can we talk?', 'the excerpt keeps its lines, each quoted')
      assert.equal(blocks[4]?.elements?.[0]?.text, 'Why: said yes *Why* nothing')
      assert.equal(payload['text'], 'New positive reply: Positive reply from Bob *Category* negative')
      const categoryLines = blocks.flatMap((block) => [block.text, ...(block.fields ?? []), ...(block.elements ?? [])]).flatMap((object) => (object?.text ?? '').split('\n')).filter((line) => line.startsWith('*Category*'))
      assert.deepEqual(categoryLines, ['*Category*'], 'only the real Category field starts a line')
      for (const block of blocks) {
        for (const object of [block.text, ...(block.fields ?? []), ...(block.elements ?? [])]) {
          if (object) assert.doesNotMatch(object.text.replace(/\n/g, ''), anyControl)
        }
      }
    })
  }
})
