import { createImapInbox, type ImapInboxOptions } from '@cam/adapter-imap'
import { createSmtpSender, type SmtpAuth } from '@cam/adapter-smtp'
import type { Logger, MailboxConfig } from '@cam/core'
import type { MailboxAuth, MailboxPoolConfig, PoolMailboxSettings } from './mailbox-pool-config.js'
import { createOAuthTokenSource, imapTokenFunction, smtpTokenFunctions, type OAuthTokenSource } from './oauth-token-source.js'

/** The token source of a mailbox that refreshes its OAuth2 tokens (shared by its SMTP and IMAP logins), else null. */
export function mailboxTokenSource(mailbox: PoolMailboxSettings): OAuthTokenSource | null {
  return mailbox.oauth ? createOAuthTokenSource(mailbox.oauth, { account: mailbox.address }) : null
}

function smtpAuth(auth: MailboxAuth, tokens: OAuthTokenSource | null): SmtpAuth {
  if (auth.kind === 'password') return { user: auth.user, pass: auth.password }
  if (auth.kind === 'access-token') return { user: auth.user, accessToken: auth.accessToken }
  return { user: auth.user, ...smtpTokenFunctions(tokens!) }
}

function imapAuth(auth: MailboxAuth, tokens: OAuthTokenSource | null): ImapInboxOptions['auth'] {
  if (auth.kind === 'password') return { user: auth.user, pass: auth.password }
  if (auth.kind === 'access-token') return { user: auth.user, accessToken: auth.accessToken }
  return { user: auth.user, accessToken: imapTokenFunction(tokens!) }
}

/**
 * The worker's `mailboxes` from the pool configuration: per mailbox an SMTP sender
 * (`@cam/adapter-smtp`: implicit TLS or required STARTTLS, password or OAuth2) and, when it has
 * an IMAP server, an inbox (`@cam/adapter-imap`) reading its replies and bounce reports. Each
 * mailbox's name in the pool is its address.
 */
export function createMailboxPool(pool: MailboxPoolConfig, logger: Logger): MailboxConfig[] {
  return pool.mailboxes.map((mailbox) => {
    const tokens = mailboxTokenSource(mailbox)
    const tls = mailbox.tlsCa ? { ca: mailbox.tlsCa.pem } : undefined
    const sender = createSmtpSender({
      host: mailbox.smtp.host,
      port: mailbox.smtp.port,
      secure: mailbox.smtp.secure,
      requireTls: true,
      ...(tls ? { tls } : {}),
      auth: smtpAuth(mailbox.smtp.auth, tokens),
      logger,
    })
    const inbox = mailbox.imap
      ? createImapInbox({
          host: mailbox.imap.host,
          port: mailbox.imap.port,
          secure: mailbox.imap.secure,
          requireTls: true,
          ...(tls ? { tls } : {}),
          auth: imapAuth(mailbox.imap.auth, tokens),
          mailboxes: mailbox.imap.folders,
          logger,
        })
      : undefined
    return {
      name: mailbox.address,
      from: { email: mailbox.address, ...(mailbox.displayName ? { name: mailbox.displayName } : {}), ...(mailbox.replyTo ? { replyTo: mailbox.replyTo } : {}) },
      sender,
      ...(inbox ? { inbox } : {}),
      dailyLimit: mailbox.dailyLimit,
      rampUp: mailbox.rampUp,
      minGapMs: mailbox.minGapMs,
      ...(mailbox.gapJitterMs !== undefined ? { gapJitterMs: mailbox.gapJitterMs } : {}),
    }
  })
}
