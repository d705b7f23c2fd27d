import type { ClassificationResult, ReplyCategory } from '../domain/classification.js'
import { isBounceSubject, isComplaintSubject, isReadReceipt } from '../mime/automation-signals.js'
import type { ParsedMessage } from '../mime/parsed-message.js'
import type { ClassificationContext, ClassifierV1 } from '../ports/classifier-v1.js'
import { bounceFromDeliveryStatus, bounceFromText, bounceWordsOf, isMailSystemReport } from './classify-bounce.js'
import { compileLanguages } from './compile-languages.js'
import { analyzeIntent, builtInPhrases, negationsOf, structuresOf, type IntentAnalysis, type PhraseHit } from './detect-intent.js'
import { findReferralStructure, type ReferralParties } from './find-referral-structure.js'
import { foldText } from './normalize-text.js'
import { extractReturnDate, findReturnDate } from './extract-return-date.js'
import type { LanguagePhrases } from './phrases/language-phrases.js'
import { ruleConfidence } from './rule-confidence.js'

/** Options for {@link createRuleClassifier}. */
export interface RuleClassifierOptions {
  /** Name recorded with each classification. Default `rules`. */
  name?: string
  /**
   * Phrase tables to read messages with, one per language. Default: the built-in English,
   * German, French, Spanish, Portuguese and Dutch tables (`builtInPhrases`). Pass
   * `[...builtInPhrases, myItalianPhrases]` to add a language: everything the rules know
   * about a language (phrases, small word lists, structure words, bounce-notice words) is
   * in its table. Bounce notices are read with every built-in language's bounce words
   * (and Italian, Russian and Polish) whatever tables are passed, plus each table's own. The tables are
   * compiled once, when the classifier is created.
   */
  phrases?: readonly LanguagePhrases[]
}

/** How much of a message's text is read when it has no separate reply text (an automatic reply's notice), in characters. */
const noticeTextRead = 5000
/** A return date read after "until/bis/…" or as the end of a range (support 2) or after "back/zurück/…" (3) makes an automatic reply an absence notice; a date alone (1) does not. */
const returnDateSupportNeeded = 2
/** Absence phrases that make a text-only reply an absence notice without a return date. */
const absencePhrasesNeeded = 2
/** Automatic-answer phrases that make a text-only reply an automatic answer. */
const autoReplyPhrasesNeeded = 2
/** A bare yes ("Sure, …") counts by itself in a reply of at most this many words. */
const shortYesWords = 8

/**
 * Creates the built-in, deterministic classifier. It decides structure before words:
 *
 * 1. an ARF feedback report → `complaint`;
 * 2. a DSN with failed or delayed recipients, or a non-standard bounce (mail-system sender
 *    or bounce subject plus failure wording) → `bounce` with `hard` / `soft` / `block`;
 * 3. RFC 3834 `Auto-Submitted`, `X-Autoreply`/`X-Autorespond`, `Precedence: auto_reply`,
 *    auto-reply subjects, bulk/list mail and read receipts → `out_of_office` (with
 *    `returnDate`, also when the notice only names a date after "until" or a day range)
 *    or `auto_reply` (or `referral` when a "left the company" notice names a new address);
 * 4. only then the reply text (`replyText`, never the quoted pitch), in English, German,
 *    French, Spanish, Portuguese and Dutch, by phrases and by structure: `unsubscribe`
 *    (phrases, or removal/stop/never-again structures) wins over everything, then
 *    out-of-office wording, `referral` (phrases, or a hand-off to an address, a Cc'd
 *    colleague or a role), refusals and timing objections (`negative`), interest and
 *    meeting requests (`positive`, unless negated; availability questions and contact
 *    offers count), `question`;
 * 5. anything else is `unknown` with low confidence.
 *
 * Never throws: odd input gives `unknown`.
 */
export function createRuleClassifier(options: RuleClassifierOptions = {}): ClassifierV1 {
  const name = options.name ?? 'rules'
  const phrases = options.phrases ?? builtInPhrases
  // Compile the phrase tables now, not on the first message.
  compileLanguages(phrases)
  bounceWordsOf(phrases)
  return {
    name,
    async classify(message: ParsedMessage, context: ClassificationContext): Promise<ClassificationResult> {
      let result: ClassificationResult
      try {
        result = classifyMessage(message, context, phrases)
      } catch (error) {
        result = {
          category: 'unknown',
          confidence: ruleConfidence.failed,
          reason: `the rule classifier failed on this message: ${error instanceof Error ? error.message : String(error)}`,
        }
      }
      return { ...result, classifier: name }
    },
  }
}

function result(category: ReplyCategory, confidence: number, reason: string, extra: Partial<ClassificationResult> = {}): ClassificationResult {
  return { category, confidence, reason, ...extra }
}

/** Classifies one message with the rules (pure, synchronous). */
export function classifyMessage(
  message: ParsedMessage,
  context: Partial<ClassificationContext> = {},
  phrases: readonly LanguagePhrases[] = builtInPhrases,
): ClassificationResult {
  const structural = classifyByStructure(message, context, phrases)
  if (structural !== null) return structural
  return classifyByText(message, context, phrases)
}

function classifyByStructure(
  message: ParsedMessage,
  context: Partial<ClassificationContext>,
  phrases: readonly LanguagePhrases[],
): ClassificationResult | null {
  const automation = message.automation
  const contentType = headerText(message, 'content-type').toLowerCase()

  // 1. Complaints (ARF, RFC 5965), whatever the report's parameters look like.
  if (message.feedbackReport !== null) {
    const type = message.feedbackReport.feedbackType ?? 'unspecified'
    if (type === 'not-spam') {
      return result('auto_reply', ruleConfidence.structural, 'ARF feedback report of type not-spam (the recipient says it is not spam: not a complaint)')
    }
    return result('complaint', ruleConfidence.report, `ARF feedback report (Feedback-Type: ${type})`)
  }
  if (/report-type\s*=\s*"?feedback-report/.test(contentType)) {
    return result('complaint', ruleConfidence.structural, 'multipart/report of type feedback-report')
  }

  // 2. Bounces, then every other report a mail system sends (success, relay, read receipts).
  const words = bounceWordsOf(phrases)
  if (message.deliveryStatus !== null) {
    const verdict = bounceFromDeliveryStatus(message, message.deliveryStatus, words)
    if (verdict !== null) return result('bounce', verdict.confidence, verdict.reason, { bounce: verdict.bounce })
    return result('auto_reply', ruleConfidence.structural, 'delivery status notification reporting successful delivery, relay or expansion')
  }
  const readReceipt = /report-type\s*=\s*"?disposition-notification/.test(contentType) || isReadReceipt(message.subject, message.text)
  if (readReceipt) {
    return result('auto_reply', ruleConfidence.structural, 'read receipt (message disposition notification)')
  }
  const bounceSubject = isBounceSubject(message.subject)
  const textBounce = bounceFromText(message, bounceSubject, words)
  if (textBounce !== null) return result('bounce', textBounce.confidence, textBounce.reason, { bounce: textBounce.bounce })
  if (complaintNotice(message)) {
    return result('complaint', ruleConfidence.indirect, 'abuse report from a feedback loop or forwarded with the original attached (no ARF part)')
  }
  if (/report-type\s*=\s*"?delivery-status/.test(contentType)) {
    return result('auto_reply', ruleConfidence.structural, 'delivery status notification without a failed recipient')
  }
  if (isMailSystemReport(message, words)) {
    return result('auto_reply', ruleConfidence.structural, 'report from a mail system that is not a delivery failure (success, relay or notice)')
  }

  // 3. Automatic replies.
  const signals: string[] = []
  if (automation.autoSubmitted !== null) signals.push(`Auto-Submitted: ${automation.autoSubmitted} header`)
  if (automation.autoReplyHeader) signals.push('X-Autoreply/X-Autorespond header')
  if (automation.precedence === 'auto_reply' || automation.precedence === 'auto-reply') signals.push(`Precedence: ${automation.precedence} header`)
  if (automation.autoReplySubject) signals.push('auto-reply subject')
  const bulk = automation.precedence === 'bulk' || automation.precedence === 'junk' || automation.precedence === 'list' || automation.listMessage
  if (signals.length === 0 && !bulk) return null

  const analysis = analyzeIntent(`${message.subject}\n${message.replyText || message.text.slice(0, noticeTextRead)}`, phrases)
  const languages = compileLanguages(phrases)
  const why = signals.length > 0 ? signals.join(', ') : `${automation.precedence ? `Precedence: ${automation.precedence}` : 'mailing-list'} header`
  if (analysis.outOfOffice.length > 0 || languages.absenceSubject?.test(message.subject) === true) {
    const returnDate = returnDateOf(message, analysis, phrases)
    return result('out_of_office', ruleConfidence.structural, `${why}; absence notice${returnDate ? ` (back ${returnDate.toISOString().slice(0, 10)})` : ''}`, returnDate ? { returnDate } : {})
  }
  // An automatic reply that names a date after "until" or as the end of a range ("vom 10.
  // bis 19. März") is an absence notice even without a known absence phrase.
  if (signals.length > 0 && analysis.leftCompany.length === 0) {
    const noticeText = `${message.subject}\n${message.replyText || message.text.slice(0, noticeTextRead)}`
    // Only a digit, a weekday or a month name can name a return date.
    const dated = languages.calendarWord.test(foldText(noticeText)) ? findReturnDate(noticeText, message.date ?? new Date(), analysis.languages, analysis.languages.length, phrases) : null
    // A calendar date, not a delay ("we will reply within 24 hours").
    if (dated !== null && dated.support >= returnDateSupportNeeded && languages.durationUnit?.test(dated.text) !== true) {
      return result('out_of_office', ruleConfidence.structural, `${why}; names a return date (${dated.date.toISOString().slice(0, 10)})`, { returnDate: dated.date })
    }
  }
  if (analysis.leftCompany.length > 0) {
    const referralEmail = findReferralEmail(message, analysis)
    if (referralEmail !== null) {
      return result('referral', ruleConfidence.indirect, `${why}; sender has left the company and names ${referralEmail}`, { referralEmail })
    }
    return result('auto_reply', ruleConfidence.structural, `${why}; sender has left the company (no new address given)`)
  }
  if (signals.length === 0) {
    // Bulk or list mail without an auto-reply header: a person may still have written it.
    const human = classifyByText(message, context, phrases)
    if (human.category !== 'unknown' && human.confidence >= ruleConfidence.clear) return human
    return result('auto_reply', ruleConfidence.circumstantial, `${why}: bulk or list mail, not a personal reply`)
  }
  return result('auto_reply', ruleConfidence.structural, why)
}

function classifyByText(message: ParsedMessage, context: Partial<ClassificationContext>, phrases: readonly LanguagePhrases[]): ClassificationResult {
  const ownSubject = writtenSubject(message, context)
  const text = ownSubject === null ? message.replyText : `${ownSubject}\n${message.replyText}`
  if (text.trim() === '') {
    return result('unknown', ruleConfidence.noText, message.text.trim() === '' ? 'the message has no text' : 'no new text above the quoted message')
  }
  // The date the reply was written tells whether a year it names is far off ("Happy to chat — in 2027").
  const analysis = analyzeIntent(text, phrases, message.date ?? context.now)
  const quote = (hits: readonly PhraseHit[]) => `'${hits[0]?.phrase ?? ''}'`

  if (analysis.unsubscribe.length > 0) {
    return result('unsubscribe', ruleConfidence.explicit, `matched ${quote(analysis.unsubscribe)}`)
  }
  if (analysis.stopRequest.length > 0) {
    return result('unsubscribe', ruleConfidence.clear, `asks to stop mail: ${quote(analysis.stopRequest)}`)
  }

  const proposals = analysis.meetingProposal.length + analysis.availability.length + analysis.contactOffer.length
  // A bare yes ("Sure, …") counts when the reply is short, asks something or has other
  // signs of interest; a yes that only opens a long statement says little.
  const affirmed = analysis.affirmation !== null && (analysis.words <= shortYesWords || analysis.questionMarks > 0 || analysis.positive.length > 0 || proposals > 0)
  const strongPositives = analysis.positive.length + proposals
  const positives = strongPositives + (analysis.shortPositive ? 1 : 0) + (affirmed ? 1 : 0)
  const negatives = analysis.negative.length + analysis.negatedPositive.length + (analysis.shortNegative ? 1 : 0)

  // Absence written without auto-reply headers: absence words with a return date, or
  // several absence phrases.
  if (analysis.outOfOffice.length >= 1 && positives === 0 && negatives === 0 && analysis.question.length === 0) {
    const returnDate = returnDateOf(message, analysis, phrases)
    const strong = returnDate !== null || analysis.outOfOffice.length >= absencePhrasesNeeded || compileLanguages(phrases).plainAbsence?.test(analysis.folded) === true
    if (strong) {
      return result('out_of_office', ruleConfidence.likely, `absence wording ${quote(analysis.outOfOffice)} without auto-reply headers`, returnDate ? { returnDate } : {})
    }
  }

  if (analysis.leftCompany.length > 0) {
    const referralEmail = findReferralEmail(message, analysis, context)
    if (referralEmail !== null) {
      return result('referral', ruleConfidence.clear, `matched ${quote(analysis.leftCompany)} and names ${referralEmail}`, { referralEmail })
    }
  }

  if (analysis.referral.length > 0) {
    const referralEmail = findReferralEmail(message, analysis, context)
    return result('referral', ruleConfidence.clear, `matched ${quote(analysis.referral)}${referralEmail ? `; refers to ${referralEmail}` : ''}`, referralEmail ? { referralEmail } : {})
  }

  // A hand-off found from the reply's structure (an address, a Cc'd colleague or a role
  // with a hand-off verb). Weaker than a phrase: explicit interest in a meeting wins.
  if (analysis.positive.length === 0 && proposals === 0) {
    const structure = findReferralStructure(message.replyText, referralParties(message, context), structuresOf(phrases), negationsOf(phrases), compileLanguages(phrases).reading)
    // With a refusal, only an explicit hand-off to an address counts ("No thanks. Reach out to
    // dan@… instead."), not a colleague copied in for information ("Not interested. Maria, FYI.").
    const firmRefusal = analysis.negative.length + analysis.negatedPositive.length > 0
    if (structure !== null && (!firmRefusal || (structure.via === 'hand-off' && structure.strength === 'address'))) {
      const referralEmail = structure.referralEmail
      const confidence = structure.strength === 'address' ? ruleConfidence.clear : ruleConfidence.circumstantial
      return result('referral', confidence, `hands the conversation to someone else: '${structure.phrase}'${referralEmail ? `; refers to ${referralEmail}` : ''}`, referralEmail ? { referralEmail } : {})
    }
  }

  const firmNegatives = analysis.negative.length + analysis.negatedPositive.length
  if (analysis.undecided.length > 0 && analysis.positive.length === 0 && proposals === 0 && firmNegatives === 0) {
    return result('unknown', ruleConfidence.undecided, `undecided: matched ${quote(analysis.undecided)}`)
  }

  if (analysis.deferral.length > 0) {
    return result('negative', positives > 0 ? ruleConfidence.likely : ruleConfidence.clear, `timing objection: matched ${quote(analysis.deferral)}`)
  }

  // Only a bare yes, with a refusal ("Yes, we already use X") or a later time ("Sure, in Q3").
  if (strongPositives === 0 && positives > 0 && (firmNegatives > 0 || analysis.laterTime.length > 0)) {
    const why = firmNegatives > 0 ? `matched ${quote([...analysis.negative, ...analysis.negatedPositive])} after a bare yes` : `a bare yes for later (${quote(analysis.laterTime)}): timing objection`
    return result('negative', ruleConfidence.likely, why)
  }

  // A refusal from its structure (an incumbent, "can't … right now") counts only when the
  // reply shows no interest and asks nothing.
  if (analysis.objection.length > 0 && positives === 0 && negatives === 0 && analysis.questionMarks === 0 && analysis.undecided.length === 0) {
    return result('negative', ruleConfidence.circumstantial, `refusal: ${quote(analysis.objection)}`)
  }

  // Interest followed by a contrast clause that asks something instead of moving forward
  // ("Sounds good, but does it work with Outlook?"): a question.
  const asked = analysis.contested.find((entry) => entry.verdict === 'question')
  if (asked !== undefined && positives === 0) {
    const confidence = analysis.question.length > 0 ? ruleConfidence.question : ruleConfidence.weak
    return result('question', confidence, `interest ${quote([asked.interest])} followed by a contrast clause that asks: '${shorten(asked.clause)}'`)
  }

  if (negatives > 0 && positives === 0) {
    // Interest taken back by a contrast clause that refuses, and no other refusal phrase.
    const contrast = analysis.contested.find((entry) => entry.verdict === 'refusal')
    if (contrast !== undefined && analysis.negative.every((hit) => analysis.contested.some((entry) => entry.index === hit.index)) && analysis.negatedPositive.length === 0) {
      return result('negative', ruleConfidence.circumstantial, `interest ${quote([contrast.interest])} taken back by a contrast clause that refuses: '${shorten(contrast.clause)}'`)
    }
    const hits = [...analysis.negative, ...analysis.negatedPositive]
    const phrase = hits.length > 0 ? quote(hits) : `'${analysis.shortNegative?.phrase ?? ''}'`
    const confidence = analysis.negative.length > 0 || analysis.negatedPositive.length > 0 ? ruleConfidence.clear : ruleConfidence.likely
    return result('negative', confidence, `matched ${phrase}${analysis.negatedPositive.length > 0 && analysis.negative.length === 0 ? ' (negated)' : ''}`)
  }

  if (positives > 0 && negatives === 0) {
    if (analysis.positive.length > 0) return result('positive', ruleConfidence.clear, `matched ${quote(analysis.positive)}`)
    if (analysis.meetingProposal.length > 0) return result('positive', ruleConfidence.clear, `proposes or accepts a meeting time: ${quote(analysis.meetingProposal)}`)
    if (analysis.availability.length > 0) return result('positive', ruleConfidence.clear, `asks about or offers availability: ${quote(analysis.availability)}`)
    if (analysis.contactOffer.length > 0) return result('positive', ruleConfidence.clear, `asks to be called or messaged: ${quote(analysis.contactOffer)}`)
    const affirmation = analysis.shortPositive ?? analysis.affirmation
    return result('positive', ruleConfidence.likely, `${analysis.shortPositive ? 'short affirmative reply' : 'opens with a yes'} '${affirmation?.phrase ?? ''}'`)
  }

  if (positives > 0 && negatives > 0) {
    const positiveHits = [...analysis.positive, ...analysis.meetingProposal, ...analysis.availability, ...analysis.contactOffer, ...[analysis.shortPositive, affirmed ? analysis.affirmation : null].filter((hit) => hit !== null)]
    const negativeHits = [...analysis.negative, ...analysis.negatedPositive, ...[analysis.shortNegative].filter((hit) => hit !== null)]
    return result('unknown', ruleConfidence.mixed, `mixed signals: matched ${quote(positiveHits)} and ${quote(negativeHits)}`)
  }

  // Interest followed by a contrast clause that takes no step forward ("Looks great, though
  // we're a team of three."): not a yes the rules can vouch for, so no alert; a model after
  // the rules (`composeClassifiers`) decides.
  const open = analysis.contested.find((entry) => entry.verdict === 'open')
  if (open !== undefined && positives === 0 && negatives === 0) {
    return result('unknown', ruleConfidence.mixed, `interest ${quote([open.interest])} followed by a contrast clause with no step forward: '${shorten(open.clause)}'`)
  }

  if (analysis.question.length > 0) {
    return result('question', ruleConfidence.question, `matched ${quote(analysis.question)}`)
  }
  // A question needs words: a reply of only "?" asks nothing that can be answered.
  if (analysis.questionMarks > 0 && analysis.words > 0) {
    return result('question', ruleConfidence.weak, 'asks a question (no known phrase)')
  }
  if (analysis.autoReply.length >= autoReplyPhrasesNeeded) {
    return result('auto_reply', ruleConfidence.likely, `automatic-answer wording ${quote(analysis.autoReply)} without auto-reply headers`)
  }
  return result('unknown', ruleConfidence.unsure, 'no rule matched the reply text')
}

/** A clause quoted in a reason, cut to a readable length. */
function shorten(clause: string): string {
  return clause.length > 80 ? `${clause.slice(0, 77)}...` : clause
}

/**
 * Reply and forward prefixes of mail clients in many locales ("Re:", "AW:", "Antw:", "SV:",
 * "RIF:", "RES:", "TR:", "WG:", "ENC:"): they tell the mail client's language, not the
 * writer's, so they are not phrase-table data.
 */
const replyPrefix = /^\s*(?:(?:re|aw|antw|antwort|sv|vs|r|rif|res|ref|tr|fw|fwd|wg|enc)\s*(?:\[\d+\])?\s*:\s*)+/i

/**
 * The subject when the sender wrote it themselves (no "Re:"-style prefix and not our own
 * subject): people answer "Unsubscribe" or "Not interested" in the subject line alone.
 */
function writtenSubject(message: ParsedMessage, context: Partial<ClassificationContext>): string | null {
  const subject = message.subject.trim()
  if (subject === '' || replyPrefix.test(subject)) return null
  const ours = context.outboundEmail?.subject?.trim()
  if (ours !== undefined && ours !== '' && subject.toLowerCase() === ours.toLowerCase()) return null
  return subject
}

function returnDateOf(message: ParsedMessage, analysis: IntentAnalysis, phrases: readonly LanguagePhrases[]): Date | null {
  const reference = message.date ?? new Date()
  const text = `${message.subject}\n${message.replyText || message.text.slice(0, noticeTextRead)}`
  return extractReturnDate(text, reference, analysis.languages, phrases)
}

const emailPattern = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g

/** The address a referral points to: in the reply text after the phrase, else a Cc'd person. */
function findReferralEmail(message: ParsedMessage, analysis: IntentAnalysis, context: Partial<ClassificationContext> = {}): string | null {
  const excluded = new Set<string>()
  if (message.from?.address) excluded.add(message.from.address.toLowerCase())
  for (const address of message.to) excluded.add(address.address.toLowerCase())
  if (context.lead?.email) excluded.add(context.lead.email.toLowerCase())
  const usable = (address: string) => {
    const lower = address.toLowerCase()
    return !excluded.has(lower) && !/^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster)@/.test(lower)
  }
  const text = message.replyText || message.text.slice(0, noticeTextRead)
  const candidates = [...text.matchAll(emailPattern)].map((match) => match[0].replace(/\.+$/, ''))
  const found = candidates.find(usable)
  if (found !== undefined) return found
  if (analysis.referral.length > 0) {
    const cc = message.cc.map((address) => address.address).find((address) => address !== '' && usable(address))
    if (cc !== undefined) return cc
  }
  return null
}

/** The parties around a reply, for the referral structure: whose addresses are not a referral target, the sender's domain and first name, the Cc. */
function referralParties(message: ParsedMessage, context: Partial<ClassificationContext>): ReferralParties {
  const excluded = new Set<string>()
  const from = message.from?.address.toLowerCase() ?? ''
  if (from !== '') excluded.add(from)
  for (const address of message.to) excluded.add(address.address.toLowerCase())
  if (context.lead?.email) excluded.add(context.lead.email.toLowerCase())
  const first = foldText(message.from?.name ?? '').trim().split(/\s+/)[0] ?? ''
  return {
    excluded,
    senderDomain: from.includes('@') ? (from.split('@')[1] ?? null) : null,
    senderFirstName: /^[a-z]{2,}$/.test(first) ? first : null,
    cc: message.cc.map((address) => ({ name: address.name, address: address.address })),
  }
}

function headerText(message: ParsedMessage, name: string): string {
  const value = message.headers[name]
  if (value === undefined) return ''
  return Array.isArray(value) ? value.join(' ') : value
}

/** Local parts of feedback-loop and abuse-desk senders (Microsoft JMRP writes from `staff@`). */
const feedbackLoopSender = /^(?:abuse|fbl|feedback(?:loop)?|complaints?|scomp|arf|spam(?:report)?|report-?spam|junk|staff)[-_.@+]|@(?:[a-z0-9-]+\.)*spamcop\./

/** Complaint wording in the first lines of a forwarded complaint. */
const complaintWording =
  /\b(?:this is an? (?:e-?mail )?abuse report|this is (?:spam|junk|unsolicited)|(?:reported|marked|flagged) (?:the (?:following|attached) (?:message|e-?mail) |this (?:message|e-?mail) |it )?as (?:spam|junk|unsolicited)|spam complaint|complaint (?:from .{1,60} )?about (?:the )?(?:attached|following|this)|unsolicited (?:commercial )?e-?mail (?:was )?(?:received|reported)|offending message|spamcop)\b/i

/**
 * A complaint without an ARF part: a feedback loop's or abuse desk's notice ("Abuse
 * report", JMRP's "complaint about message from …", AOL's "Client TOS Notification"), or
 * a complaint forwarded as a plain message with our original attached.
 */
function complaintNotice(message: ParsedMessage): boolean {
  const fromLoop = feedbackLoopSender.test(message.from?.address.toLowerCase() ?? '')
  const original = message.originalMessageId !== null
  // The wording is read only where it can decide (most replies have neither condition).
  const wording = () => complaintWording.test(message.text.slice(0, 2000))
  if (fromLoop) return isComplaintSubject(message.subject) || (original && wording())
  return original && isComplaintSubject(message.subject) && wording()
}
