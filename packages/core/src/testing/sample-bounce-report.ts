import { randomUUID } from 'node:crypto'

/**
 * A bounce as a mail server sends it: an RFC 3464 delivery status notification
 * (`multipart/report; report-type=delivery-status`) saying that `recipient` could not be
 * reached, quoting the headers of the email it answers (`originalMessageId`, the
 * Message-ID CAM sent). `status` defaults to `5.1.1` (user unknown, a hard bounce);
 * `diagnostic` to the matching SMTP reply. For tests of inboxes, stores and classifiers:
 * deliver it to a test inbox and the worker reads it as a bounce of that email.
 */
export function sampleBounceReport(options: { recipient: string; originalMessageId: string; status?: string; diagnostic?: string; date?: Date }): string {
  const boundary = `dsn-${randomUUID()}`
  const status = options.status ?? '5.1.1'
  const diagnostic = options.diagnostic ?? `smtp; 550 ${status} <${options.recipient}>: Recipient address rejected: User unknown in virtual mailbox table`
  const date = (options.date ?? new Date()).toUTCString().replace('GMT', '+0000')
  return [
    'From: MAILER-DAEMON@mx.prospect.example (Mail Delivery System)',
    'To: ana@sender.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${date}`,
    `Message-ID: <${randomUUID()}@mx.prospect.example>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.prospect.example.',
    "I'm sorry to have to inform you that your message could not be delivered to one or more recipients.",
    '',
    `<${options.recipient}>: host mx.prospect.example said: 550 ${status} User unknown`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.prospect.example',
    `Arrival-Date: ${date}`,
    '',
    `Final-Recipient: rfc822; ${options.recipient}`,
    `Original-Recipient: rfc822; ${options.recipient}`,
    'Action: failed',
    `Status: ${status}`,
    'Remote-MTA: dns; mx.prospect.example',
    `Diagnostic-Code: ${diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: Ana <ana@sender.example>',
    `To: ${options.recipient}`,
    'Subject: Quick question',
    `Message-ID: ${options.originalMessageId}`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n')
}
