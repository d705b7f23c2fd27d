import type { LanguagePhrases, RuleLanguage } from './phrases/language-phrases.js'
import type { LanguageWords } from './phrases/language-words.js'
import type { StructureReading } from './compile-structure.js'
import { countWords, type TextReading } from './normalize-text.js'

/** A signal found in one sentence of a reply. */
export interface SentenceHit {
  /** The sentence (folded). */
  phrase: string
  language: RuleLanguage
  /** Offset of the sentence in the folded text. */
  index: number
}

/** One language's compiled sentence-level patterns. */
export interface SentencePatterns {
  language: RuleLanguage
  affirmation: RegExp | null
  meetingTime: RegExp | null
  meetingProposal: RegExp | null
  contactLater: RegExp | null
  laterTime: RegExp | null
  /** A time far off ("next year", "in 2027"): global. */
  distantTime: RegExp | null
  /** A condition the writer no longer meets ("if we were still trading"): global. */
  falseCondition: RegExp | null
}

function union(sources: readonly string[] | undefined): RegExp | null {
  return sources === undefined || sources.length === 0 ? null : new RegExp(sources.map((source) => `(?:${source})`).join('|'))
}

export function compileSentencePatterns(language: LanguagePhrases): SentencePatterns {
  const affirmations = language.affirmations ?? []
  return {
    language: language.language,
    affirmation: affirmations.length === 0 ? null : new RegExp(`^(?:${affirmations.join('|')})(?=[\\s,.!;:)\\-–—]|$)`),
    meetingTime: union(language.meetingTimes),
    meetingProposal: union(language.meetingProposals),
    contactLater: union(language.contactLater),
    laterTime: union(language.laterTimes),
    distantTime: globalUnion(language.distantTimes),
    falseCondition: globalUnion(language.falseConditions),
  }
}

function globalUnion(sources: readonly string[] | undefined): RegExp | null {
  return sources === undefined || sources.length === 0 ? null : new RegExp(sources.map((source) => `(?:${source})`).join('|'), 'g')
}

/** Everything the phrase tables say about reading a reply's text and sentences, compiled (once per phrase set). */
export interface ReplyReading {
  text: TextReading
  sentence: SentenceReading
  structure: StructureReading
}

/** The sentence-level word lists of some languages, compiled (once per phrase set). */
export interface SentenceReading {
  /** Where a sentence splits into clauses: before a contrastive conjunction ("but", "aber", "mais"). Global; null when no language has any. */
  contrastive: RegExp | null
  /** What follows a yes that makes it an acknowledgement, not interest. */
  acknowledgement: RegExp
  /** What is left after a yes when the reply is only "yes, thanks". */
  onlyThanks: RegExp
  /** A negation in the sentence. */
  negation: RegExp | null
  /** A sentence about the past. */
  pastReference: RegExp | null
  /** Negations that agree or negate nothing ("no problem", "why not", "not opposed to", "no worries"), removed before looking for `negation` (global). */
  agreement: RegExp | null
  /** What may open a refusal sentence before the refusal itself: punctuation, an ellipsis, a contrastive or conceding word ("…", "but", "trotzdem:", "still,"). */
  refusalOpening: RegExp
  /**
   * What opens a contrast clause after interest (global): a contrastive conjunction
   * ("but", "however", "aber", "mais", "pero", "porém", "maar" after punctuation), a word of
   * regret ("unfortunately", "leider"), an ellipsis, or a dash between words.
   */
  contrastMarker: RegExp
  /** A word of regret or of a polite decline ("sorry", "thanks anyway", "leider", "trotzdem danke"). */
  regret: RegExp | null
  /** A hostile intention toward the sender ("block your domain"). */
  hostility: RegExp | null
}

/** Compiles the sentence-level word lists of some languages. */
export function compileSentenceReading(languages: readonly LanguageWords[]): SentenceReading {
  type ListField = 'contrastives' | 'concessives' | 'acknowledgements' | 'thanks' | 'sentenceNegations' | 'pastReferences' | 'agreeingNegations' | 'notNegatingNo'
  const all = (field: ListField | 'clauseBoundaries' | 'contrastivesAfterPunctuation' | 'regrets' | 'hostility') => languages.flatMap((language) => language[field] ?? [])
  const agreements = [...all('agreeingNegations'), ...all('notNegatingNo')]
  const contrastives = all('contrastives')
  const openers = [...contrastives, ...all('concessives')]
  const thanks = all('thanks')
  const afterPunctuation = all('contrastivesAfterPunctuation')
  const regrets = all('regrets')
  const free = [...new Set([...contrastives, ...all('clauseBoundaries'), ...regrets])].filter((word) => !afterPunctuation.includes(word))
  const markers = [
    '\\.{2,}(?=\\s*[a-z0-9])',
    '\u2026(?=\\s*[a-z0-9])',
    '\\s-{1,2}\\s',
    ...(free.length === 0 ? [] : [`(?<![a-z'])(?:${free.join('|')})\\b`]),
    ...(afterPunctuation.length === 0 ? [] : [`(?<=(?:^|[,;:.!?\u2026\\n]|\\s-)\\s*)(?:${afterPunctuation.join('|')})\\b`]),
  ]
  return {
    contrastive: contrastives.length === 0 ? null : new RegExp(`,?\\s+(?=(?:${contrastives.join('|')})\\b)`, 'g'),
    acknowledgement: new RegExp(`^[\\s,.!:-]*(?:${['\\?', ...all('acknowledgements')].join('|')})`),
    onlyThanks: new RegExp(`^[\\s,.!:-]*${thanks.length === 0 ? '' : `(?:${thanks.join('|')})?`}[\\s,.!]*$`),
    negation: union(all('sentenceNegations')),
    pastReference: union(all('pastReferences')),
    agreement: agreements.length === 0 ? null : new RegExp(`\\b(?:${agreements.join('|')})\\b`, 'g'),
    refusalOpening: new RegExp(`^(?:[\\s.…,:;!–—-]${openers.length === 0 ? '' : `|(?:${openers.join('|')})\\b`})*`),
    contrastMarker: new RegExp(markers.join('|'), 'g'),
    regret: regrets.length === 0 ? null : new RegExp(`(?<![a-z'])(?:${regrets.join('|')})\\b`),
    hostility: union(all('hostility')),
  }
}

/** Sentences of folded text with their offsets; a sentence keeps its closing punctuation. */
export function sentences(folded: string): { text: string; index: number }[] {
  const result: { text: string; index: number }[] = []
  for (const match of folded.matchAll(/[^.!?\n]+(?:[.!?]+|\n|$)/g)) {
    const text = match[0].trim()
    if (text !== '') result.push({ text, index: match.index })
  }
  return result
}

/**
 * Sentences split further at a contrastive conjunction ("I'm not free right now, but next
 * week works" → two clauses), so a negation in one half does not reach the other.
 */
export function clauses(folded: string, reading: SentenceReading): { text: string; index: number }[] {
  const result: { text: string; index: number }[] = []
  for (const sentence of sentences(folded)) {
    let start = 0
    for (const match of reading.contrastive === null ? [] : sentence.text.matchAll(reading.contrastive)) {
      const piece = sentence.text.slice(start, match.index).trim()
      if (piece !== '') result.push({ text: piece, index: sentence.index + start })
      start = match.index + match[0].length
    }
    const rest = sentence.text.slice(start).trim()
    if (rest !== '') result.push({ text: rest, index: sentence.index + start })
  }
  return result
}

/**
 * The affirmation a reply opens with ("Sure, …", "Grundsätzlich ja.", "Claro que sí, …"),
 * unless what follows only acknowledges receipt or thanks. `core` is the folded reply
 * without its greeting line. A yes-word counts when punctuation follows it or when its
 * language is one of the reply's two likeliest (`likely`): Portuguese "Já usamos …"
 * ("we already use") folds to "ja" but is not a German yes.
 */
export function findAffirmation(core: string, languages: readonly SentencePatterns[], likely: readonly RuleLanguage[], reading: SentenceReading): SentenceHit | null {
  for (const patterns of languages) {
    const match = patterns.affirmation?.exec(core)
    if (match === null || match === undefined) continue
    const rest = core.slice(match[0].length)
    if (!/^\s*[,.!;:)\-–—]/.test(rest) && !likely.includes(patterns.language)) continue
    if (reading.acknowledgement.test(rest) || reading.onlyThanks.test(rest)) return null
    return { phrase: match[0], language: patterns.language, index: 0 }
  }
  return null
}

/**
 * Sentences that propose or accept a meeting time: a day or time together with an offer
 * or acceptance word ("Thursday works", "passt Ihnen Donnerstag", "te va bien el jueves"),
 * or a short question naming a time ("Thursday 3pm CET?", "Kan donderdag om 10:00?").
 * A sentence that also asks about price or details (`isDetailQuestion`) is not a proposal
 * ("Can you send the pricing by Friday?").
 */
export function findMeetingProposals(
  folded: string,
  languages: readonly SentencePatterns[],
  isDetailQuestion: (sentence: string) => boolean,
  reading: SentenceReading,
): SentenceHit[] {
  const hits: SentenceHit[] = []
  for (const sentence of clauses(folded, reading)) {
    if (negatedOrPast(sentence.text, reading)) continue
    // A short question is a proposal when it is about a time: it names a time of day or
    // opens with the day or a length ("Thursday 3pm CET?", "Kan donderdag om 10:00?", "15 mins
    // Wednesday?") — not "Is Friday the deadline?". A meeting's length counts as a time.
    const shortQuestion = sentence.text.includes('?') && countWords(sentence.text) <= 6
    const duration = meetingDuration.exec(sentence.text)
    const language = languages.find((patterns) => {
      const time = patterns.meetingTime?.exec(sentence.text) ?? duration
      if (time === null || time === undefined) return false
      if (patterns.meetingProposal?.test(sentence.text) === true) return true
      return shortQuestion && (time.index === 0 || duration?.index === 0 || timeOfDay.test(sentence.text))
    })
    if (language === undefined || isDetailQuestion(sentence.text)) continue
    hits.push({ phrase: sentence.text, language: language.language, index: sentence.index })
  }
  return hits
}

/** A meeting's length, in any language: "15 mins", "20 minutes", "30 Minuten", "half an hour", "une demi-heure", "media hora", "meia hora", "half uurtje". */
export const meetingDuration =
  /\b(?:\d{1,2}|fifteen|twenty|thirty|quinze|vingt|trente|quince|veinte|treinta|vinte|trinta|vijftien|twintig|dertig|zehn|funfzehn|fuenfzehn|zwanzig|dreissig)[ -]?(?:min|mins|minutes?|minuten|minutos|minuti)\b|\b(?:half an hour|halbe stunde|demi-heure|media hora|meia hora|half uur(?:tje)?)\b/

/** A clock time: "3pm", "10:00", "14h", "10 Uhr", "om 10", "a las 11", "às 15". */
export const timeOfDay = /\b\d{1,2}(?:[:.h]\d{2}\b|\s?(?:am|pm|uhr|h)\b)|\b(?:om|a las|as|um|ab) \d{1,2}\b/

/**
 * A sentence with a negation ("I'm not free on Monday", "Tuesday doesn't work", "pas
 * jeudi", "kein Termin") or about the past ("Did you email me on Monday?", "You called last
 * week"): it proposes nothing. A negation that agrees or negates nothing ("No problem,
 * Thursday works", "Not opposed to Tuesday") does not count.
 */
export function negatedOrPast(sentence: string, reading: SentenceReading): boolean {
  return isNegated(sentence, reading) || reading.pastReference?.test(sentence) === true
}

/** A sentence with a negation, not counting negations that agree ("no problem", "why not"). */
export function isNegated(sentence: string, reading: SentenceReading): boolean {
  const negatable = reading.agreement === null ? sentence : sentence.replace(reading.agreement, ' ')
  return reading.negation?.test(negatable) === true
}

/** Sentences that ask to be contacted again at a later time ("Feel free to check back in a couple of months", "Escríbeme en junio"). */
export function findLaterContact(folded: string, languages: readonly SentencePatterns[]): SentenceHit[] {
  const hits: SentenceHit[] = []
  for (const sentence of sentences(folded)) {
    const language = languages.find((patterns) => patterns.contactLater?.test(sentence.text) === true && patterns.laterTime?.test(sentence.text) === true)
    if (language !== undefined) hits.push({ phrase: sentence.text, language: language.language, index: sentence.index })
  }
  return hits
}

/** Mentions of a later time anywhere in the reply ("in Q3", "nächstes Jahr", "en septiembre"). */
export function findLaterTimes(folded: string, languages: readonly SentencePatterns[]): SentenceHit[] {
  const hits: SentenceHit[] = []
  for (const patterns of languages) {
    const match = patterns.laterTime?.exec(folded)
    if (match) hits.push({ phrase: match[0], language: patterns.language, index: match.index })
  }
  return hits
}

/** How many words may stand between an interest phrase and a far-off time for the interest to be said for that time ("Happy to chat — in 2027", "happy to talk sometime next year"). */
const distantTimeReach = 3
/** A year written out ("2027"). */
const yearNumber = /\b(?:19|20)\d{2}\b/

/**
 * A far-off time right around an interest phrase, in its sentence ("Happy to chat — in 2027.
 * Ask me then.", "Gerne nächstes Jahr wieder", "On en reparle l'année prochaine"): the
 * interest is said for that time, so it is a timing objection. A year counts only when it
 * is later than `referenceYear` (the year the reply was written; any year when unknown).
 */
export function distantTimeAround(
  folded: string,
  start: number,
  end: number,
  languages: readonly SentencePatterns[],
  referenceYear: number | null,
): SentenceHit | null {
  let opening = start
  while (opening > 0 && !/[.!?\n]/.test(folded[opening - 1] ?? '')) opening -= 1
  const close = /[.!?\n]/.exec(folded.slice(end))
  const sentence = folded.slice(opening, close === null ? folded.length : end + close.index + 1)
  for (const patterns of languages) {
    const pattern = patterns.distantTime
    if (pattern === null) continue
    pattern.lastIndex = 0
    for (const match of sentence.matchAll(pattern)) {
      const at = opening + match.index
      const between = at >= end ? folded.slice(end, at) : at + match[0].length <= start ? folded.slice(at + match[0].length, start) : ''
      if (countWords(between) > distantTimeReach) continue
      const year = yearNumber.exec(match[0])
      if (year !== null && referenceYear !== null && Number(year[0]) <= referenceYear) continue
      return { phrase: sentence.trim(), language: patterns.language, index: opening }
    }
  }
  return null
}

/** Conditions the writer no longer meets ("if we were still trading", "si nous étions encore"), anywhere in the reply. */
export function findFalseConditions(folded: string, languages: readonly SentencePatterns[]): SentenceHit[] {
  const hits: SentenceHit[] = []
  for (const patterns of languages) {
    const pattern = patterns.falseCondition
    if (pattern === null) continue
    pattern.lastIndex = 0
    for (const match of folded.matchAll(pattern)) hits.push({ phrase: match[0], language: patterns.language, index: match.index })
  }
  return hits
}

/** A refusal sentence is short ("Thanks, but we're all set, sorry."): longer sentences are not read for one (characters). */
const longestRefusalSentence = 80
/** A dash between a refusal and its reason ("Not really - we book four meetings a month."). */
const reasonDash = /\s[-–—]+\s/

/**
 * Sentences after the first that are only a refusal ("Interested? No.", "book a call? with
 * you? lol no", "Definitely! …definitely not.", "Great pitch. Still a no.", "Tolle Idee.
 * Trotzdem: nein.", "Génial, encore un prestataire… Non."): a short refusal of some language
 * (`shortNegatives`, each matching a whole text), after an opening ellipsis, contrastive or
 * conceding word, and possibly followed by a dash and its reason ("Useful? Not really - we
 * book four meetings a month."). The last clause of any sentence, the first included, counts
 * too when a contrastive conjunction opens it ("Nice try, but no.", "Leuk geprobeerd, maar
 * nee."). A question ("No?") is not one.
 */
export function findRefusalSentences(
  folded: string,
  shortNegatives: readonly { language: RuleLanguage; pattern: RegExp }[],
  reading: SentenceReading,
): SentenceHit[] {
  const hits: SentenceHit[] = []
  let first = true
  for (const match of folded.matchAll(/[^.!?\n]+(?:[.!?]+|\n|$)/g)) {
    const text = match[0].trim()
    if (text === '') continue
    const opening = first
    first = false
    if (text.length > longestRefusalSentence || text.includes('?')) continue
    // "No. 5 Main Street" in a signature is an address, not a refusal.
    if (/^\s*\d/.test(folded.slice(match.index + match[0].length))) continue
    const candidates: { text: string; index: number }[] = opening ? [] : [{ text: match[0], index: match.index }]
    const tail = lastContrastiveClause(match[0], reading)
    if (tail !== null) candidates.push({ text: match[0].slice(tail), index: match.index + tail })
    for (const candidate of candidates) {
      const refusal = (candidate.text.trim().replace(reading.refusalOpening, '').split(reasonDash)[0] ?? '').trim()
      if (refusal === '') continue
      const language = shortNegatives.find((entry) => entry.pattern.test(refusal))
      if (language === undefined) continue
      hits.push({ phrase: refusal, language: language.language, index: candidate.index })
      break
    }
  }
  return hits
}

/** Where the clause after a sentence's last contrastive conjunction starts (at the conjunction), or null. */
function lastContrastiveClause(sentence: string, reading: SentenceReading): number | null {
  if (reading.contrastive === null) return null
  let last: number | null = null
  reading.contrastive.lastIndex = 0
  for (const match of sentence.matchAll(reading.contrastive)) last = match.index + match[0].length
  return last
}
