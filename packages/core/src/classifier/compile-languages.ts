import { compileStructure, compileStructureReading, type CompiledStructure } from './compile-structure.js'
import { compileTextReading } from './normalize-text.js'
import type { LanguagePhrases } from './phrases/language-phrases.js'
import { compileSentencePatterns, compileSentenceReading, type ReplyReading, type SentencePatterns } from './sentence-signals.js'

/** The phrase-list categories of a language table. */
export type PatternCategory =
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

/** Every phrase-list category, in the order they are read. */
export const patternCategories: readonly PatternCategory[] = [
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

/** One language of a phrase set, compiled. */
export interface CompiledPhrases {
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
  /** The whole of one of the language's bare "no" words (to tell which language a leading "No" is in). */
  bareNo: RegExp | null
}

/** Every language of a phrase set, compiled once: each language's own patterns and the word lists read in all languages at once. */
export interface CompiledLanguages {
  languages: CompiledPhrases[]
  /** A greeting line ("Hi Sam,", "Sehr geehrte Frau Weber,"). */
  greetingLine: RegExp | null
  /** A reply that opens with a bare "No" ("No.", "Nope, we're good", "No thanks"). */
  leadingNo: RegExp | null
  /** A negation inside an interest phrase. */
  negationInPhrase: RegExp | null
  /** Negations that agree ("why not"), removed before looking for `negationInPhrase` (global). */
  agreeingNegation: RegExp | null
  /** "No" with a word it does not negate ("no doubt"). */
  notNegatingNo: ReadonlySet<string>
  /** Words for no one. */
  nobody: ReadonlySet<string>
  /** Every language's negations before a phrase. */
  negationsBefore: ReadonlySet<string>
  /** Every language's negations after a phrase. */
  negationsAfter: ReadonlySet<string>
  /** `negationsAfter` and the plain negation after a verb (for stop requests). */
  negationsAfterVerb: ReadonlySet<string>
  /** The plain negation after a verb ("nicht", "pas", "niet"). */
  negationAfterVerb: ReadonlySet<string>
  /** A negation an unsubscribe phrase may itself open with ("don't email me"): still a request. */
  requestNegationOpening: RegExp | null
  /** Per language, a negated unsubscribe request ("don't remove me"). */
  negatedRequests: readonly RegExp[]
  /** Referral verbs that are deliberation with the writer as subject. */
  deliberationVerb: RegExp | null
  /** The writer as subject ("I'll", "ich werde"). */
  firstPersonIntent: RegExp | null
  /** Absence words in an automatic reply's subject (case-insensitive, as written). */
  absenceSubject: RegExp | null
  /** Absence words strong enough without auto-reply headers (folded text). */
  plainAbsence: RegExp | null
  /** Units of a delay in a date's words (case-insensitive, as written). */
  durationUnit: RegExp | null
  /** A digit, a weekday or a month name (folded text). */
  calendarWord: RegExp
  /** Clause boundaries, shorthand, fillers, contrastives, acknowledgements, sentence negations. */
  reading: ReplyReading
  /** Words before a date that say "back on" (folded text, anchored at the end). */
  returnWord: RegExp | null
  /** Words before a date that say "until" (folded text, anchored at the end). */
  untilWord: RegExp | null
}

const compiledCache = new WeakMap<readonly LanguagePhrases[], CompiledLanguages>()

/** The words of one field in every language, in the languages' order. */
function wordsOf(phrases: readonly LanguagePhrases[], field: WordListField): string[] {
  return phrases.flatMap((language) => language[field] ?? [])
}

type WordListField = {
  [Field in keyof LanguagePhrases]-?: NonNullable<LanguagePhrases[Field]> extends readonly string[] ? Field : never
}[keyof LanguagePhrases]

/** `prefix(?:a|b|c)suffix`, or null when there are no words. */
function alternation(words: readonly string[], prefix: string, suffix: string, flags?: string): RegExp | null {
  return words.length === 0 ? null : new RegExp(`${prefix}(?:${words.join('|')})${suffix}`, flags)
}

/** Compiles a phrase set once (cached per array): never per message. */
export function compileLanguages(phrases: readonly LanguagePhrases[]): CompiledLanguages {
  const cached = compiledCache.get(phrases)
  if (cached) return cached
  const languages = phrases.map((language) => {
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
      bareNo: alternation(language.bareNo ?? [], '^', '$'),
    }
  })
  const bareNoFollowers = wordsOf(phrases, 'bareNoFollowers')
  const notRefusalAfterNo = wordsOf(phrases, 'notRefusalAfterNo')
  const negationAfterVerb = new Set(wordsOf(phrases, 'negationAfterVerb'))
  const negationsAfter: ReadonlySet<string> = new Set(wordsOf(phrases, 'negationsAfter'))
  const compiled: CompiledLanguages = {
    languages,
    greetingLine: alternation(wordsOf(phrases, 'greetings'), '^', '\\b[^\\n]{0,40}$'),
    // The word must stand alone: "No soy yo quien decide" or "No me corresponde" negate something else.
    leadingNo: alternation(
      wordsOf(phrases, 'bareNo'),
      '^',
      `(?:\\s*[,.!;:–—-]|\\s*$${bareNoFollowers.length > 0 ? `|\\s+(?:${bareNoFollowers.join('|')})\\b` : ''})${notRefusalAfterNo.length > 0 ? `(?![ ,]*(?:${notRefusalAfterNo.join('|')}))` : ''}`,
    ),
    negationInPhrase: alternation(wordsOf(phrases, 'negationsInPhrase'), '\\b', '\\b'),
    agreeingNegation: alternation(wordsOf(phrases, 'agreeingNegations'), '\\b', '\\b', 'g'),
    notNegatingNo: new Set(wordsOf(phrases, 'notNegatingNo')),
    nobody: new Set(wordsOf(phrases, 'nobody')),
    negationsBefore: new Set(wordsOf(phrases, 'negationsBefore')),
    negationsAfter,
    negationsAfterVerb: new Set([...negationsAfter, ...negationAfterVerb]),
    negationAfterVerb,
    requestNegationOpening: alternation(wordsOf(phrases, 'requestNegations'), '^(?:', ')\\b'),
    negatedRequests: phrases.flatMap((language) => {
      const negations = language.requestNegations ?? []
      const requests = language.negatableRequests ?? []
      if (negations.length === 0 || requests.length === 0) return []
      return [new RegExp(`(?:^|\\s)(?:${negations.join('|')})\\s+(?:${requests.map((request) => `(?:${request})`).join('|')})\\b`)]
    }),
    deliberationVerb: alternation(wordsOf(phrases, 'deliberationVerbs'), '^', ''),
    firstPersonIntent: alternation(wordsOf(phrases, 'firstPersonIntent'), '(?:^|\\s)', '(?:\\s|$)'),
    absenceSubject: alternation(wordsOf(phrases, 'absenceSubject'), '', '', 'i'),
    plainAbsence: alternation(wordsOf(phrases, 'plainAbsence'), '', ''),
    durationUnit: alternation(wordsOf(phrases, 'durationUnits'), '\\b', '\\b', 'i'),
    calendarWord: new RegExp(['\\d', ...wordsOf(phrases, 'calendarWords')].join('|')),
    reading: { text: compileTextReading(phrases), sentence: compileSentenceReading(phrases), structure: compileStructureReading(phrases) },
    returnWord: alternation(wordsOf(phrases, 'returnWords'), '(?:', ')\\W{0,3}(?:\\w+\\W{0,3}){0,4}$'),
    // "-" (a range) reads as "until" in every language.
    untilWord: alternation([...wordsOf(phrases, 'untilWords'), '-'], '(?:', ')\\W{0,3}(?:\\w+\\W{0,3}){0,2}$'),
  }
  compiledCache.set(phrases, compiled)
  return compiled
}
