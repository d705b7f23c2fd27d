import { hasFamily, languageOf, matchFamily, unionOf, type CompiledStructure } from './compile-structure.js'
import type { RuleLanguage } from './phrases/language-phrases.js'
import { isElidedNegation, wordsBefore } from './normalize-text.js'
import { clauses, type ReplyReading } from './sentence-signals.js'

/** An objection found from its structure. */
export interface ObjectionHit {
  phrase: string
  index: number
  language: RuleLanguage
  kind: 'incumbent' | 'not-now'
}

/**
 * Refusals found from their structure, in statements (not questions):
 *
 * - an incumbent: the writer already has what is offered ("we just renewed with our current
 *   vendor", "unser aktueller Anbieter", "nous avons déjà un prestataire", "ya contamos
 *   con", "já temos", "we hebben al een partij") — unless negated ("we don't have a
 *   current provider");
 * - a negation with the present in the same clause: a timing objection ("Can't justify the
 *   spend right now", "Das ist momentan nicht drin", "Ce n'est pas prévu pour le moment",
 *   "Ahora mismo no", "No momento não", "Op dit moment niet").
 *
 * The classifier counts them only when the reply shows no interest and asks nothing
 * ("We already use HubSpot — does yours integrate?" is a question).
 */
export function findObjections(folded: string, structures: readonly CompiledStructure[], negations: ReadonlySet<string>, reading: ReplyReading): ObjectionHit[] {
  const hits: ObjectionHit[] = []
  if (structures.length === 0) return hits
  const only = [unionOf(structures)]
  const words = reading.structure
  const anyNegation = words.objectionNegation?.test(folded) === true
  if (!hasFamily(only, 'incumbent', folded) && !(anyNegation && hasFamily(only, 'nowTimes', folded))) return hits
  const isNegation = (word: string) => negations.has(word) || isElidedNegation(word, reading.text) || words.objectionNegationWord?.test(word) === true
  for (const sentence of clauses(folded, reading.sentence)) {
    const text = sentence.text
    if (text.includes('?')) continue
    const incumbent = matchFamily(only, 'incumbent', text).find((match) => !wordsBefore(text, match.index, 3, reading.text).some(isNegation))
    if (incumbent !== undefined) {
      hits.push({ phrase: text, index: sentence.index, language: languageOf(structures, 'incumbent', incumbent.text), kind: 'incumbent' })
      continue
    }
    const now = matchFamily(only, 'nowTimes', text).find((match) => {
      const before = wordsBefore(text, match.index, 8, reading.text)
      const after = text.slice(match.end, match.end + 40).split(/[,;:()]|\s-\s/)[0]?.split(/[^a-z']+/).filter((word) => word !== '').slice(0, 4) ?? []
      return before.some(isNegation) || after.some(isNegation)
    })
    if (now !== undefined) hits.push({ phrase: text, index: sentence.index, language: languageOf(structures, 'nowTimes', now.text), kind: 'not-now' })
  }
  return hits
}
