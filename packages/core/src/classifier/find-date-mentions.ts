import type { RuleLanguage } from './phrases/language-phrases.js'

/** A date written in a form `chrono-node` does not read, with where it was found. */
export interface DateMention {
  date: Date
  /** Offset of the mention in the text. */
  index: number
  /** A weekday with a day of the month ("el lunes 17"): more precise than chrono's weekday-only reading of it. */
  precise?: boolean
  /** The end of a day range ("del 17 al 21 de marzo" → the 21st): supported like a date after "until". */
  rangeEnd?: boolean
}

const day = 24 * 60 * 60 * 1000

/** The next date on or after `reference` (UTC day) with this day of the month, or null when the day is not valid. */
function nextDayOfMonth(reference: Date, dayOfMonth: number): Date | null {
  if (dayOfMonth < 1 || dayOfMonth > 31) return null
  for (let monthOffset = 0; monthOffset <= 2; monthOffset++) {
    const candidate = new Date(Date.UTC(reference.getUTCFullYear(), reference.getUTCMonth() + monthOffset, dayOfMonth, 12))
    if (candidate.getUTCDate() !== dayOfMonth) continue
    if (candidate.getTime() >= reference.getTime() - day / 2) return candidate
  }
  return null
}

/** The next date on or after `reference` with this day and month (this year, else next year). */
function nextDayAndMonth(reference: Date, dayOfMonth: number, month: number): Date | null {
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 31) return null
  for (const year of [reference.getUTCFullYear(), reference.getUTCFullYear() + 1]) {
    const candidate = new Date(Date.UTC(year, month - 1, dayOfMonth, 12))
    if (candidate.getUTCDate() !== dayOfMonth) return null
    if (candidate.getTime() >= reference.getTime() - day / 2) return candidate
  }
  return null
}

/** Monday of ISO week `week` in the year of `reference` (or the next year when it is past). */
function mondayOfIsoWeek(reference: Date, week: number): Date | null {
  if (week < 1 || week > 53) return null
  for (const year of [reference.getUTCFullYear(), reference.getUTCFullYear() + 1]) {
    const fourthOfJanuary = new Date(Date.UTC(year, 0, 4, 12))
    const weekOneMonday = fourthOfJanuary.getTime() - ((fourthOfJanuary.getUTCDay() + 6) % 7) * day
    const monday = new Date(weekOneMonday + (week - 1) * 7 * day)
    if (monday.getTime() + 7 * day > reference.getTime()) return monday
  }
  return null
}

const weekPattern = /\b(?:kw|cw|calendar week|week|woche|semaine|semana|wk)\s*\.?\s*(\d{1,2})\b/gi
const numericPattern = /(?<![\d./:-])(\d{1,2})[./-](\d{1,2})\.?(?![\d:]|[./-]\d)/g
const weekdays =
  'monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miercoles|miércoles|jueves|viernes|sabado|sábado|domingo|segunda(?:-feira)?|terca(?:-feira)?|terça(?:-feira)?|quarta(?:-feira)?|quinta(?:-feira)?|sexta(?:-feira)?|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag'
/** A weekday and a day of the month without a month: "lunes 17", "Monday the 17th", "Montag, den 17.", "lundi 17". */
const weekdayDayPattern = new RegExp(`\\b(?:${weekdays}),? (?:the |den |le |el |dia |de )?(\\d{1,2})(?!\\d)(?:st|nd|rd|th|er|e|\\.)?(?![\\d:.]\\d|\\s*(?:uhr|h\\b|am\\b|pm\\b|[./-]\\d|de |of |(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|d[ei][cz]|janv|f[ée]v|avr|juil|ao[uû]|ene|abr|ago|dic|fev|set|out|mrt|mei)))`, 'giu')

const monthNames: readonly (readonly string[])[] = [
  ['january', 'jan', 'januar', 'janvier', 'janv', 'enero', 'ene', 'janeiro', 'januari'],
  ['february', 'feb', 'februar', 'f[eé]vrier', 'f[eé]vr?', 'febrero', 'fevereiro', 'fev', 'februari'],
  ['march', 'mar', 'm[aä]rz', 'maerz', 'mars', 'marzo', 'mar[cç]o', 'maart', 'mrt'],
  ['april', 'apr', 'avril', 'avr', 'abril', 'abr'],
  ['may', 'mai', 'mayo', 'maio', 'mei'],
  ['june', 'jun', 'juni', 'juin', 'junio', 'junho'],
  ['july', 'jul', 'juli', 'juillet', 'juil', 'julio', 'julho'],
  ['august', 'aug', 'ao[uû]t', 'agosto', 'ago', 'augustus'],
  ['september', 'sept?', 'septembre', 'septiembre', 'setiembre', 'setembro', 'set'],
  ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre', 'outubro', 'out'],
  ['november', 'nov', 'novembre', 'noviembre', 'novembro'],
  ['december', 'dec', 'dezember', 'dez', 'd[eé]cembre', 'diciembre', 'dic', 'dezembro'],
]
const monthAlternation = monthNames.map((names, month) => `(?<m${month}>${names.join('|')})`).join('|')
/**
 * A day range written day first, with the month after the second day: "vom 10. bis 19.
 * März", "du 10 au 18 mars", "del 17 al 21 de marzo", "entre 10 e 21 de março", "van 17
 * t/m 21 maart", "10-19 March".
 */
const dayRangePattern = new RegExp(
  `(?<![\\d./])(\\d{1,2})\\.?(?:st|nd|rd|th|er)?\\s*(?:-|–|to|until|till|through|thru|and|bis(?: zum| einschlie(?:ß|ss)lich)?|au|jusqu'au|al|a|y|hasta(?: el)?|e|at[eé](?: (?:o )?dia)?|tot(?: en met)?|t\\/m)\\s*(\\d{1,2})\\.?(?:st|nd|rd|th)?\\s*(?:de\\s+|of\\s+)?(?:${monthAlternation})\\b`,
  'giu',
)

const ordinalPattern = /\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))/gi

/**
 * Dates that `chrono-node` misses in absence notices: calendar weeks ("ab KW 13", "week
 * 13" → that week's Monday), day-first numeric dates without a year ("bis 14.3.", "vanaf
 * 17-3") in every language but English (where "3/19" is month first and chrono reads it),
 * a weekday with a day of the month ("hasta el lunes 17" → the 17th, where chrono reads
 * only "lunes"), a day range with the month after it ("del 17 al 21 de marzo" → the 21st,
 * where chrono reads "17 al 21" as hours) and a bare ordinal day ("through the 21st" → the
 * next 21st).
 */
export function findDateMentions(text: string, reference: Date, languages: readonly RuleLanguage[]): DateMention[] {
  const mentions: DateMention[] = []
  for (const match of text.matchAll(weekPattern)) {
    const date = mondayOfIsoWeek(reference, Number(match[1]))
    if (date) mentions.push({ date, index: match.index })
  }
  const dayFirst = languages[0] !== 'en'
  for (const match of text.matchAll(numericPattern)) {
    const first = Number(match[1])
    const second = Number(match[2])
    if (!dayFirst && first <= 12) continue
    const date = nextDayAndMonth(reference, first, second)
    if (date) mentions.push({ date, index: match.index })
  }
  for (const match of text.matchAll(weekdayDayPattern)) {
    const date = nextDayOfMonth(reference, Number(match[1]))
    if (date) mentions.push({ date, index: match.index, precise: true })
  }
  for (const match of text.matchAll(dayRangePattern)) {
    const month = Object.entries(match.groups ?? {}).find(([, value]) => value !== undefined)?.[0]
    const date = month === undefined ? null : nextDayAndMonth(reference, Number(match[2]), Number(month.slice(1)) + 1)
    if (date) mentions.push({ date, index: match.index, precise: true, rangeEnd: true })
  }
  for (const match of text.matchAll(ordinalPattern)) {
    const date = nextDayOfMonth(reference, Number(match[1]))
    if (date) mentions.push({ date, index: match.index })
  }
  return mentions
}
