import type { Alert } from '@cam/core'
import { describe, expect, it } from 'vitest'
import { renderSlackAlertMessage } from '../src/slack-alert-message.js'

const alert = (kind: Alert['kind']): Alert => ({
  id: 'a1',
  kind,
  title: 'Mailbox paused: ana@acme.example',
  campaignId: null,
  campaignName: null,
  leadId: null,
  leadEmail: null,
  leadName: null,
  category: null,
  subject: null,
  excerpt: null,
  reason: 'its bounce rate 9.0% over the last 7 days is above the 5.0% threshold',
  messageId: null,
  createdAt: new Date('2030-03-04T10:00:00Z'),
})

describe('Slack message heading per alert kind', () => {
  it('names a paused mailbox, a paused campaign and an email in doubt', () => {
    expect(JSON.stringify(renderSlackAlertMessage(alert('mailbox_paused'), undefined))).toContain('Mailbox paused')
    expect(JSON.stringify(renderSlackAlertMessage(alert('campaign_paused'), undefined))).toContain('Campaign paused')
    expect(JSON.stringify(renderSlackAlertMessage(alert('email_in_doubt'), undefined))).toContain('Email needs a human check')
  })
})
