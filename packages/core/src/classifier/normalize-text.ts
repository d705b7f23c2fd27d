import type { LanguageWords } from './phrases/language-words.js'

/**
 * Folds text for phrase matching: lower case, accents removed (`intéressé` → `interesse`,
 * `não` → `nao`, `Grüße` → `grusse`), typographic apostrophes and quotes made plain,
 * whitespace collapsed. Phrase patterns are written against this form.
 */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[ \t]+/g, ' ')
}

/** The word lists of the phrase tables that reading text needs, compiled. */
export interface TextReading {
  /** What ends a clause: sentence and clause punctuation, " - ", a clause-ending conjunction ("but", "aber", "pero", "maar"). Global. */
  clauseBoundary: RegExp
  /** The same, not global: the first boundary after a point. */
  firstClauseBoundary: RegExp
  /** Chat shorthand and misspellings with what they are written out as. */
  shorthand: readonly (readonly [RegExp, string])[]
  /** Politeness and filler words (global), or null when no language has any. */
  fillers: RegExp | null
  /** Elided negations a word may open with ("n'"). */
  negationPrefixes: readonly string[]
  /** A title or abbreviation at the end of a piece of text ("Mr", "z.B"), after which a full stop ends no sentence. */
  abbreviation: RegExp | null
}

/** Compiles the text-reading word lists of some languages (once per phrase set). */
export function compileTextReading(languages: readonly LanguageWords[]): TextReading {
  const conjunctions = languages.flatMap((language) => language.clauseBoundaries ?? [])
  const boundary = `[.!?;:\\n,()]|\\s-\\s${conjunctions.length > 0 ? `|\\b(?:${conjunctions.join('|')})\\b` : ''}`
  const fillers = languages.flatMap((language) => language.fillers ?? [])
  const abbreviations = languages.flatMap((language) => language.abbreviations ?? [])
  return {
    clauseBoundary: new RegExp(boundary, 'g'),
    firstClauseBoundary: new RegExp(boundary),
    shorthand: languages.flatMap((language) => (language.shorthand ?? []).map(([pattern, replacement]) => [new RegExp(pattern, 'g'), replacement] as const)),
    fillers: fillers.length === 0 ? null : new RegExp(`\\b(?:${fillers.join('|')})\\b ?`, 'g'),
    negationPrefixes: languages.flatMap((language) => language.negationPrefixes ?? []),
    abbreviation: abbreviations.length === 0 ? null : new RegExp(`(?:^|[\\s(])(?:${abbreviations.join('|')})$`, 'i'),
  }
}

/** A word that opens with an elided negation ("n'est", "n'ai"). */
export function isElidedNegation(word: string, reading: TextReading): boolean {
  return reading.negationPrefixes.some((prefix) => word.startsWith(prefix))
}

/** How far back a clause is looked for (characters). */
const clauseWindowBefore = 120
/** How far forward a clause is looked for (characters). */
const clauseWindowAfter = 80

/**
 * The last `maxWords` words before `index` in folded text, within the same clause
 * (sentence ends, commas, line breaks and contrastive conjunctions such as "but",
 * "aber", "pero", "maar" end a clause), so a negation only reaches its own clause.
 */
export function wordsBefore(folded: string, index: number, maxWords: number, reading: TextReading): string[] {
  const start = Math.max(0, index - clauseWindowBefore)
  let window = folded.slice(start, index)
  let boundaryEnd = -1
  for (const match of window.matchAll(reading.clauseBoundary)) boundaryEnd = match.index + match[0].length
  if (boundaryEnd >= 0) window = window.slice(boundaryEnd)
  return window.split(/[^a-z0-9']+/).filter((word) => word !== '').slice(-maxWords)
}

/** The first `maxWords` words after `end` in folded text, within the same clause. */
export function wordsAfter(folded: string, end: number, maxWords: number, reading: TextReading): string[] {
  let window = folded.slice(end, end + clauseWindowAfter)
  const boundary = reading.firstClauseBoundary.exec(window)
  if (boundary) window = window.slice(0, boundary.index)
  return window.split(/[^a-z0-9']+/).filter((word) => word !== '').slice(0, maxWords)
}

/** Words in folded text. */
export function countWords(folded: string): number {
  return folded.split(/[^a-z0-9'@.-]+/).filter((word) => /[a-z0-9]/.test(word)).length
}

/** Writes out chat shorthand ("u" → "you", "pls" → "please") and fixes frequent misspellings ("intrested"). */
export function expandShorthand(folded: string, reading: TextReading): string {
  let text = folded
  for (const [pattern, replacement] of reading.shorthand) text = text.replace(pattern, replacement)
  return text
}

/** Folded text without politeness and filler words ("haal mij alsjeblieft van de lijst" → "haal mij van de lijst"). */
export function withoutPoliteness(folded: string, reading: TextReading): string {
  return reading.fillers === null ? folded : folded.replace(reading.fillers, '')
}
