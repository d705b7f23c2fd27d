import type { BounceDetails, BounceType } from '../domain/classification.js'
import type { DeliveryStatus, DeliveryStatusRecipient, ParsedMessage } from '../mime/parsed-message.js'
import { isMailerDaemonAddress } from '../mime/automation-signals.js'
import type { BounceWords } from './phrases/bounce-words.js'
import { dutchBounceWords } from './phrases/dutch-bounce.js'
import { englishBounceWords } from './phrases/english-bounce.js'
import { frenchBounceWords } from './phrases/french-bounce.js'
import { germanBounceWords } from './phrases/german-bounce.js'
import { italianBounceWords } from './phrases/italian-bounce.js'
import type { LanguagePhrases } from './phrases/language-phrases.js'
import { ruleConfidence } from './rule-confidence.js'
import { portugueseBounceWords } from './phrases/portuguese-bounce.js'
import { spanishBounceWords } from './phrases/spanish-bounce.js'

/** How much of a DSN's human-readable text is read for the bounce type (characters). */
const deliveryStatusTextRead = 4000
/** How much of a non-standard notice is read (characters): the failure is told near the top. */
const noticeTextRead = 20_000
/** The longest diagnostic line kept (characters). */
const diagnosticLineLength = 500

/** A bounce and the words that explain it. */
export interface BounceVerdict {
  bounce: BounceDetails
  reason: string
  confidence: number
}

/** Protocol and product names in bounce notices: the same in every language. */
const technicalWords: Required<Pick<BounceWords, 'failure' | 'hard' | 'block'>> = {
  failure: ['qmail-send'],
  hard: ['nxdomain'],
  /** Block lists, filters and authentication schemes. */
  block: ['\\brbl\\b', '\\bdnsbl\\b', 'spamhaus', 'spamcop', 'barracuda', 'sorbs', 'proofpoint', 'mimecast', 'dmarc', '\\bspf\\b', '\\bdkim\\b'],
}
/** Mail systems named the same in every language. */
const technicalMailSystemNames = ['postmaster', 'mailer-daemon', 'microsoft outlook']

/**
 * Bounce words of every language the classifier always reads notices in: the six reply
 * languages and Italian. A mail server writes in its own language, whatever the lead
 * writes in, so these apply whichever phrase tables a classifier is given; a table's own
 * `bounce` words are added to them.
 */
export const builtInBounceWords: readonly BounceWords[] = [
  englishBounceWords,
  germanBounceWords,
  frenchBounceWords,
  spanishBounceWords,
  portugueseBounceWords,
  dutchBounceWords,
  italianBounceWords,
]

/** Bounce words of several languages, each family compiled into one case-insensitive expression (null when no language has words for it). */
export interface CompiledBounceWords {
  /** Temporary conditions: retry later, mailbox full, rate limited. */
  soft: RegExp | null
  /** Wording that overrides "deferred"/"try later": the sender is refused for good. */
  permanent: RegExp | null
  /** The address does not exist or no longer accepts mail. */
  hard: RegExp | null
  /** The address may be fine; the message or sender was refused (spam, policy, reputation, authentication). */
  block: RegExp | null
  /** The remote server refused our sender (verification, authentication), not the lead's address: checked before `hard`, whose words may describe our own return path. */
  senderRefused: RegExp | null
  /** Words in a non-standard bounce that say delivery failed. */
  failure: RegExp | null
  /** Words in a delay warning: the server is still trying. */
  delay: RegExp | null
  /** A delay warning's subject. */
  delaySubject: RegExp | null
  /** A permanent failure's last-resort wording. */
  rejected: RegExp | null
  /** Display names of mail systems. */
  mailSystemName: RegExp
  /** Where a bounce notice ends and the returned copy of the message begins (a separator line, or a header block). */
  returnedCopy: RegExp
  /** Where the search for the failed recipient stops. */
  recipientSearchEnd: RegExp
}

function anyOf(sources: readonly string[], flags: string): RegExp | null {
  return sources.length === 0 ? null : new RegExp(sources.map((source) => `(?:${source})`).join('|'), flags)
}

/** Compiles the bounce words of several languages (once per classifier, never per message). */
export function compileBounceWords(languages: readonly BounceWords[]): CompiledBounceWords {
  const all = (field: keyof BounceWords, technical: readonly string[] = []) => [...languages.flatMap((language) => language[field] ?? []), ...technical]
  const separators = all('returnedCopySeparators')
  const lines = all('returnedCopyLines')
  const markers = all('returnedCopyMarkers')
  const copyStarts = [
    ...(separators.length > 0 ? [`[-=*_|]{2,}[^\\n]*\\b(?:${separators.join('|')})\\b[^\\n]*`] : []),
    ...(lines.length > 0 ? [`[-=*_ ]*(?:${lines.join('|')})[^\\n]*`] : []),
    '(?:received|return-path|dkim-signature|arc-seal|x-received):[^\\n]*',
  ]
  return {
    soft: anyOf(all('soft'), 'i'),
    permanent: anyOf(all('permanent'), 'i'),
    hard: anyOf(all('hard', technicalWords.hard), 'i'),
    block: anyOf(all('block', technicalWords.block), 'i'),
    senderRefused: anyOf(all('senderRefused'), 'i'),
    failure: anyOf(all('failure', technicalWords.failure), 'i'),
    delay: anyOf(all('delay'), 'i'),
    delaySubject: anyOf(all('delaySubject'), 'i'),
    rejected: anyOf(all('rejected'), 'i'),
    mailSystemName: new RegExp(all('mailSystemNames', technicalMailSystemNames).join('|'), 'i'),
    returnedCopy: new RegExp(`^[ \\t]*(?:${copyStarts.join('|')})$`, 'im'),
    recipientSearchEnd: new RegExp(
      `^\\s*(?:${markers.length > 0 ? `-+ ?(?:${markers.join('|')})|` : ''}received:|return-path:|from: .*\\n(?:.*\\n){0,3}\\s*(?:to|subject):)`,
      'im',
    ),
  }
}

const compiledBuiltIn = compileBounceWords(builtInBounceWords)
const compiledCache = new WeakMap<readonly LanguagePhrases[], CompiledBounceWords>()

/**
 * The compiled bounce words for a classifier reading these phrase tables: every built-in
 * language's, plus the `bounce` words of any table that brings its own (cached per array).
 */
export function bounceWordsOf(phrases: readonly LanguagePhrases[]): CompiledBounceWords {
  const cached = compiledCache.get(phrases)
  if (cached !== undefined) return cached
  const added = phrases.map((language) => language.bounce).filter((words): words is BounceWords => words !== undefined && !builtInBounceWords.includes(words))
  const compiled = added.length === 0 ? compiledBuiltIn : compileBounceWords([...builtInBounceWords, ...new Set(added)])
  compiledCache.set(phrases, compiled)
  return compiled
}

const enhancedStatusPattern = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/
const replyCodePattern = /(?<![\d.#-])([45][0-5]\d)(?=[ :-]|$)(?![ -]?\d{3})/m

/**
 * Decides hard, soft or block from an enhanced status code, an SMTP reply code and the
 * server's diagnostic text:
 * 1. a 4.x.x / 4xx code (or a delay) is temporary → soft;
 * 2. mailbox full, rate limits, timeouts → soft;
 * 3. the server refused our sender ("sender verify failed", "bad outbound sender") → block;
 * 4. "user unknown", "no such user", "account disabled", "relay access denied" → hard;
 * 5. spam, block lists, policy, reputation, authentication (SPF/DKIM/DMARC) → block;
 * 6. by code: 5.1.x, 5.2.1, 5.4.1, 5.4.4, 5.5.x → hard; 5.7.x → block; 5.2.2, 5.2.3, 5.3.x,
 *    5.4.x, 5.6.x → soft; reply code 552 → soft, 554 → block, 550/551/553 → hard;
 * 7. any other permanent failure → hard.
 */
export function bounceTypeFor(
  input: { status: string | null; diagnostic: string | null; delayed: boolean },
  words: CompiledBounceWords = compiledBuiltIn,
): { type: BounceType; why: string } {
  const text = input.diagnostic ?? ''
  const enhanced = input.status !== null ? enhancedStatusPattern.exec(input.status) : null
  const statusClass = enhanced?.[1] ?? (input.status !== null && /^[45]\d\d$/.test(input.status) ? input.status[0] : null)
  if (input.delayed || statusClass === '4') return { type: 'soft', why: 'temporary failure' }
  if (matches(words.soft, text) && !matches(words.permanent, text)) return { type: 'soft', why: describeMatch(words.soft, text) }
  if (matches(words.senderRefused, text)) return { type: 'block', why: describeMatch(words.senderRefused, text) }
  if (matches(words.hard, text)) return { type: 'hard', why: describeMatch(words.hard, text) }
  if (matches(words.block, text)) return { type: 'block', why: describeMatch(words.block, text) }
  if (enhanced) {
    const subject = Number(enhanced[2])
    const detail = Number(enhanced[3])
    if (subject === 1) return { type: 'hard', why: 'bad destination address' }
    if (subject === 2) {
      if (detail === 1) return { type: 'hard', why: 'mailbox disabled' }
      return { type: 'soft', why: detail === 2 ? 'mailbox full' : 'mailbox temporarily unavailable' }
    }
    if (subject === 7) return { type: 'block', why: 'rejected by security policy' }
    if (subject === 4 && (detail === 1 || detail === 4)) return { type: 'hard', why: 'recipient domain cannot be routed' }
    if (subject === 5) return { type: 'hard', why: 'mailbox unavailable' }
    if (subject === 3 || subject === 4 || subject === 6) return { type: 'soft', why: 'delivery problem on the receiving side' }
  }
  const replyCode = input.status !== null && /^[45]\d\d$/.test(input.status) ? input.status : replyCodePattern.exec(text)?.[1]
  if (replyCode === '552') return { type: 'soft', why: 'storage exceeded' }
  if (replyCode === '554') return { type: 'block', why: 'transaction refused' }
  if (matches(words.rejected, text)) return { type: 'hard', why: describeMatch(words.rejected, text) }
  return { type: 'hard', why: 'permanent failure' }
}

function matches(pattern: RegExp | null, text: string): boolean {
  return pattern !== null && pattern.test(text)
}

function describeMatch(pattern: RegExp | null, text: string): string {
  const match = pattern?.exec(text)
  return match ? `'${match[0].toLowerCase()}'` : ''
}

/** Enhanced status code (`5.1.1`) or SMTP reply code (`550`) found in diagnostic text. */
export function statusFromText(text: string): string | null {
  const enhanced = enhancedStatusPattern.exec(text)
  if (enhanced) return `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}`
  const reply = replyCodePattern.exec(text)
  return reply?.[1] ?? null
}

const actionRank: Record<string, number> = { failed: 3, delayed: 2 }

/** The recipient of a DSN that matters most: failed before delayed before anything else. */
function worstRecipient(status: DeliveryStatus): DeliveryStatusRecipient | null {
  let best: DeliveryStatusRecipient | null = null
  let bestRank = -1
  for (const recipient of status.recipients) {
    const statusClass = recipient.status?.[0]
    const rank = actionRank[recipient.action ?? ''] ?? (statusClass === '5' ? 3 : statusClass === '4' ? 2 : 0)
    if (rank > bestRank) {
      best = recipient
      bestRank = rank
    }
  }
  return bestRank >= 2 ? best : null
}

/**
 * A bounce read from an RFC 3464 delivery status notification, or null when the DSN only
 * reports successful delivery (relayed, delivered, expanded).
 */
export function bounceFromDeliveryStatus(message: ParsedMessage, status: DeliveryStatus, words: CompiledBounceWords = compiledBuiltIn): BounceVerdict | null {
  const recipient = worstRecipient(status)
  if (recipient === null) return null
  const delayed = recipient.action === 'delayed' || recipient.status?.startsWith('4') === true
  const diagnostic = recipient.diagnosticCode
  const statusCode = recipient.status ?? (diagnostic !== null ? statusFromText(diagnostic) : null)
  const { type, why } = bounceTypeFor(
    {
      status: statusCode,
      diagnostic: [diagnostic, delayed ? null : message.text.slice(0, deliveryStatusTextRead)].filter(Boolean).join('\n'),
      delayed,
    },
    words,
  )
  const code = statusCode === null ? 'without a status code' : `status ${statusCode}`
  return {
    bounce: { type, status: statusCode, diagnostic, recipient: recipient.finalRecipient ?? recipient.originalRecipient },
    reason: `DSN ${recipient.action ?? 'failure'} ${code}: ${type} bounce${why ? ` (${why})` : ''}`,
    confidence: ruleConfidence.report,
  }
}

/**
 * A bounce recognised from the text of a non-standard notice (qmail, old Exchange, Exim or
 * Sendmail without a DSN part, provider-specific formats): needs a mail-system sender or a
 * bounce subject, plus failure wording in the notice — or, from a mail-system sender, an
 * SMTP status or reply code next to an address, whatever the language. Only the notice is
 * read, never the returned copy of our message (whose headers say "DKIM", "spam", …).
 */
export function bounceFromText(message: ParsedMessage, hasBounceSubject: boolean, words: CompiledBounceWords = compiledBuiltIn): BounceVerdict | null {
  const fromSystem = message.automation.fromMailerDaemon || isMailerDaemonAddress(message.from?.address) || words.mailSystemName.test(message.from?.name ?? '')
  if (!(fromSystem || hasBounceSubject)) return null
  const body = noticePart(message.text.slice(0, noticeTextRead), words)
  const failure = matches(words.failure, body) || matches(words.failure, message.subject)
  const delay = matches(words.delay, body) || matches(words.delaySubject, message.subject)
  const diagnosticLine = findDiagnosticLine(body)
  const statusCode = diagnosticLine !== null ? statusFromText(diagnosticLine) : statusFromText(body)
  const codeNextToAddress = fromSystem && diagnosticLine !== null && statusCode !== null && /@/.test(body)
  if (!failure && !delay && !(fromSystem && hasBounceSubject) && !codeNextToAddress) return null
  const delayed = delay && !failure && !(statusCode !== null && statusCode.startsWith('5'))
  const { type, why } = bounceTypeFor({ status: statusCode, diagnostic: diagnosticLine ?? body, delayed }, words)
  const recipient = findRecipient(message, body, words)
  const sourceWords = fromSystem ? 'mail-system sender' : 'bounce subject'
  return {
    bounce: { type, status: statusCode, diagnostic: diagnosticLine, recipient },
    reason: `non-standard bounce (${sourceWords}${statusCode ? `, status ${statusCode}` : ''}): ${type} bounce${why ? ` (${why})` : ''}`,
    confidence: failure || delay ? ruleConfidence.bounceNotice : codeNextToAddress ? ruleConfidence.indirect : ruleConfidence.circumstantial,
  }
}

/** The notice part of a bounce body: everything before the returned copy of our message. */
function noticePart(body: string, words: CompiledBounceWords): string {
  const start = body.search(words.returnedCopy)
  return start > 0 ? body.slice(0, start) : body
}

/** The line of a bounce body that carries the remote server's answer. */
function findDiagnosticLine(body: string): string | null {
  const lines = body.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? ''
    if (enhancedStatusPattern.test(line) || /(?:^|[\s:;#(])[45]\d\d[ :-]/.test(line)) {
      const next = lines[index + 1] ?? ''
      const joined = /^\s+\S/.test(next) ? `${line.trim()} ${next.trim()}` : line.trim()
      if (/^(?:date|received|message-id|x-|arrival-date)/i.test(joined)) continue
      // Cut between code points: half an emoji is a lone surrogate, which a JSON column refuses.
      return joined.slice(0, /[\ud800-\udbff]/.test(joined.charAt(diagnosticLineLength - 1)) ? diagnosticLineLength - 1 : diagnosticLineLength)
    }
  }
  return null
}

const addressPattern = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g

/** The failed recipient named in a non-standard bounce: the first address that is not the mail system's nor ours. */
function findRecipient(message: ParsedMessage, body: string, words: CompiledBounceWords): string | null {
  const ours = new Set([...message.to, ...(message.from ? [message.from] : [])].map((address) => address.address.toLowerCase()))
  const headerStart = body.search(words.recipientSearchEnd)
  const searchable = headerStart > 0 ? body.slice(0, headerStart) : body
  for (const match of searchable.matchAll(addressPattern)) {
    const address = match[0].replace(/[.]+$/, '')
    const lower = address.toLowerCase()
    if (ours.has(lower) || isMailerDaemonAddress(lower)) continue
    return address
  }
  return null
}
