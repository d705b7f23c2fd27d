import * as chrono from 'chrono-node'
import type { RuleLanguage } from './phrases/language-phrases.js'
import { findDateMentions } from './find-date-mentions.js'
import { foldText } from './normalize-text.js'

/** chrono-node's casual parser for a language code (`en`, `de`, `sv`, …), or null when chrono has no such locale. */
function parserFor(language: RuleLanguage): chrono.Chrono | null {
  if (!/^[a-z]{2}$/.test(language)) return null
  const locale = (chrono as unknown as Record<string, { casual?: unknown } | undefined>)[language]
  return locale?.casual instanceof chrono.Chrono ? locale.casual : null
}

/** Words just before a date that say "this is when I am back" (folded). */
const returnWords =
  /(?:back|return|returning|returned|respond|reply|available (?:again|from)|in the office|zuruck|wieder|erreichbar ab|ab dem|ab|retour|de retour|reviens|reprendrai|disponible (?:a partir|des)|a partir d|regreso|regresare|vuelta|volvere|de vuelta|disponible (?:a partir|desde)|retorno|retornarei|volto|voltarei|de volta|disponivel a partir|terug|weer|vanaf|beschikbaar)\W{0,3}(?:\w+\W{0,3}){0,4}$/
/** Words just before a date that say "away until". */
const untilWords = /(?:until|till|til|through|thru|to|bis|bis zum|bis einschliesslich|jusqu'?au|jusqu'?a|au|hasta|hasta el|al|ate|ate o dia|a|tot|tot en met|t\/m|-)\W{0,3}(?:\w+\W{0,3}){0,2}$/

/**
 * When an out-of-office sender is back, read from the notice with `chrono-node` in the
 * sender's likely languages, relative to the message date: a date after "back/return/
 * zurück/retour/regreso/retorno/terug" wins, then a date after "until/bis/jusqu'au/hasta/
 * até/tot" (or the end of a range), then the latest future date mentioned. Dates before the
 * message or more than a year after it are ignored. Null when the text names no usable date.
 */
export function extractReturnDate(text: string, messageDate: Date, languages: readonly RuleLanguage[]): Date | null {
  return findReturnDate(text, messageDate, languages)?.date ?? null
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
export function findReturnDate(text: string, messageDate: Date, languages: readonly RuleLanguage[], likelyLanguages = 2): ReturnDateReading | null {
  const source = text.length > 5000 ? text.slice(0, 5000) : text
  if (source.trim() === '') return null
  const earliest = messageDate.getTime() - 12 * 60 * 60 * 1000
  const latest = messageDate.getTime() + 400 * 24 * 60 * 60 * 1000
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
      if (component.isCertain('weekday') && !component.isCertain('day') && date.getTime() <= messageDate.getTime() + 12 * 60 * 60 * 1000) {
        date = new Date(date.getTime() + 7 * 24 * 60 * 60 * 1000)
      }
      if (date.getTime() < earliest || date.getTime() > latest) continue
      if (!result.start.isCertain('day') && !result.start.isCertain('weekday') && !result.start.isCertain('month')) continue
      const score = supportFor(source, result.index, end !== undefined)
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
    const score = supportFor(source, mention.index, mention.rangeEnd === true)
    if (best === null || score > best.score || (mention.precise === true && score === best.score)) best = { date: mention.date, score, text: source.slice(mention.index, mention.index + 12) }
  }
  return best === null ? null : { date: best.date, support: best.score, text: best.text }
}

/** 3 after "back/return/…", 2 after "until/bis/…" (or for the end of a range), else 1. */
function supportFor(source: string, index: number, isRangeEnd: boolean): 1 | 2 | 3 {
  const before = foldText(source.slice(Math.max(0, index - 60), index)).trimEnd()
  if (returnWords.test(before)) return 3
  if (untilWords.test(before) || isRangeEnd) return 2
  return 1
}
