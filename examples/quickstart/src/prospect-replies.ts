import { randomUUID } from 'node:crypto'
import type { DemoLead, Persona } from './demo-campaign.js'

/** The email a prospect received, as the simulator read it from the outbox. */
export interface ReceivedEmail {
  messageId: string
  subject: string
  text: string
  from: string
  to: string
  stepIndex: number
}

const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000')

function quote(email: ReceivedEmail, date: Date): string {
  const header = `On ${date.toUTCString()}, Ana from Acme <${email.from}> wrote:`
  return `${header}\r\n${email.text.split(/\r?\n/).map((line) => `> ${line}`).join('\r\n')}`
}

function human(lead: DemoLead, email: ReceivedEmail, date: Date, body: string, extraHeaders: string[] = []): string {
  return [
    `From: ${lead.firstName} ${lead.lastName} <${lead.email}>`,
    `To: ${email.from}`,
    `Subject: Re: ${email.subject.replace(/^re:\s*/i, '')}`,
    `Date: ${rfc2822(date)}`,
    `Message-ID: <${randomUUID()}@${lead.email.split('@')[1]}>`,
    `In-Reply-To: ${email.messageId}`,
    `References: ${email.messageId}`,
    ...extraHeaders,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
    quote(email, date),
    '',
  ].join('\r\n')
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000)
}

const longDate = (date: Date) => date.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' })

/** The last part of a bounce or complaint report: the headers of our email, so it can be matched. */
function returnedHeaders(lead: DemoLead, email: ReceivedEmail, boundary: string): string[] {
  return [
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `From: Ana from Acme <${email.from}>`,
    `To: ${lead.email}`,
    `Subject: ${email.subject}`,
    `Message-ID: ${email.messageId}`,
    '',
    `--${boundary}--`,
    '',
  ]
}

function deliveryStatusReport(lead: DemoLead, email: ReceivedEmail, date: Date, status: string, diagnostic: string, action: 'failed' | 'delayed'): string {
  const boundary = `=_dsn_${randomUUID()}`
  const host = `mx.${lead.email.split('@')[1]}`
  return [
    `From: Mail Delivery System <MAILER-DAEMON@mail.acme-demo.example>`,
    `To: ${email.from}`,
    `Subject: ${action === 'failed' ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)'}`,
    `Date: ${rfc2822(date)}`,
    `Message-ID: <${randomUUID()}@mail.acme-demo.example>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mail.acme-demo.example.',
    '',
    action === 'failed'
      ? "I'm sorry to have to inform you that your message could not be delivered to one or more recipients."
      : 'Your message could not be delivered yet. The mail system will keep trying.',
    '',
    `<${lead.email}>: host ${host} said: ${diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.acme-demo.example',
    `Arrival-Date: ${rfc2822(date)}`,
    '',
    `Final-Recipient: rfc822; ${lead.email}`,
    `Original-Recipient: rfc822; ${lead.email}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Remote-MTA: dns; ${host}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    ...returnedHeaders(lead, email, boundary),
  ].join('\r\n')
}

function complaintReport(lead: DemoLead, email: ReceivedEmail, date: Date): string {
  const boundary = `=_arf_${randomUUID()}`
  return [
    'From: Mailbox Provider Feedback Loop <fbl@feedback.mailprovider.example>',
    `To: ${email.from}`,
    'Subject: Complaint about message from 192.0.2.10',
    `Date: ${rfc2822(date)}`,
    `Message-ID: <${randomUUID()}@feedback.mailprovider.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is an email abuse report for an email message received from IP 192.0.2.10.',
    '',
    `--${boundary}`,
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: DemoFBL/1.0',
    'Version: 1',
    `Original-Mail-From: <${email.from}>`,
    `Original-Rcpt-To: <${lead.email}>`,
    `Arrival-Date: ${rfc2822(date)}`,
    'Source-IP: 192.0.2.10',
    'Reported-Domain: acme-demo.example',
    '',
    ...returnedHeaders(lead, email, boundary),
  ].join('\r\n')
}

/** A reply the simulator will drop into the Maildir at `at`. */
export interface PlannedReply {
  at: Date
  raw: string
  persona: Persona
  lead: string
}

/**
 * What a prospect does when an email of the sequence arrives: most personas answer
 * the first email (hours later); bounces come back within minutes; the out-of-office
 * prospect answers automatically and is back a few days later.
 */
export function planReply(lead: DemoLead, email: ReceivedEmail, sentAt: Date): PlannedReply | null {
  const hours = (n: number) => new Date(sentAt.getTime() + n * 3_600_000)
  const plan = (at: Date, raw: string): PlannedReply => ({ at, raw, persona: lead.persona, lead: lead.email })
  if (email.stepIndex !== 0) return null
  switch (lead.persona) {
    case 'positive':
      return plan(hours(20), human(lead, email, hours(20), `Hi Ana,\r\n\r\nYes, this sounds interesting — let's set up a call. Tuesday or Wednesday afternoon works for me.\r\n\r\nBest,\r\n${lead.firstName}`))
    case 'price-question':
      return plan(hours(6), human(lead, email, hours(6), `Hallo Ana,\r\n\r\nwhat does this cost for a team of 20 engineers? Is there a monthly plan?\r\n\r\n${lead.firstName}`))
    case 'referral':
      return plan(hours(28), human(lead, email, hours(28), `Hi Ana,\r\n\r\nI'm not the right person for this. Please talk to our CTO, marc.dupont@ateliermartin.example — he handles tooling.\r\n\r\nChloé`))
    case 'out-of-office': {
      const back = addDays(sentAt, 6)
      return plan(
        hours(0.1),
        human(lead, email, hours(0.1), `Thank you for your message. I am out of the office until ${longDate(back)} with no access to email. For urgent matters please contact info@braunmaschinenbau.example.`, [
          'Auto-Submitted: auto-replied',
          'X-Auto-Response-Suppress: All',
        ]).replace(/^Subject: Re: /m, 'Subject: Automatic reply: '),
      )
    }
    case 'unsubscribe':
      return plan(hours(3), human(lead, email, hours(3), 'Please remove me from your mailing list. I do not want to receive these emails.'))
    case 'not-interested':
      return plan(hours(30), human(lead, email, hours(30), 'Thanks, but we are not interested.'))
    case 'hard-bounce':
      return plan(hours(0.05), deliveryStatusReport(lead, email, hours(0.05), '5.1.1', `550 5.1.1 <${lead.email}>: Recipient address rejected: User unknown in virtual mailbox table`, 'failed'))
    case 'soft-bounce':
      return plan(hours(0.2), deliveryStatusReport(lead, email, hours(0.2), '4.2.2', `452 4.2.2 <${lead.email}>: Mailbox full, quota exceeded`, 'delayed'))
    case 'complaint':
      return plan(hours(40), complaintReport(lead, email, hours(40)))
    case 'silent':
      return null
  }
}
