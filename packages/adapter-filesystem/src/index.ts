/**
 * `@cam/adapter-filesystem`: CAM's zero-setup adapters — an `Inbox` that reads a Maildir
 * (what Dovecot and Postfix deliver into) and a `Sender` that writes each email as an `.eml`
 * file into a pickup directory.
 *
 * @packageDocumentation
 */
export { createMaildirInbox, type MaildirInbox } from './create-maildir-inbox.js'
export type { MaildirInboxOptions, MaildirWatchOptions } from './maildir-inbox-options.js'
export { parseMaildirCursor, serializeMaildirCursor, type MaildirCursor } from './maildir-cursor.js'
export { deliverToMaildir, type DeliverToMaildirOptions, type MaildirDelivery } from './deliver-to-maildir.js'
export { maildirUniqueName } from './maildir-file-name.js'
export { createFileSender, emailFileName, type FileSender, type FileSenderOptions } from './create-file-sender.js'
