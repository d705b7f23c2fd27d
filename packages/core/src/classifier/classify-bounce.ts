import { bounceReasonTypes, type BounceDetails, type BounceReason, type BounceType } from '../domain/classification.js'
import { bounceReasonWordOrder, bounceTypeOf, reasonOfCode } from './bounce-reason.js'
import { technicalBounceWords } from './technical-bounce-words.js'
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
import { polishBounceWords } from './phrases/polish-bounce.js'
import { portugueseBounceWords } from './phrases/portuguese-bounce.js'
import { russianBounceWords } from './phrases/russian-bounce.js'
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

/**
 * Bounce words of every language the classifier always reads notices in: the six reply
 * languages, Italian, Russian and Polish. A mail server writes in its own language, whatever the lead
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
  russianBounceWords,
  polishBounceWords,
]

/** Bounce words of several languages, compiled into case-insensitive expressions (null when no language has words for a family). */
export interface CompiledBounceWords {
  /** The wording of each reason, in {@link bounceReasonWordOrder}. */
  reasons: readonly { reason: BounceReason; pattern: RegExp }[]
  /** Wording that overrides a delay: the refusal is for good. */
  permanent: RegExp | null
  /** Words in a non-standard bounce that say delivery failed. */
  failure: RegExp | null
  /** Words of a success or relay report. */
  success: RegExp | null
  /** Words in a delay warning: the server is still trying. */
  delay: RegExp | null
  /** A delay warning's subject. */
  delaySubject: RegExp | null
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

type BounceWordList = Exclude<keyof BounceWords, 'reasons'>

/** Compiles the bounce words of several languages (once per classifier, never per message); the language-neutral technical words are always added. */
export function compileBounceWords(languages: readonly BounceWords[]): CompiledBounceWords {
  const tables = [...languages, technicalBounceWords]
  const all = (field: BounceWordList) => tables.flatMap((language) => language[field] ?? [])
  const separators = all('returnedCopySeparators')
  const lines = all('returnedCopyLines')
  const markers = all('returnedCopyMarkers')
  const copyStarts = [
    ...(separators.length > 0 ? [`[-=*_|]{2,}[^\\n]*\\b(?:${separators.join('|')})\\b[^\\n]*`] : []),
    ...(lines.length > 0 ? [`[-=*_ ]*(?:${lines.join('|')})[^\\n]*`] : []),
    '(?:received|return-path|dkim-signature|arc-seal|x-received):[^\\n]*',
  ]
  const reasons = bounceReasonWordOrder.flatMap((reason) => {
    const pattern = anyOf(tables.flatMap((language) => language.reasons?.[reason] ?? []), 'i')
    return pattern === null ? [] : [{ reason, pattern }]
  })
  return {
    reasons,
    permanent: anyOf(all('permanent'), 'i'),
    failure: anyOf(all('failure'), 'i'),
    success: anyOf(all('success'), 'i'),
    delay: anyOf(all('delay'), 'i'),
    delaySubject: anyOf(all('delaySubject'), 'i'),
    mailSystemName: new RegExp(all('mailSystemNames').join('|'), 'i'),
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

/** What a bounce report says, as read from its fields or its text. */
export interface BounceReport {
  /** Enhanced status code or reply code, when known. */
  status: string | null
  /** The remote server's answer (the DSN's Diagnostic-Code, or the notice's diagnostic line). */
  diagnostic: string | null
  /** The rest of the notice (its human-readable part), read when the diagnostic names no cause. */
  notice: string
  /** A delay warning: the server is still trying. */
  delayed: boolean
  /** A failure with a temporary status: the server gave up retrying. */
  gaveUp?: boolean
}

/** Reasons whose wording says less than a decisive status code. */
const genericWordingReasons: ReadonlySet<BounceReason> = new Set<BounceReason>(['network_error', 'system_error', 'syntax_error', 'policy_violation', 'undefined'])

/** The server answered after the message's content was sent (a filter's verdict, not an address check). */
const afterDataPattern = /\b(?:in reply to (?:end of )?data(?: command)?|after (?:end of )?data|after the data command|at end of data|end of data command)\b|\bdata ?コマンド/i

/**
 * Decides why a message bounced and the bounce type that follows (see `BounceReason`):
 * 1. a failure the sending server gave up on after retrying — status x.4.7, or "retry
 *    timeout exceeded" wording — is `expired`;
 * 2. the diagnostic's wording, tried reason by reason in {@link bounceReasonWordOrder}
 *    (sender and message causes before mailbox causes), then the notice's wording;
 * 3. the status code (RFC 3463 enhanced code, else the SMTP reply code): a decisive code
 *    (5.1.1, 5.2.2, 5.7.26, …) wins over generic wording (network, system, policy), a
 *    suggestive one (5.7.1, 550) only decides when the wording names nothing;
 * 4. "user unknown" answered after the DATA command is a content `filtered` refusal;
 * 5. nothing recognisable: `on_hold` for a delay, `undefined` for a failure.
 *
 * The type is the reason's (hard only for user unknown, host unknown, has moved, not
 * accepted); a delay is always soft and a temporary failure never hard.
 */
export function bounceReasonFor(report: BounceReport, words: CompiledBounceWords = compiledBuiltIn): { reason: BounceReason; type: BounceType; why: string } {
  const diagnostic = report.diagnostic ?? ''
  const status = report.status ?? statusFromText(diagnostic)
  const temporary = status !== null && status.startsWith('4')
  const code = reasonOfCode(status)
  const decide = (reason: BounceReason, why: string) => ({ reason, type: bounceTypeOf(reason, { delayed: report.delayed, temporary }), why })

  if (!report.delayed) {
    if (report.gaveUp === true) {
      // The server gave up after temporary answers; a limit on our sending (rate, connections,
      // a block list) named in the last answer is the cause, anything else is plain expiry.
      const cause = findReason(words, diagnostic)
      if (cause !== null && bounceReasonTypes[cause.reason] === 'block') return decide(cause.reason, `gave up retrying after ${cause.why}`)
      return decide('expired', `failed with the temporary status ${status ?? ''}: the server gave up retrying`)
    }
    if (code?.reason === 'expired') return decide('expired', `status ${status ?? ''}: delivery time expired`)
    const expiredWords = findReason(words, diagnostic, 'expired') ?? findReason(words, report.notice, 'expired')
    if (expiredWords !== null) return decide('expired', `gave up after retrying: ${expiredWords.why}`)
  }
  // A delay is never expired, whatever its status says ("4.4.7 Message delayed").
  const codeReason = report.delayed && code?.reason === 'expired' ? null : code
  const wording = findReason(words, diagnostic) ?? (codeReason?.decisive === true ? null : findReason(words, report.notice))
  let chosen: { reason: BounceReason; why: string }
  if (wording !== null && !(codeReason?.decisive === true && (genericWordingReasons.has(wording.reason) || sameFamily(wording.reason, codeReason.reason)))) {
    chosen = wording
  } else if (codeReason !== null) {
    chosen = { reason: codeReason.reason, why: `status ${status ?? ''}` }
  } else if (diagnostic.trim() === '') {
    chosen = { reason: 'on_hold', why: 'the report gives no answer from the receiving server' }
  } else {
    chosen = { reason: report.delayed ? 'on_hold' : 'undefined', why: report.delayed ? 'still trying, no cause given' : 'no recognisable cause' }
  }
  // A temporary "host not found" is DNS trouble ("Host not found, try again"), not a missing domain.
  if (chosen.reason === 'host_unknown' && (report.delayed || temporary)) chosen = { reason: 'network_error', why: `${chosen.why}, temporary` }
  if (chosen.reason === 'user_unknown' && !report.delayed && (afterDataPattern.test(diagnostic) || afterDataPattern.test(report.notice))) {
    return decide('filtered', `${chosen.why}, answered after the message content was sent (a filter, not an unknown address)`)
  }
  return decide(chosen.reason, chosen.why)
}

/** Size wording: 5.2.2 says which size it is about better than words do ("mailbox size limit exceeded" is a full mailbox). */
const sizeReasons: ReadonlySet<BounceReason> = new Set<BounceReason>(['mailbox_full', 'exceeded_limit', 'message_too_big'])

function sameFamily(wording: BounceReason, code: BounceReason): boolean {
  return code === 'mailbox_full' && sizeReasons.has(wording)
}

/** The first reason (or only `only`) whose wording appears in the text; `expired` is only looked for on its own. */
function findReason(words: CompiledBounceWords, text: string, only?: BounceReason): { reason: BounceReason; why: string } | null {
  if (text === '') return null
  for (const { reason, pattern } of words.reasons) {
    if (only !== undefined ? reason !== only : reason === 'expired') continue
    const match = pattern.exec(text)
    if (match) return { reason, why: `'${match[0].toLowerCase().replace(/\s+/g, ' ')}'` }
  }
  return null
}

function matches(pattern: RegExp | null, text: string): boolean {
  return pattern !== null && pattern.test(text)
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
  const temporary = recipient.status?.startsWith('4') === true
  // A failed recipient with a temporary status: the server gave up retrying (expired).
  const gaveUp = recipient.action === 'failed' && temporary
  const delayed = !gaveUp && (recipient.action === 'delayed' || temporary)
  const diagnostic = recipient.diagnosticCode
  const statusCode = recipient.status ?? (diagnostic !== null ? statusFromText(diagnostic) : null)
  const { reason, type, why } = bounceReasonFor(
    { status: statusCode, diagnostic, notice: noticePart(message.text.slice(0, deliveryStatusTextRead), words), delayed, gaveUp },
    words,
  )
  const code = statusCode === null ? 'without a status code' : `status ${statusCode}`
  return {
    bounce: { type, reason, status: statusCode, diagnostic, recipient: recipient.finalRecipient ?? recipient.originalRecipient, ...(delayed ? { delayed } : {}) },
    reason: `DSN ${recipient.action ?? 'failure'} ${code}: ${type} bounce, ${reason.replace(/_/g, ' ')}${why ? ` (${why})` : ''}`,
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
  // A 2.x.x status is a success report ("250 2.0.0 Ok: queued"), never a bounce.
  if (statusCode !== null && statusCode.startsWith('2') && !failure) return null
  const codeNextToAddress = fromSystem && diagnosticLine !== null && statusCode !== null && /@/.test(body)
  if (!failure && !delay && !(fromSystem && hasBounceSubject) && !codeNextToAddress) return null
  const delayed = delay && !failure && !(statusCode !== null && statusCode.startsWith('5')) && !matches(words.permanent, body)
  const { reason, type, why } = bounceReasonFor({ status: statusCode, diagnostic: diagnosticLine, notice: body, delayed }, words)
  const recipient = findRecipient(message, body, words)
  const sourceWords = fromSystem ? 'mail-system sender' : 'bounce subject'
  return {
    bounce: { type, reason, status: statusCode, diagnostic: diagnosticLine, recipient, ...(delayed ? { delayed } : {}) },
    reason: `non-standard bounce (${sourceWords}${statusCode ? `, status ${statusCode}` : ''}): ${type} bounce, ${reason.replace(/_/g, ' ')}${why ? ` (${why})` : ''}`,
    confidence: failure || delay ? ruleConfidence.bounceNotice : codeNextToAddress ? ruleConfidence.indirect : ruleConfidence.circumstantial,
  }
}

/**
 * A report from a mail system that is not a failure: a success, relay or expansion
 * notice (its wording, or a 2.x.x status), or anything else a mailer daemon sends. Such a
 * message is never a person's reply.
 */
export function isMailSystemReport(message: ParsedMessage, words: CompiledBounceWords = compiledBuiltIn): boolean {
  const { automation } = message
  const fromDaemon = automation.fromMailerDaemon || isMailerDaemonAddress(message.from?.address)
  if (fromDaemon && (automation.autoSubmitted !== null || automation.nullReturnPath || /^(?:mailer-daemon|mail-daemon|mailerdaemon)@/i.test(message.from?.address ?? ''))) return true
  // Success wording is read only from a machine sender: a person's reply never gets this far.
  const machine = fromDaemon || automation.nullReturnPath || automation.autoSubmitted !== null || words.mailSystemName.test(message.from?.name ?? '')
  if (!machine) return false
  const head = `${message.subject}\n${noticePart(message.text.slice(0, noticeTextRead), words)}`
  return matches(words.success, head) || /(?:^|[\s:;(])2\.\d{1,3}\.\d{1,3}(?![\d.])/.test(head)
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
