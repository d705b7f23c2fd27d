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

const clauseBoundary = /[.!?;:\n,()]|\s-\s|\b(?:but|however|although|though|aber|jedoch|cependant|pourtant|pero|sin embargo|porem|contudo|entretanto|maar|echter)\b/g

/**
 * The last `maxWords` words before `index` in folded text, within the same clause
 * (sentence ends, commas, line breaks and contrastive conjunctions such as "but",
 * "aber", "pero", "maar" end a clause), so a negation only reaches its own clause.
 */
export function wordsBefore(folded: string, index: number, maxWords = 5): string[] {
  const start = Math.max(0, index - 120)
  let window = folded.slice(start, index)
  let boundaryEnd = -1
  for (const match of window.matchAll(clauseBoundary)) boundaryEnd = match.index + match[0].length
  if (boundaryEnd >= 0) window = window.slice(boundaryEnd)
  return window.split(/[^a-z0-9']+/).filter((word) => word !== '').slice(-maxWords)
}

/** The first `maxWords` words after `end` in folded text, within the same clause. */
export function wordsAfter(folded: string, end: number, maxWords = 4): string[] {
  let window = folded.slice(end, end + 80)
  const boundary = new RegExp(clauseBoundary.source).exec(window)
  if (boundary) window = window.slice(0, boundary.index)
  return window.split(/[^a-z0-9']+/).filter((word) => word !== '').slice(0, maxWords)
}

/** Words in folded text. */
export function countWords(folded: string): number {
  return folded.split(/[^a-z0-9'@.-]+/).filter((word) => /[a-z0-9]/.test(word)).length
}

/** Chat shorthand and frequent misspellings, written out (folded text in, folded text out). */
const shorthand: readonly [RegExp, string][] = [
  // Only after English words: "u" is Dutch for the formal "you" ("kunt u", "wat dacht u van").
  [/\b(can|could|do|did|are|will|would|thank|see|let|if|for|to|with|when|have|got|meet|call|send|tell|and) u\b/g, '$1 you'],
  [/\b(can|could|do|did|are|will|would|when) ur\b/g, '$1 your'],
  [/\b(?:pls|plz|pl[sz]e)\b/g, 'please'],
  [/\b(?:thx|thnx|tnx)\b/g, 'thanks'],
  [/\b(?:tmrw|tmrow|tmr|tomoz|tomorow|tommorow|tommorrow)\b/g, 'tomorrow'],
  [/\b(?:intrested|interrested|intersted|interessted|insterested|interestd)\b/g, 'interested'],
  [/\b(?:intresting|interresting|intersting)\b/g, 'interesting'],
  [/\b(?:unsubcribe|unsubscibe|unsusbscribe|unsubsribe)\b/g, 'unsubscribe'],
  [/\b(?:cant)\b/g, "can't"],
  [/\b(?:dont)\b/g, "don't"],
  [/\b(?:wont)\b/g, "won't"],
]

/** Writes out chat shorthand ("u" → "you", "pls" → "please") and fixes frequent misspellings ("intrested"). */
export function expandShorthand(folded: string): string {
  let text = folded
  for (const [pattern, replacement] of shorthand) text = text.replace(pattern, replacement)
  return text
}

/** Politeness and filler words that sit inside requests in the six languages. */
const politeness =
  /\b(?:please|kindly|just|simply|bitte|einfach|doch|mal|s'il vous plait|s'il te plait|svp|stp|plutot|directement|donc|por favor|porfa|mejor|directamente|por gentileza|alsjeblieft|alstublieft|aub|a\.u\.b\.|even|maar|gerust|graag)\b ?/g

/** Folded text without politeness and filler words ("haal mij alsjeblieft van de lijst" → "haal mij van de lijst"). */
export function withoutPoliteness(folded: string): string {
  return folded.replace(politeness, '')
}
