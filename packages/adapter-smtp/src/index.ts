/**
 * `@cam/adapter-smtp`: CAM's `Sender` over SMTP with nodemailer, for mailboxes you own (Google
 * Workspace, Microsoft 365, any SMTP host): pooled connections, STARTTLS, OAuth2 (XOAUTH2),
 * DSN requests, recipient refusals reported at once, and an optional copy in the Sent folder.
 *
 * @packageDocumentation
 */
export { createSmtpSender, type SmtpSender } from './create-smtp-sender.js'
export type {
  SmtpSenderOptions,
  SmtpAuth,
  SmtpPasswordAuth,
  SmtpAccessTokenAuth,
  SmtpTlsOptions,
  SentFolderOptions,
  SentFolderImapOptions,
} from './smtp-sender-options.js'
export { inDoubtProviderCode } from './map-smtp-error.js'
