import * as chrono from 'chrono-node'
import { compileLanguages } from './compile-languages.js'
import { builtInPhrases } from './detect-intent.js'
import type { LanguagePhrases, RuleLanguage } from './phrases/language-phrases.js'
import { findDateMentions } from './find-date-mentions.js'
import { foldText } from './normalize-text.js'

/** chrono-node's casual parser for a language code (`en`, `de`, `sv`, …), or null when chrono has no such locale. */
function parserFor(language: RuleLanguage): chrono.Chrono | null {
  if (!/^[a-z]{2}$/.test(language)) return null
  const locale = (chrono as unknown as Record<string, { casual?: unknown } | undefined>)[language]
  return locale?.casual instanceof chrono.Chrono ? locale.casual : null
}

/** How far before a date its "back"/"until" words are looked for (characters). */
const supportWindow = 60
/** How much of a notice is read (characters). */
const textRead = 5000
/** Half a day (ms): dates more than this before the message are not a return date (the notice may be written in another time zone), and a weekday up to this after it means next week's. */
const halfDay = 12 * 60 * 60 * 1000
/** Dates this long after the message are not a return date (ms): about a year and a month. */
const latestAfter = 400 * 24 * 60 * 60 * 1000
const week = 7 * 24 * 60 * 60 * 1000

/**
 * When an out-of-office sender is back, read from the notice with `chrono-node` in the
 * sender's likely languages, relative to the message date: a date after "back/return/
 * zurück/retour/regreso/retorno/terug" wins, then a date after "until/bis/jusqu'au/hasta/
 * até/tot" (or the end of a range), then the latest future date mentioned. Dates before the
 * message or more than a year after it are ignored. Null when the text names no usable date.
 */
export function extractReturnDate(
  text: string,
  messageDate: Date,
  languages: readonly RuleLanguage[],
  phrases: readonly LanguagePhrases[] = builtInPhrases,
): Date | null {
  return findReturnDate(text, messageDate, languages, 2, phrases)?.date ?? null
}

/** A return date with how it is supported: 3 after "back/return/…", 2 after "until/bis/…" or as the end of a range, 1 otherwise. */
export interface ReturnDateReading {
  date: Date
  support: 1 | 2 | 3
  /** The words the date was read from ("19. März", "Monday", "within 24 hours"). */
  text: string
}

/**
 * Like {@link extractReturnDate}, with the support of the date: an automatic reply whose
 * text names a date after "until" or as the end of a range ("Ich bin vom 10. bis 19. März
 * nicht im Büro") is an absence notice even when no absence phrase is known.
 * `likelyLanguages` is how many of the ranked languages chrono reads the text in (a short
 * notice may not rank its own language first).
 */
export function findReturnDate(
  text: string,
  messageDate: Date,
  languages: readonly RuleLanguage[],
  likelyLanguages = 2,
  phrases: readonly LanguagePhrases[] = builtInPhrases,
): ReturnDateReading | null {
  const source = text.length > textRead ? text.slice(0, textRead) : text
  if (source.trim() === '') return null
  const earliest = messageDate.getTime() - halfDay
  const latest = messageDate.getTime() + latestAfter
  const words = compileLanguages(phrases)
  const tried = new Set<RuleLanguage>()
  const order: RuleLanguage[] = [...languages.slice(0, likelyLanguages), 'en']
  let best: { date: Date; score: 1 | 2 | 3; text: string } | null = null
  for (const language of order) {
    if (tried.has(language)) continue
    tried.add(language)
    const parser = parserFor(language)
    if (parser === null) continue
    let results: chrono.ParsedResult[]
    try {
      results = parser.parse(source, { instant: messageDate }, { forwardDate: true })
    } catch {
      // chrono-node does not throw on text; a throw here is a chrono bug — try the next language.
      continue
    }
    // Within one language the best-supported date wins (the latest on a tie); another
    // language's parse only wins with strictly better support, so the likeliest
    // language's reading is kept when both read the same phrase.
    let languageBest: { date: Date; score: 1 | 2 | 3; text: string } | null = null
    for (const result of results) {
      const end = result.end?.date()
      const start = result.start.date()
      let date = end ?? start
      // "Back on Monday" written on a Monday means next week's Monday.
      const component = result.end ?? result.start
      if (component.isCertain('weekday') && !component.isCertain('day') && date.getTime() <= messageDate.getTime() + halfDay) {
        date = new Date(date.getTime() + week)
      }
      if (date.getTime() < earliest || date.getTime() > latest) continue
      if (!result.start.isCertain('day') && !result.start.isCertain('weekday') && !result.start.isCertain('month')) continue
      const score = supportFor(source, result.index, end !== undefined, words)
      if (languageBest === null || score > languageBest.score || (score === languageBest.score && date.getTime() > languageBest.date.getTime())) {
        languageBest = { date, score, text: result.text }
      }
    }
    if (languageBest !== null && (best === null || languageBest.score > best.score)) best = languageBest
  }
  // Forms chrono does not read (calendar weeks, "14.3.", "the 21st") count only with the
  // same support as chrono's best, so a date chrono read is never replaced by a weaker one.
  for (const mention of findDateMentions(source, messageDate, order)) {
    if (mention.date.getTime() < earliest || mention.date.getTime() > latest) continue
    const score = supportFor(source, mention.index, mention.rangeEnd === true, words)
    if (best === null || score > best.score || (mention.precise === true && score === best.score)) best = { date: mention.date, score, text: source.slice(mention.index, mention.index + 12) }
  }
  return best === null ? null : { date: best.date, support: best.score, text: best.text }
}

/** 3 after "back/return/…", 2 after "until/bis/…" (or for the end of a range), else 1. */
function supportFor(source: string, index: number, isRangeEnd: boolean, words: { returnWord: RegExp | null; untilWord: RegExp | null }): 1 | 2 | 3 {
  const before = foldText(source.slice(Math.max(0, index - supportWindow), index)).trimEnd()
  if (words.returnWord?.test(before) === true) return 3
  if (words.untilWord?.test(before) === true || isRangeEnd) return 2
  return 1
}
