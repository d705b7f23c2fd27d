import { dutchPhrases } from './phrases/dutch.js'
import { englishPhrases } from './phrases/english.js'
import { frenchPhrases } from './phrases/french.js'
import { germanPhrases } from './phrases/german.js'
import type { LanguagePhrases, RuleLanguage } from './phrases/language-phrases.js'
import { portuguesePhrases } from './phrases/portuguese.js'
import { spanishPhrases } from './phrases/spanish.js'
import { countWords, expandShorthand, foldText, isElidedNegation, withoutPoliteness, wordsAfter, wordsBefore } from './normalize-text.js'
import { distantTimeAround, findAffirmation, findFalseConditions, findLaterContact, findLaterTimes, findMeetingProposals, findRefusalSentences, type SentenceReading } from './sentence-signals.js'
import type { CompiledStructure } from './compile-structure.js'
import { compileLanguages, patternCategories, type CompiledLanguages, type CompiledPhrases } from './compile-languages.js'
import { findContestedInterest, type ContestedInterest } from './find-contrast-clauses.js'
import { findMeetingLogistics } from './find-meeting-logistics.js'
import { findObjections } from './find-objections.js'
import { findStopRequests, wantsNoMail } from './find-stop-requests.js'

/** Every built-in language's phrases. */
export const builtInPhrases: readonly LanguagePhrases[] = [
  englishPhrases,
  germanPhrases,
  frenchPhrases,
  spanishPhrases,
  portuguesePhrases,
  dutchPhrases,
]

/** One phrase found in a reply. */
export interface PhraseHit {
  /** The matched words (folded). */
  phrase: string
  language: RuleLanguage
  /** Offset in the folded text. */
  index: number
}

/** What the phrase rules found in a reply text. */
export interface IntentAnalysis {
  /** The folded text that was read. */
  folded: string
  /** Interest that no negation reaches. */
  positive: PhraseHit[]
  /** Interest phrases that a negation reaches ("not interested", "interessiert uns nicht"). */
  negatedPositive: PhraseHit[]
  question: PhraseHit[]
  referral: PhraseHit[]
  negative: PhraseHit[]
  deferral: PhraseHit[]
  undecided: PhraseHit[]
  unsubscribe: PhraseHit[]
  outOfOffice: PhraseHit[]
  autoReply: PhraseHit[]
  leftCompany: PhraseHit[]
  /** The whole reply is a short affirmation ("Yes please!"). */
  shortPositive: PhraseHit | null
  /** The reply opens with a yes ("Sure, …", "Grundsätzlich ja.", "Claro que sí, …"). */
  affirmation: PhraseHit | null
  /** Sentences that propose or accept a meeting time ("Does Tuesday work?", "Passt Ihnen Donnerstag um 10 Uhr?"). */
  meetingProposal: PhraseHit[]
  /** A later time the reply names ("in Q3", "nächstes Jahr"): with only a bare yes, it is a timing objection. */
  laterTime: PhraseHit[]
  /** Requests to stop mail found from their structure (removal, stop, never-again): `unsubscribe`. */
  stopRequest: PhraseHit[]
  /** Questions about the reader's availability, or the writer's own with a time ("Are you around Thursday?", "What's your availability like?"). */
  availability: PhraseHit[]
  /** Asking to be called or messaged, with a number or a time ("Ping me on WhatsApp +44 …", "Bel me morgen even"). */
  contactOffer: PhraseHit[]
  /** Refusals from their structure: an incumbent ("our current vendor", "ya contamos con") or a negation with the present ("can't … right now"). */
  objection: PhraseHit[]
  /**
   * Interest taken back by a later contrast clause with no step forward ("Sounds great, but
   * we have a freeze on new vendors. Sorry!"): a `refusal` is also among `negative`; an
   * `open` one leaves the reply undecided. Its interest phrases are no longer in `positive`.
   */
  contested: ContestedInterest[]
  /** The whole reply is a short refusal ("No."), or the reply opens with "No," */
  shortNegative: PhraseHit | null
  /** Question marks in the reply. */
  questionMarks: number
  words: number
  /** Languages ordered by how many of their frequent words the text has (best first). */
  languages: RuleLanguage[]
}

/** How much of a reply is read (characters): longer texts are cut. */
const textRead = 20_000
/** A reply of at most this many words (without its greeting) may be a short "Yes please!" or "No.". */
const shortReplyWords = 8
/** How far a negation reaches back from an interest phrase (words, same clause): "I'm really not that interested". */
const negationReachBefore = 4
/** How far a negation reaches forward from an interest phrase (words, same clause): "Das interessiert uns nicht". */
const negationReachAfter = 3
/** How many of its first words tell a reply's language. */
const languageSampleWords = 400
/** How many of the reply's likeliest languages a yes-word without punctuation may be in. */
const likelyLanguages = 2

/** Strips a greeting line so "Hi Sam,\n\nYes please!" is judged as "Yes please!". */
function withoutGreeting(folded: string, greetingLine: RegExp | null): string {
  const lines = folded.split('\n').map((line) => line.trim()).filter((line) => line !== '')
  while (greetingLine !== null && lines.length > 1 && greetingLine.test(lines[0] ?? '')) lines.shift()
  return lines.join('\n').trim()
}

/**
 * Finds interest, questions, referrals, refusals, timing objections, unsubscribe wishes and
 * automatic-answer phrases in a reply text, in every built-in language at once. A positive
 * phrase reached by a negation in its clause ("not", "nicht", "pas", "no", "não", "niet",
 * before it; "nicht", "pas", "niet" after it) is reported as `negatedPositive`.
 *
 * Interest is also read in its context: a later sentence that is only a refusal takes it
 * back ("Interested? No.", "Definitely! …definitely not."), a condition the writer no longer
 * meets refuses it ("if we were still trading"), interest in not being mailed asks to stop
 * mail, and interest for a far-off time ("Happy to chat — in 2027") is a timing objection;
 * a refusal of one thing followed by "but" and interest in another, with a request after
 * it, does not count as a refusal. `writtenAt` (when the reply was written) tells whether a
 * year is far off; without it any year is.
 */
export function analyzeIntent(text: string, phrases: readonly LanguagePhrases[] = builtInPhrases, writtenAt?: Date): IntentAnalysis {
  const set = compileLanguages(phrases)
  const compiled = set.languages
  const reading = set.reading
  const folded = expandShorthand(foldText(text.length > textRead ? text.slice(0, textRead) : text), reading.text)
  // Unsubscribe and referral requests are read without "please"/"bitte"/"alsjeblieft" and
  // similar fillers, which sit anywhere in them ("haal mij alsjeblieft van de lijst").
  const lean = withoutPoliteness(folded, reading.text)
  const analysis: IntentAnalysis = {
    folded,
    positive: [],
    negatedPositive: [],
    question: [],
    referral: [],
    negative: [],
    deferral: [],
    undecided: [],
    unsubscribe: [],
    outOfOffice: [],
    autoReply: [],
    leftCompany: [],
    shortPositive: null,
    shortNegative: null,
    affirmation: null,
    meetingProposal: [],
    laterTime: [],
    stopRequest: [],
    availability: [],
    contactOffer: [],
    objection: [],
    contested: [],
    questionMarks: (folded.replace(/https?:\/\/\S+/g, '').match(/\?/g) ?? []).length,
    words: countWords(folded),
    languages: rankLanguages(folded, compiled),
  }
  const { negationsBefore, negationsAfter } = set

  for (const language of compiled) {
    for (const category of patternCategories) {
      const pattern = language.patterns[category]
      if (pattern === null) continue
      pattern.lastIndex = 0
      const source = category === 'unsubscribe' || category === 'referral' ? lean : folded
      for (const match of source.matchAll(pattern)) {
        if (match[0] === '') continue
        const hit: PhraseHit = { phrase: match[0].trim(), language: language.source.language, index: match.index }
        if (category === 'positive') {
          const before = wordsBefore(source, match.index, negationReachBefore, reading.text)
          const after = wordsAfter(source, match.index + match[0].length, negationReachAfter, reading.text)
          const negated =
            before.some((word, position) => isNegation(word, before[position + 1], negationsBefore, set)) ||
            after.some((word) => negationsAfter.has(word)) ||
            negatedInside(match[0], set)
          if (negated) analysis.negatedPositive.push(hit)
          else analysis.positive.push(hit)
        } else if (category === 'unsubscribe') {
          if (!isNegatedRequest(source, match.index, match[0], set)) analysis.unsubscribe.push(hit)
        } else if (category === 'referral') {
          // "looping in nobody", "cc'ing no one": a referral phrase that names no one.
          const after = wordsAfter(source, match.index + match[0].length, 2, reading.text)
          if (set.nobody.has(after[0] ?? '') || set.nobody.has(after.join(' '))) continue
          // "I'll talk to my boss", "let me check with our CFO": the writer deliberates.
          if (set.deliberationVerb?.test(hit.phrase) === true && set.firstPersonIntent?.test(wordsBefore(source, match.index, 3, reading.text).join(' ')) === true) continue
          analysis.referral.push(hit)
        } else {
          analysis[category].push(hit)
        }
      }
    }
  }

  const core = withoutGreeting(folded, set.greetingLine)
  if (countWords(core) <= shortReplyWords) {
    const firstLine = core.split('\n')[0] ?? ''
    for (const language of compiled) {
      const candidates = [core, firstLine]
      if (analysis.shortPositive === null && language.shortPositive !== null) {
        const found = candidates.find((candidate) => language.shortPositive?.test(candidate))
        if (found !== undefined) analysis.shortPositive = { phrase: found, language: language.source.language, index: 0 }
      }
      if (analysis.shortNegative === null && language.shortNegative !== null) {
        const found = candidates.find((candidate) => language.shortNegative?.test(candidate))
        if (found !== undefined) analysis.shortNegative = { phrase: found, language: language.source.language, index: 0 }
      }
    }
  }
  if (analysis.shortNegative === null) {
    const opening = set.leadingNo?.exec(core)
    if (opening) {
      const word = opening[0].split(/[^a-z]/)[0] ?? ''
      const language = compiled.find((candidate) => candidate.bareNo?.test(word) === true)?.source.language ?? compiled[0]?.source.language ?? 'en'
      analysis.shortNegative = { phrase: opening[0], language, index: 0 }
    }
  }
  const sentencePatterns = compiled.map((language) => language.sentence)
  analysis.affirmation = findAffirmation(core, sentencePatterns, analysis.languages.slice(0, likelyLanguages), reading.sentence)
  const isDetailQuestion = (sentence: string) => compiled.some((language) => language.detailQuestion?.test(sentence) === true)
  analysis.meetingProposal = findMeetingProposals(folded, sentencePatterns, isDetailQuestion, reading.sentence)
  analysis.deferral.push(...findLaterContact(folded, sentencePatterns))
  analysis.laterTime = findLaterTimes(folded, sentencePatterns)
  const structures = structuresOf(phrases)
  analysis.stopRequest = findStopRequests(lean, structures, negationsBefore, set.negationsAfterVerb, reading).map(({ phrase, index, language }) => ({ phrase, index, language }))
  const logistics = findMeetingLogistics(folded, structures, sentencePatterns, reading.sentence)
  analysis.availability = logistics.availability
  analysis.contactOffer = logistics.contactOffer
  analysis.objection = findObjections(folded, structures, negationsBefore, reading).map(({ phrase, index, language }) => ({ phrase, index, language }))
  // A sentence after the first that is only a refusal ("Interested? No.", "…definitely not.",
  // "Trotzdem: nein.") refuses; a condition the writer no longer meets ("if we were still
  // trading") refuses the interest said on it.
  const shortNegatives = compiled.flatMap((language) => (language.shortNegative === null ? [] : [{ language: language.source.language, pattern: language.shortNegative }]))
  const refusalSentences = findRefusalSentences(folded, shortNegatives, reading.sentence)
  const falseConditions = anyFalseCondition(compiled, folded) ? findFalseConditions(folded, sentencePatterns) : []
  analysis.negative.push(...refusalSentences, ...falseConditions)
  // Interest that a refusal sentence ends, with no interest after it: the reply takes it back
  // ("Definitely! …definitely not.", "book a call? with you? lol no", "Looks great! Not for us though.").
  const interest = [...analysis.positive, ...analysis.meetingProposal, ...analysis.availability, ...analysis.contactOffer]
  const closingRefusals = refusalSentences.filter((refusal) => !interest.some((hit) => hit.index > refusal.index))
  const takenBack = (hit: PhraseHit) => closingRefusals.some((refusal) => refusal.index > hit.index)
  analysis.meetingProposal = analysis.meetingProposal.filter((hit) => !takenBack(hit))
  analysis.availability = analysis.availability.filter((hit) => !takenBack(hit))
  analysis.contactOffer = analysis.contactOffer.filter((hit) => !takenBack(hit))
  // An interest phrase inside a longer phrase of another kind is read as that phrase: "if we're interested" (undecided), "interested to know who gave you my address" (a question), "interested in other things" (a refusal).
  const containing = [...analysis.undecided, ...analysis.question, ...analysis.negative]
  analysis.positive = analysis.positive.filter(
    (hit) =>
      !containing.some((other) => overlaps(other, hit)) &&
      !isAskedAbout(folded, hit, analysis.question) &&
      !softensRefusal(folded, hit, analysis, reading.sentence.contrastive) &&
      !takenBack(hit) &&
      !falseConditions.some((condition) => sentenceStart(folded, condition.index) === sentenceStart(folded, hit.index)),
  )
  // Interest in not being mailed ("Would you be interested in not emailing me?") asks to stop mail.
  const unwanted = analysis.positive.filter((hit) => wantsNoMail(folded, hit.index + hit.phrase.length, structures, negationsBefore, reading))
  analysis.stopRequest.push(...unwanted)
  // A yes whose object is stopping contact ("Gladly, if you stopped emailing me", "Graag, als jullie ophielden met mailen").
  const yes = analysis.affirmation
  if (yes !== null && wantsNoMail(core, yes.phrase.length, structures, negationsBefore, reading)) {
    analysis.stopRequest.push(yes)
    analysis.affirmation = null
  }
  // Interest for a far-off time ("Happy to chat — in 2027.") is a timing objection.
  const referenceYear = writtenAt === undefined || Number.isNaN(writtenAt.getTime()) ? null : writtenAt.getUTCFullYear()
  const forLater = analysis.positive.flatMap((hit) => {
    const later = distantTimeAround(folded, hit.index, hit.index + hit.phrase.length, sentencePatterns, referenceYear)
    return later === null ? [] : [{ hit, later }]
  })
  analysis.deferral.push(...forLater.map(({ later }) => later))
  analysis.positive = analysis.positive.filter((hit) => !unwanted.includes(hit) && !forLater.some((entry) => entry.hit === hit))
  // A refusal of one thing before "but" and interest in another, with a request after it
  // ("Not interested in another tool as such, but I am interested in the reply rates. Can we
  // get 20 minutes on the calendar?"), refuses only that thing.
  const narrowed = (hit: PhraseHit) => narrowsRefusal(folded, hit, analysis, reading.sentence)
  analysis.negative = analysis.negative.filter((hit) => !narrowed(hit))
  analysis.negatedPositive = analysis.negatedPositive.filter((hit) => !narrowed(hit))
  // Interest that a later contrast clause takes back, with no step forward after it ("Love
  // it, but we have a freeze on new vendors. Sorry!", "Great timing - I was about to block
  // your domain."): a refusal, or undecided.
  const forward = [...analysis.positive, ...analysis.meetingProposal, ...analysis.availability, ...analysis.contactOffer]
  const refusals = [...analysis.negative, ...analysis.negatedPositive, ...analysis.objection, ...analysis.deferral, ...analysis.stopRequest]
  analysis.contested = findContestedInterest(folded, analysis.positive, { forward, refusals }, sentencePatterns, structures, reading.sentence)
  if (analysis.contested.length > 0) {
    const contested = new Set(analysis.contested.map((entry) => entry.interest))
    analysis.positive = analysis.positive.filter((hit) => !contested.has(hit))
    const refused = analysis.contested.filter((entry) => entry.verdict === 'refusal')
    analysis.negative.push(...refused.filter((entry, position) => refused.findIndex((other) => other.index === entry.index) === position).map((entry) => ({ phrase: entry.clause, language: entry.interest.language, index: entry.index })))
    // A yes the reply opens with is taken back with the interest after it ("Sure, sounds good, but …").
    const affirmation = analysis.affirmation
    if (affirmation !== null && analysis.contested.some((entry) => entry.index > affirmation.index)) analysis.affirmation = null
  }
  return analysis
}

/**
 * A refusal followed, in its sentence, by a contrastive conjunction and interest, and by
 * more interest (a request, a time, a call) in a later sentence: the refusal narrows the
 * offer, the reply is interested.
 */
function narrowsRefusal(folded: string, refusal: PhraseHit, analysis: IntentAnalysis, reading: SentenceReading): boolean {
  if (reading.contrastive === null) return false
  const end = sentenceEnd(folded, refusal.index + refusal.phrase.length)
  const interest = [...analysis.positive, ...analysis.meetingProposal, ...analysis.availability, ...analysis.contactOffer]
  if (!interest.some((hit) => hit.index >= end)) return false
  reading.contrastive.lastIndex = 0
  for (const match of folded.slice(refusal.index + refusal.phrase.length, end).matchAll(reading.contrastive)) {
    const conjunction = refusal.index + refusal.phrase.length + match.index + match[0].length
    if (analysis.positive.some((hit) => hit.index > conjunction && hit.index < end)) return true
  }
  return false
}

const falseConditionUnions = new WeakMap<readonly CompiledPhrases[], RegExp | null>()

/** Whether any language's false condition is in the text: one expression for all languages (cached per phrase set), so most replies skip the per-language search. */
function anyFalseCondition(compiled: readonly CompiledPhrases[], folded: string): boolean {
  let union = falseConditionUnions.get(compiled)
  if (union === undefined) {
    const sources = compiled.flatMap((language) => language.source.falseConditions ?? [])
    union = sources.length === 0 ? null : new RegExp(sources.map((source) => `(?:${source})`).join('|'))
    falseConditionUnions.set(compiled, union)
  }
  return union !== null && union.test(folded)
}

/** Two hits share some of their text. */
function overlaps(one: PhraseHit, other: PhraseHit): boolean {
  return one.index < other.index + other.phrase.length && other.index < one.index + one.phrase.length
}

/** Where the sentence around `index` starts (after the previous `.`, `!`, `?` or line break). */
function sentenceStart(folded: string, index: number): number {
  let start = index
  while (start > 0 && !/[.!?\n]/.test(folded[start - 1] ?? '')) start -= 1
  return start
}

/** Where the sentence around `index` ends (after its `.`, `!`, `?` or line break). */
function sentenceEnd(folded: string, index: number): number {
  const end = /[.!?\n]/.exec(folded.slice(index))
  return end === null ? folded.length : index + end.index + 1
}

/**
 * An interest phrase that a question phrase ends right before, in a question: what is asked
 * about, not said ("Why would I be interested?", "What makes you think I'd be interested?").
 */
function isAskedAbout(folded: string, hit: PhraseHit, questions: readonly PhraseHit[]): boolean {
  if (!folded.slice(hit.index, sentenceEnd(folded, hit.index)).includes('?')) return false
  return questions.some((question) => question.index < hit.index && folded.slice(question.index + question.phrase.length, hit.index).trim() === '')
}

/**
 * An interest phrase that only softens a refusal after a contrastive conjunction ("Sounds
 * great, but we're not interested", "Klingt gut, aber kein Interesse", "Parece ótimo, mas não
 * temos interesse", "Looks interesting. But not for us."): it stands before the conjunction,
 * in its sentence (or in the sentence before, when the conjunction opens one), and the clause
 * after the conjunction refuses. Not when the reply asks something or shows interest after
 * the conjunction ("Interested, but we don't need a demo — what's the price?").
 */
function softensRefusal(folded: string, hit: PhraseHit, analysis: IntentAnalysis, contrastive: RegExp | null): boolean {
  if (contrastive === null || analysis.questionMarks > 0 || analysis.question.length > 0) return false
  const refusals = [...analysis.negative, ...analysis.negatedPositive, ...analysis.objection, ...analysis.deferral]
  if (refusals.length === 0) return false
  const interest = [...analysis.positive, ...analysis.meetingProposal, ...analysis.availability, ...analysis.contactOffer]
  for (const match of folded.matchAll(contrastive)) {
    const conjunction = match.index + match[0].length
    if (conjunction <= hit.index) continue
    const opening = sentenceStart(folded, conjunction)
    // The conjunction opens a sentence: the interest may be in the sentence before it.
    const scope = folded.slice(opening, conjunction).trim() === '' && opening > 0 ? sentenceStart(folded, opening - 1) : opening
    if (hit.index < scope) continue
    const clauseEnd = sentenceEnd(folded, conjunction)
    if (!refusals.some((refusal) => refusal.index >= conjunction && refusal.index < clauseEnd)) continue
    return !interest.some((other) => other.index >= conjunction)
  }
  return false
}

/**
 * An unsubscribe phrase negated before its verb ("please don't remove me", "don't take me
 * off the list") or after it ("entfernen Sie mich nicht", "verwijder me niet").
 */
function isNegatedRequest(source: string, index: number, matched: string, set: CompiledLanguages): boolean {
  // A request that itself opens with a negation ("don't email me again") is a request.
  if (set.requestNegationOpening?.test(matched) === true) return false
  const before = wordsBefore(source, index, 5, set.reading.text).join(' ')
  if (set.negatedRequests.some((pattern) => pattern.test(`${before} ${matched}`))) return true
  return wordsAfter(source, index + matched.length, 3, set.reading.text).some((word) => set.negationAfterVerb.has(word))
}

/** An interest phrase with a negation inside it ("not interested"), except one that agrees ("why not"). */
function negatedInside(phrase: string, set: CompiledLanguages): boolean {
  if (set.negationInPhrase === null) return false
  return set.negationInPhrase.test(set.agreeingNegation === null ? phrase : phrase.replace(set.agreeingNegation, ''))
}

/** A negation word, except "no" in "no problem", "no worries", "no doubt". */
function isNegation(word: string, next: string | undefined, negations: ReadonlySet<string>, set: CompiledLanguages): boolean {
  if (isElidedNegation(word, set.reading.text)) return true
  if (!negations.has(word)) return false
  return !(next !== undefined && set.notNegatingNo.has(`${word} ${next}`))
}

function rankLanguages(folded: string, compiled: readonly CompiledPhrases[]): RuleLanguage[] {
  const words = folded.split(/[^a-z']+/).filter((word) => word !== '').slice(0, languageSampleWords)
  const scored = compiled.map((language, order) => ({
    language: language.source.language,
    order,
    score: words.reduce((sum, word) => sum + (language.stopwords.has(word) ? 1 : 0), 0),
  }))
  scored.sort((a, b) => b.score - a.score || a.order - b.order)
  return scored.map((entry) => entry.language)
}

const structureCache = new WeakMap<readonly LanguagePhrases[], CompiledStructure[]>()
const negationCache = new WeakMap<readonly LanguagePhrases[], ReadonlySet<string>>()

/** The compiled structure words of these phrase sets (for the referral structure, which needs the message's parties). */
export function structuresOf(phrases: readonly LanguagePhrases[] = builtInPhrases): CompiledStructure[] {
  const cached = structureCache.get(phrases)
  if (cached !== undefined) return cached
  const structures = compileLanguages(phrases)
    .languages.map((language) => language.structure)
    .filter((structure) => structure !== null)
  structureCache.set(phrases, structures)
  return structures
}

/** Every negation word of these phrase sets ("not", "nicht", "pas", "no", "não", "niet", …). */
export function negationsOf(phrases: readonly LanguagePhrases[] = builtInPhrases): ReadonlySet<string> {
  const cached = negationCache.get(phrases)
  if (cached !== undefined) return cached
  const negations = new Set(phrases.flatMap((language) => [...language.negationsBefore, ...language.negationsAfter]))
  negationCache.set(phrases, negations)
  return negations
}
