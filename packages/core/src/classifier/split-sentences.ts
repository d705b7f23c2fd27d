import { expandShorthand, foldText, type TextReading } from './normalize-text.js'

/** A sentence of a reply, as written and folded. */
export interface ReplySentence {
  /** As written (case kept: names are capitalised). */
  original: string
  /** Folded (lower case, no accents, shorthand written out) for the word families; computed on first use. */
  readonly folded: string
  /** True when the sentence ends with a question mark. */
  question: boolean
}

/**
 * Splits a reply into sentences: at line breaks and after `.`, `!`, `?` (or `…`) followed
 * by white space — not inside addresses or numbers ("dan.ortiz@greysoft.io", "14.3.")
 * and not after a title ("Mr. Rahul Mehta").
 */
export function splitSentences(text: string, reading: TextReading): ReplySentence[] {
  const result: ReplySentence[] = []
  for (const line of text.split(/\n+/)) {
    let start = 0
    for (const match of line.matchAll(/[.!?\u2026]+(?=\s|$)/g)) {
      const end = match.index + match[0].length
      // A full stop after a title or abbreviation ("Mr. Mehta", "Dr. Brandt", "z.B.") ends no sentence.
      if (match[0] === '.' && reading.abbreviation?.test(line.slice(Math.max(start, match.index - 8), match.index)) === true) continue
      push(result, line.slice(start, end), reading)
      start = end
    }
    push(result, line.slice(start), reading)
  }
  return result
}

function push(result: ReplySentence[], piece: string, reading: TextReading): void {
  const original = piece.trim()
  if (original === '' || !/[\p{L}\p{N}]/u.test(original)) return
  let folded: string | null = null
  result.push({
    original,
    // Folded on first use: most sentences of a reply are never looked at closely.
    get folded() {
      folded ??= expandShorthand(foldText(original), reading)
      return folded
    },
    question: /\?\s*[)"'»]*$/.test(original),
  })
}
