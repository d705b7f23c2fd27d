import { dutchPhrases } from './phrases/dutch.js'
import { englishPhrases } from './phrases/english.js'
import { frenchPhrases } from './phrases/french.js'
import { germanPhrases } from './phrases/german.js'
import type { LanguagePhrases, RuleLanguage } from './phrases/language-phrases.js'
import { portuguesePhrases } from './phrases/portuguese.js'
import { spanishPhrases } from './phrases/spanish.js'
import { countWords, expandShorthand, foldText, withoutPoliteness, wordsAfter, wordsBefore } from './normalize-text.js'
import { compileSentencePatterns, findAffirmation, findLaterContact, findLaterTimes, findMeetingProposals, type SentencePatterns } from './sentence-signals.js'
import { compileStructure, type CompiledStructure } from './compile-structure.js'
import { findMeetingLogistics } from './find-meeting-logistics.js'
import { findObjections } from './find-objections.js'
import { findStopRequests } from './find-stop-requests.js'

/** Every built-in language's phrases. */
export const builtInPhrases: readonly LanguagePhrases[] = [
  englishPhrases,
  germanPhrases,
  frenchPhrases,
  spanishPhrases,
  portuguesePhrases,
  dutchPhrases,
]

type PatternCategory =
  | 'positive'
  | 'question'
  | 'referral'
  | 'negative'
  | 'deferral'
  | 'undecided'
  | 'unsubscribe'
  | 'outOfOffice'
  | 'autoReply'
  | 'leftCompany'

const patternCategories: readonly PatternCategory[] = [
  'positive',
  'question',
  'referral',
  'negative',
  'deferral',
  'undecided',
  'unsubscribe',
  'outOfOffice',
  'autoReply',
  'leftCompany',
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
  /** The whole reply is a short refusal ("No."), or the reply opens with "No," */
  shortNegative: PhraseHit | null
  /** Question marks in the reply. */
  questionMarks: number
  words: number
  /** Languages ordered by how many of their frequent words the text has (best first). */
  languages: RuleLanguage[]
}

interface CompiledPhrases {
  source: LanguagePhrases
  patterns: Record<PatternCategory, RegExp | null>
  shortPositive: RegExp | null
  shortNegative: RegExp | null
  stopwords: ReadonlySet<string>
  sentence: SentencePatterns
  /** The language's detail questions (price, how it works), not global: for testing one sentence. */
  detailQuestion: RegExp | null
  /** The language's structure words, compiled (null when it has none). */
  structure: CompiledStructure | null
}

const compiledCache = new WeakMap<readonly LanguagePhrases[], CompiledPhrases[]>()

function compile(phrases: readonly LanguagePhrases[]): CompiledPhrases[] {
  const cached = compiledCache.get(phrases)
  if (cached) return cached
  const compiled = phrases.map((language) => {
    const patterns = {} as Record<PatternCategory, RegExp | null>
    for (const category of patternCategories) {
      const sources = language[category]
      patterns[category] = sources.length === 0 ? null : new RegExp(sources.map((source) => `(?:${source})`).join('|'), 'gm')
    }
    const whole = (sources: readonly string[]) =>
      sources.length === 0 ? null : new RegExp(`^(?:${sources.join('|')})[\\s.!,]*$`)
    return {
      source: language,
      patterns,
      shortPositive: whole(language.shortPositive),
      shortNegative: whole(language.shortNegative),
      stopwords: new Set(language.stopwords),
      sentence: compileSentencePatterns(language),
      detailQuestion: language.question.length === 0 ? null : new RegExp(language.question.map((source) => `(?:${source})`).join('|')),
      structure: compileStructure(language.language, language.structure),
    }
  })
  compiledCache.set(phrases, compiled)
  return compiled
}

const greetingLine =
  /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|hi there|guten (?:tag|morgen|abend)|sehr geehrte[rs]?|liebe[rs]?|moin|servus|bonjour|bonsoir|salut|cher|chere|hola|buenos dias|buenas tardes|estimad[oa]s?|querid[oa]|ola|oi|bom dia|boa tarde|prezad[oa]s?|car[oa]|beste|hoi|goedemorgen|goedemiddag|geachte)\b[^\n]{0,40}$/

/** Strips a greeting line so "Hi Sam,\n\nYes please!" is judged as "Yes please!". */
function withoutGreeting(folded: string): string {
  const lines = folded.split('\n').map((line) => line.trim()).filter((line) => line !== '')
  while (lines.length > 1 && greetingLine.test(lines[0] ?? '')) lines.shift()
  return lines.join('\n').trim()
}

/**
 * A reply that opens with a bare "No" ("No.", "Nope, we're good", "No thanks"): the word
 * must stand alone — "No soy yo quien decide" or "No me corresponde" negate something else.
 */
const leadingNo = /^(?:no|nope|nah|nein|non|nee|nao|neen)(?:\s*[,.!;:–—-]|\s*$|\s+(?:thanks?|thank you|danke|merci|gracias|obrigad[oa]|bedankt|dank je|dank u|hoor)\b)(?![ ,]*(?:problem|prob|worries|worry|stress|rush|hurry|pressure|hay problema|hay prisa|problema|probleem|probleme|souci|te preocupes|se preocupe|need to|idea))/

/**
 * Finds interest, questions, referrals, refusals, timing objections, unsubscribe wishes and
 * automatic-answer phrases in a reply text, in every built-in language at once. A positive
 * phrase reached by a negation in its clause ("not", "nicht", "pas", "no", "não", "niet",
 * before it; "nicht", "pas", "niet" after it) is reported as `negatedPositive`.
 */
export function analyzeIntent(text: string, phrases: readonly LanguagePhrases[] = builtInPhrases): IntentAnalysis {
  const folded = expandShorthand(foldText(text.length > 20_000 ? text.slice(0, 20_000) : text))
  // Unsubscribe and referral requests are read without "please"/"bitte"/"alsjeblieft" and
  // similar fillers, which sit anywhere in them ("haal mij alsjeblieft van de lijst").
  const lean = withoutPoliteness(folded)
  const compiled = compile(phrases)
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
    questionMarks: (folded.replace(/https?:\/\/\S+/g, '').match(/\?/g) ?? []).length,
    words: countWords(folded),
    languages: rankLanguages(folded, compiled),
  }
  const negationsBefore = new Set(compiled.flatMap((language) => language.source.negationsBefore))
  const negationsAfter = new Set(compiled.flatMap((language) => language.source.negationsAfter))

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
          const before = wordsBefore(source, match.index, 4)
          const after = wordsAfter(source, match.index + match[0].length, 3)
          const negated =
            before.some((word, position) => isNegation(word, before[position + 1], negationsBefore)) ||
            after.some((word) => negationsAfter.has(word)) ||
            /\b(?:not|nicht|pas|no|nao|niet|kein|geen)\b/.test(match[0].replace(/\b(?:why not|pourquoi pas|warum nicht|por que no|por que nao|porque nao|waarom niet|no problem)\b/g, ''))
          if (negated) analysis.negatedPositive.push(hit)
          else analysis.positive.push(hit)
        } else if (category === 'unsubscribe') {
          if (!isNegatedRequest(source, match.index, match[0])) analysis.unsubscribe.push(hit)
        } else if (category === 'referral') {
          // "looping in nobody", "cc'ing no one": a referral phrase that names no one.
          const after = wordsAfter(source, match.index + match[0].length, 2)
          if (after[0] === 'nobody' || after[0] === 'noone' || (after[0] === 'no' && after[1] === 'one')) continue
          // "I'll talk to my boss", "let me check with our CFO": the writer deliberates.
          if (deliberationVerb.test(hit.phrase) && firstPersonIntent.test(wordsBefore(source, match.index, 3).join(' '))) continue
          analysis.referral.push(hit)
        } else {
          analysis[category].push(hit)
        }
      }
    }
  }

  const core = withoutGreeting(folded)
  if (countWords(core) <= 8) {
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
    const opening = leadingNo.exec(core)
    if (opening) analysis.shortNegative = { phrase: opening[0], language: 'en', index: 0 }
  }
  const sentencePatterns = compiled.map((language) => language.sentence)
  analysis.affirmation = findAffirmation(core, sentencePatterns, analysis.languages.slice(0, 2))
  const isDetailQuestion = (sentence: string) => compiled.some((language) => language.detailQuestion?.test(sentence) === true)
  analysis.meetingProposal = findMeetingProposals(folded, sentencePatterns, isDetailQuestion)
  analysis.deferral.push(...findLaterContact(folded, sentencePatterns))
  analysis.laterTime = findLaterTimes(folded, sentencePatterns)
  const structures = structuresOf(phrases)
  const negationsAfterAll = new Set([...negationsAfter, 'nicht', 'niet', 'pas'])
  analysis.stopRequest = findStopRequests(lean, structures, negationsBefore, negationsAfterAll).map(({ phrase, index, language }) => ({ phrase, index, language }))
  const logistics = findMeetingLogistics(folded, structures, sentencePatterns)
  analysis.availability = logistics.availability
  analysis.contactOffer = logistics.contactOffer
  analysis.objection = findObjections(folded, structures, negationsBefore).map(({ phrase, index, language }) => ({ phrase, index, language }))
  return analysis
}

/**
 * An unsubscribe phrase negated before its verb ("please don't remove me", "don't take me
 * off the list") or after it ("entfernen Sie mich nicht", "verwijder me niet").
 */
function isNegatedRequest(source: string, index: number, matched: string): boolean {
  if (/^(?:don'?t|do not|never|not)\b/.test(matched)) return false
  const before = wordsBefore(source, index, 5).join(' ')
  if (/(?:^|\s)(?:don't|dont|do not|never|not)\s+(?:(?:ever|you)\s+)?(?:remove|delete|take|unsubscribe|drop|erase|opt)\b/.test(`${before} ${matched}`)) return true
  return wordsAfter(source, index + matched.length, 3).some((word) => word === 'nicht' || word === 'niet' || word === 'pas')
}

/** Referral phrases that are deliberation when the writer is their subject ("I'll talk to my boss"). */
const deliberationVerb = /^(?:talk|speak|ask|check|discuss|chat|consult|reach|contact|get in touch|sprech|frag|parler|hablar|consultar|falar|praten|overleggen)/
const firstPersonIntent = /(?:^|\s)(?:i'?ll|i will|let me|we'?ll|we will|i need to|we need to|i have to|we have to|i must|i'?m going to|we'?re going to|gonna|i'?d have to|i should|i can|ich werde|ich muss|je vais|je dois|voy a|tengo que|vou|preciso|ik ga|ik moet|ik zal)(?:\s|$)/

const notNegating = new Set(['problem', 'problems', 'worries', 'worry', 'doubt', 'rush', 'pressure', 'hay', 'problema', 'duda', 'probleem', 'souci'])

/** A negation word, except "no" in "no problem", "no worries", "no doubt". */
function isNegation(word: string, next: string | undefined, negations: ReadonlySet<string>): boolean {
  if (word.startsWith("n'")) return true
  if (!negations.has(word)) return false
  return !(word === 'no' && next !== undefined && notNegating.has(next))
}

function rankLanguages(folded: string, compiled: readonly CompiledPhrases[]): RuleLanguage[] {
  const words = folded.split(/[^a-z']+/).filter((word) => word !== '').slice(0, 400)
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
  const structures = compile(phrases)
    .map((language) => language.structure)
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
