/**
 * `@cam/adapter-imap`: CAM's `Inbox` on IMAP (imapflow) — incremental and restart-safe by
 * UID cursors, push through IDLE, reconnects with backoff.
 *
 * @packageDocumentation
 */
export { createImapInbox, type ImapInbox } from './create-imap-inbox.js'
export type {
  ImapAccessTokenAuth,
  ImapAuth,
  ImapInboxOptions,
  ImapPasswordAuth,
  ImapReconnectOptions,
  ImapWatchOptions,
} from './imap-inbox-options.js'
export { parseImapCursor, serializeImapCursor, type ImapCursor, type MailboxPosition } from './imap-cursor.js'
