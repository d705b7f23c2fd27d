/**
 * What a message means.
 *
 * - `positive`: interest or a meeting request — a human is alerted.
 * - `question`: asks about price, details, how it works.
 * - `referral`: "not me, talk to …" (with the named address when given).
 * - `negative`: a refusal or objection.
 * - `unsubscribe`: any wish to stop receiving mail (wins over `negative`).
 * - `out_of_office`: an absence notice, maybe with a return date.
 * - `auto_reply`: any other automatic answer (ticket receipts, "we got your message").
 * - `bounce`: a delivery failure notice (see `bounce.type`).
 * - `complaint`: a spam complaint (ARF feedback report).
 * - `unknown`: unsure — low confidence, never a guess reported as certain.
 */
export type ReplyCategory =
  | 'positive'
  | 'question'
  | 'referral'
  | 'negative'
  | 'unsubscribe'
  | 'out_of_office'
  | 'auto_reply'
  | 'bounce'
  | 'complaint'
  | 'unknown'

/** Every reply category. */
export const replyCategories: readonly ReplyCategory[] = [
  'positive',
  'question',
  'referral',
  'negative',
  'unsubscribe',
  'out_of_office',
  'auto_reply',
  'bounce',
  'complaint',
  'unknown',
]

/**
 * Why a message bounced: the taxonomy the bounce-parsing field uses (Sisimai's reasons),
 * one value per cause. The {@link BounceType} follows from it (see `bounceTypeOfReason`):
 * only reasons that mean "this address will never work" are `hard`.
 *
 * | reason | meaning | type |
 * |---|---|---|
 * | `user_unknown` | the mailbox does not exist | hard |
 * | `host_unknown` | the domain does not exist or has no mail server | hard |
 * | `has_moved` | the person has moved; the server names a new address (5.1.6) | hard |
 * | `not_accepted` | the domain accepts no mail at all (null MX, RFC 7505) | hard |
 * | `mailbox_full` | the mailbox is over quota | soft |
 * | `exceeded_limit` | the message exceeds the recipient's own size limit | soft |
 * | `message_too_big` | the message exceeds the receiving server's size limit | soft |
 * | `suspended` | the mailbox exists but is disabled, suspended or inactive | soft |
 * | `expired` | the sending server gave up after retrying for days | soft |
 * | `network_error` | DNS, routing or connection problems on the way | soft |
 * | `system_error` | the receiving system failed (disk, configuration, loops) | soft |
 * | `on_hold` | the report says too little to decide yet | soft |
 * | `undefined` | a failure with no recognisable cause | soft |
 * | `filtered` | a recipient-side filter refused this message (allow lists, rules) | block |
 * | `rejected` | our envelope sender was refused | block |
 * | `blocked` | our sending IP or domain is on a block list or refused | block |
 * | `spam_detected` | the content was judged to be spam | block |
 * | `policy_violation` | a local policy refused the message (not spam, not authentication) | block |
 * | `security_error` | a security requirement was not met (TLS, encryption) | block |
 * | `no_relaying` | the server refused to relay for us | block |
 * | `authentication_failure` | SPF, DKIM or DMARC failed | block |
 * | `bad_reputation` | our IP or domain has a poor reputation | block |
 * | `require_ptr` | our IP lacks reverse DNS | block |
 * | `virus_detected` | a virus scanner refused the message | block |
 * | `content_error` | the content is malformed (MIME, headers, encoding) | block |
 * | `syntax_error` | an SMTP command or address syntax error | block |
 * | `speeding` | we sent too fast (rate limited) | block |
 * | `too_many_connections` | we opened too many connections | block |
 */
export type BounceReason =
  | 'user_unknown'
  | 'host_unknown'
  | 'has_moved'
  | 'not_accepted'
  | 'mailbox_full'
  | 'exceeded_limit'
  | 'message_too_big'
  | 'suspended'
  | 'expired'
  | 'network_error'
  | 'system_error'
  | 'on_hold'
  | 'undefined'
  | 'filtered'
  | 'rejected'
  | 'blocked'
  | 'spam_detected'
  | 'policy_violation'
  | 'security_error'
  | 'no_relaying'
  | 'authentication_failure'
  | 'bad_reputation'
  | 'require_ptr'
  | 'virus_detected'
  | 'content_error'
  | 'syntax_error'
  | 'speeding'
  | 'too_many_connections'

/**
 * The {@link BounceType} of each {@link BounceReason} for a permanent failure (a delay
 * warning or a temporary answer is always `soft`). The table in {@link BounceReason} says
 * why.
 */
export const bounceReasonTypes: Readonly<Record<BounceReason, BounceType>> = {
  user_unknown: 'hard',
  host_unknown: 'hard',
  has_moved: 'hard',
  not_accepted: 'hard',
  mailbox_full: 'soft',
  exceeded_limit: 'soft',
  message_too_big: 'soft',
  suspended: 'soft',
  expired: 'soft',
  network_error: 'soft',
  system_error: 'soft',
  on_hold: 'soft',
  undefined: 'soft',
  filtered: 'block',
  rejected: 'block',
  blocked: 'block',
  spam_detected: 'block',
  policy_violation: 'block',
  security_error: 'block',
  no_relaying: 'block',
  authentication_failure: 'block',
  bad_reputation: 'block',
  require_ptr: 'block',
  virus_detected: 'block',
  content_error: 'block',
  syntax_error: 'block',
  speeding: 'block',
  too_many_connections: 'block',
}

/** Every bounce reason. */
export const bounceReasons: readonly BounceReason[] = Object.keys(bounceReasonTypes) as BounceReason[]

/**
 * Kind of bounce, derived from its {@link BounceReason}.
 * - `hard`: the address will never work (user unknown, host unknown, has moved, not
 *   accepted) — suppressed by default.
 * - `soft`: temporary or about the mailbox's current condition (full, suspended, expired,
 *   network) — the sequence goes on later.
 * - `block`: the message or the sender was refused (spam, policy, reputation,
 *   authentication); says nothing about the address — counts against the sender's health,
 *   never against the prospect.
 */
export type BounceType = 'hard' | 'soft' | 'block'

/** Details of a bounce. */
export interface BounceDetails {
  type: BounceType
  /** Why it bounced (see {@link BounceReason}); `type` follows from it. */
  reason: BounceReason
  /** Enhanced status code (RFC 3463, `5.1.1`) or SMTP reply code (`550`) when known. */
  status: string | null
  /** The remote server's diagnostic text, when known. */
  diagnostic: string | null
  /** The recipient that bounced, when known. */
  recipient: string | null
  /** A delay warning: the sending server is still trying (never suppresses, never stops a lead). */
  delayed?: boolean
}

/** What a classifier returns. */
export interface ClassificationResult {
  category: ReplyCategory
  /** 0…1. Below the composer's threshold the next classifier is asked. */
  confidence: number
  /** Why, in words a user can act on ("DSN status 5.1.1 user unknown", "matched 'not interested'"). */
  reason: string
  /** Present when `category` is `bounce`. */
  bounce?: BounceDetails
  /** When an out-of-office sender is back, if the text says so. */
  returnDate?: Date
  /** For `referral`: the address the sender pointed to, when given. */
  referralEmail?: string
  /** Which classifier decided (filled by `composeClassifiers`). */
  classifier?: string
}
