import { bounceReasonTypes, type BounceReason, type BounceType } from '../domain/classification.js'

/**
 * The order in which the wording of each reason is tried against a server's diagnostic:
 * the most specific first. Words about our sender or our message (relaying, reverse DNS,
 * authentication, viruses, block lists, spam, reputation, rates, TLS, size, content, a
 * refused envelope sender, recipient filters, policy) come before the words about the
 * recipient's mailbox, so "550 5.1.1 … blocked using Spamhaus" is a block and "sender
 * domain does not exist" is not a host that does not exist; generic network and system
 * wording comes last. `expired` is looked for first and on its own: a notice that gave up
 * after retrying quotes the last temporary error too.
 */
export const bounceReasonWordOrder: readonly BounceReason[] = [
  'expired',
  'has_moved',
  'not_accepted',
  'no_relaying',
  'require_ptr',
  'authentication_failure',
  'virus_detected',
  'bad_reputation',
  'blocked',
  'spam_detected',
  'too_many_connections',
  'speeding',
  'security_error',
  'exceeded_limit',
  'message_too_big',
  'content_error',
  'rejected',
  'filtered',
  'policy_violation',
  'mailbox_full',
  'suspended',
  'host_unknown',
  'user_unknown',
  'network_error',
  'system_error',
  'syntax_error',
]

/** A reason read from a status code; `decisive` when the code names one cause only. */
export interface CodeReason {
  reason: BounceReason
  decisive: boolean
}

const decisive = (reason: BounceReason): CodeReason => ({ reason, decisive: true })
const suggestive = (reason: BounceReason): CodeReason => ({ reason, decisive: false })

/**
 * Enhanced status codes (RFC 3463 and the IANA registry, subject.detail) and what each
 * says. A decisive code decides unless the diagnostic's wording names a more specific
 * cause; a suggestive one only decides when the wording names nothing.
 */
const enhancedCodeReasons: Readonly<Record<string, CodeReason>> = {
  '1.0': suggestive('user_unknown'),
  '1.1': decisive('user_unknown'),
  '1.2': decisive('host_unknown'),
  '1.3': decisive('user_unknown'),
  '1.4': suggestive('user_unknown'),
  '1.6': decisive('has_moved'),
  '1.7': decisive('rejected'),
  '1.8': decisive('rejected'),
  '1.10': decisive('not_accepted'),
  '2.0': suggestive('undefined'),
  '2.1': suggestive('suspended'),
  '2.2': decisive('mailbox_full'),
  '2.3': decisive('exceeded_limit'),
  '2.4': suggestive('system_error'),
  '3.0': suggestive('system_error'),
  '3.1': suggestive('system_error'),
  '3.2': suggestive('system_error'),
  '3.3': suggestive('system_error'),
  '3.4': decisive('message_too_big'),
  '3.5': suggestive('system_error'),
  '4.0': suggestive('network_error'),
  '4.1': suggestive('network_error'),
  '4.2': suggestive('network_error'),
  '4.3': suggestive('network_error'),
  '4.4': suggestive('host_unknown'),
  '4.5': suggestive('system_error'),
  '4.6': suggestive('system_error'),
  '4.7': decisive('expired'),
  '5.0': suggestive('syntax_error'),
  '5.1': suggestive('syntax_error'),
  '5.2': suggestive('syntax_error'),
  '5.3': suggestive('syntax_error'),
  '5.4': suggestive('syntax_error'),
  '5.5': suggestive('syntax_error'),
  '6.0': suggestive('content_error'),
  '7.0': suggestive('security_error'),
  '7.1': suggestive('policy_violation'),
  '7.2': suggestive('policy_violation'),
  '7.3': decisive('security_error'),
  '7.4': decisive('security_error'),
  '7.5': decisive('security_error'),
  '7.6': decisive('security_error'),
  '7.7': decisive('security_error'),
  '7.8': decisive('authentication_failure'),
  // Yahoo answers 554 5.7.9 for policy refusals of the message, not for weak authentication.
  '7.9': suggestive('authentication_failure'),
  '7.10': decisive('security_error'),
  '7.11': decisive('security_error'),
  '7.12': decisive('authentication_failure'),
  '7.13': decisive('suspended'),
  '7.14': decisive('authentication_failure'),
  '7.15': suggestive('policy_violation'),
  '7.16': decisive('message_too_big'),
  '7.17': decisive('has_moved'),
  '7.18': decisive('has_moved'),
  '7.20': decisive('authentication_failure'),
  '7.21': decisive('authentication_failure'),
  '7.22': decisive('authentication_failure'),
  '7.23': decisive('authentication_failure'),
  '7.24': decisive('authentication_failure'),
  '7.25': decisive('require_ptr'),
  '7.26': decisive('authentication_failure'),
  '7.27': decisive('rejected'),
  '7.28': decisive('speeding'),
  '7.29': decisive('authentication_failure'),
  '7.30': decisive('security_error'),
}

/** Microsoft's extended 5.7.5xx–5.7.7xx codes: refused for the sending IP or tenant (banned, block-listed, spam-sending). */
const microsoftBlockedDetail = { from: 500, to: 799 }
/** Microsoft's 5.7.133–5.7.136: the recipient is a group or mailbox that only accepts mail from allowed senders. */
const microsoftRestrictedDetail = { from: 133, to: 136 }

/** SMTP reply codes (RFC 5321, RFC 7504) when no enhanced code is given. */
const replyCodeReasons: Readonly<Record<string, CodeReason>> = {
  '421': suggestive('system_error'),
  '450': suggestive('suspended'),
  '451': suggestive('system_error'),
  '452': suggestive('mailbox_full'),
  '500': suggestive('syntax_error'),
  '501': suggestive('syntax_error'),
  '503': suggestive('syntax_error'),
  '521': decisive('not_accepted'),
  '550': suggestive('undefined'),
  '551': suggestive('has_moved'),
  '552': suggestive('mailbox_full'),
  '553': suggestive('user_unknown'),
  '554': suggestive('undefined'),
  '556': decisive('not_accepted'),
}

/** The reason a status code gives: an enhanced code (`5.1.1`) or a reply code (`550`). */
export function reasonOfCode(status: string | null): CodeReason | null {
  if (status === null) return null
  const enhanced = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(status)
  if (enhanced) {
    const subject = Number(enhanced[2])
    const detail = Number(enhanced[3])
    if (subject === 7 && detail >= microsoftRestrictedDetail.from && detail <= microsoftRestrictedDetail.to) return decisive('filtered')
    if (subject === 7 && detail >= microsoftBlockedDetail.from && detail <= microsoftBlockedDetail.to) return decisive('blocked')
    const exact = enhancedCodeReasons[`${subject}.${detail}`]
    if (exact !== undefined) return exact
    const other = enhancedCodeReasons[`${subject}.0`]
    return other === undefined ? null : { reason: other.reason, decisive: false }
  }
  return /^[45]\d\d$/.test(status) ? (replyCodeReasons[status] ?? null) : null
}

/**
 * The bounce type of a reason as reported: a delay warning is always `soft` (the server
 * is still trying); a failure with a temporary (4.x.x) code is `soft` unless the reason is
 * about our sender (`block`); otherwise the reason's type ({@link bounceReasonTypes}).
 */
export function bounceTypeOf(reason: BounceReason, report: { delayed: boolean; temporary: boolean }): BounceType {
  const type = bounceReasonTypes[reason]
  if (report.delayed) return 'soft'
  if (report.temporary) return type === 'block' ? 'block' : 'soft'
  return type
}
