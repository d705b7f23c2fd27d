import type { BounceWords } from './phrases/bounce-words.js'

/**
 * Words of bounce notices that are the same in every language: protocol and product
 * names, block-list operators, vendors' own status tokens. Not a language: always read,
 * whatever phrase tables a classifier is given.
 */
export const technicalBounceWords: BounceWords = {
  failure: ['qmail-send'],
  mailSystemNames: ['postmaster', 'mailer-daemon', 'microsoft outlook', 'microsoft exchange'],
  reasons: {
    // Amazon SES bounce subtypes, as Resend and SES-based providers pass them on ("Transient/MailboxFull").
    mailbox_full: ['\\bmailboxfull\\b'],
    message_too_big: ['\\bmessagetoolarge\\b'],
    exceeded_limit: ['recipsizelimit'],
    content_error: ['\\battachmentrejected\\b'],
    // Microsoft 365: directory-based edge blocking answers an unknown recipient with "Access denied. AS(201806281)".
    user_unknown: ['permanent/noemail', 'resolver\\.adr\\.recip(?:ient)?notfound', 'recipnotfound', 'access denied\\.? as\\(201806281\\)',
      '5\\.4\\.1 recipient address rejected: access denied', '\\bnosuchuser\\b', 'resolver\\.adr\\.(?:exrecipnotfound|recipientnotfound)'],
    // Mimecast's "Envelope blocked" (a user's or the organisation's blocked senders), Barracuda's per-recipient "(rcpt:blocked)".
    filtered: [
      'envelope blocked',
      ':blocked\\)',
      'resolver\\.rst\\.(?:notauthorized|authrequired|restrictedtogroup|sendernotauthorized)',
      'resolver\\.adr\\.recipientrestricted',
    ],
    host_unknown: ['\\bnxdomain\\b', '\\bservfail\\b'],
    blocked: [
      'spamhaus',
      'spamcop',
      '\\bsorbs\\b',
      'uceprotect',
      'barracuda ?(?:central|reputation)',
      'b\\.barracudacentral',
      'ipcheck\\.proofpoint',
      '\\bs3150\\b',
      '\\bs3140\\b',
      'banned sender',
      'psbl\\b',
      'abuseat',
      'mailspike',
      'sender ?base',
      'trend ?micro rbl',
    ],
    spam_detected: ['spamassassin', 'x-spam', 'spam ?score', '\\bcontentrejected\\b', 'spamsignature'],
    bad_reputation: ['senderscore', 'talos', 'csi\\.cloudmark'],
    network_error: ['\\betimedout\\b', '\\beconnrefused\\b', '\\beconnreset\\b', '\\behostunreach\\b'],
  },
}
