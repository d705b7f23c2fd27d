import { randomUUID } from 'node:crypto'

/** A plain reply to one of our emails. */
export function replyTo(options: { from: string; inReplyTo: string; body: string }): string {
  return [
    `From: ${options.from}`,
    'To: Ana <ana@sender.example>',
    'Subject: Re: Hello',
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@prospect.example>`,
    `In-Reply-To: ${options.inReplyTo}`,
    `References: ${options.inReplyTo}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.body,
    '',
  ].join('\r\n')
}

/** An RFC 3464 report: `recipient` does not exist (5.1.1). */
export function userUnknownReport(options: { recipient: string; originalMessageId: string }): string {
  const boundary = `dsn-${randomUUID()}`
  return [
    'From: MAILER-DAEMON@mx.prospect.example (Mail Delivery System)',
    'To: ana@sender.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@mx.prospect.example>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered to one or more recipients.',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.prospect.example',
    '',
    `Final-Recipient: rfc822; ${options.recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; 550 5.1.1 <${options.recipient}>: Recipient address rejected: User unknown`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: Ana <ana@sender.example>',
    `To: ${options.recipient}`,
    'Subject: Hello',
    `Message-ID: ${options.originalMessageId}`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n')
}
