import type { Alert } from '@cam/core'
import { describe, expect, it } from 'vitest'
import { renderAlertEmail } from '../src/render-alert-email.js'

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
  reason: 'authentication failed: 535 5.7.8',
  messageId: null,
  createdAt: new Date('2030-03-04T10:00:00Z'),
})

describe('alert email heading per alert kind', () => {
  it('names a paused mailbox', () => {
    const email = renderAlertEmail(alert('mailbox_paused'), { subjectPrefix: '[CAM]', link: undefined, maxExcerptLength: 500 })
    expect(email.text).toContain('Mailbox paused')
    expect(email.html).toContain('Mailbox paused')
  })
})
