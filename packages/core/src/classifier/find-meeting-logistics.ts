import { hasFamily, languageOf, unionOf, type CompiledStructure } from './compile-structure.js'
import { clauses, meetingDuration, negatedOrPast, type SentenceHit, type SentencePatterns, type SentenceReading } from './sentence-signals.js'

/** A phone number: at least eight digits with the usual separators ("+44 7700 900123", "(11) 98765-4321", "06-12345678"). */
const phoneNumber = /(?:\+|\(\d)?\d[\d ()./-]{6,}\d/g
const dateLike = /^\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?$/

function hasPhoneNumber(text: string): boolean {
  for (const match of text.matchAll(phoneNumber)) {
    const digits = match[0].replace(/\D/g, '')
    if (digits.length >= 8 && !dateLike.test(match[0].trim())) return true
  }
  return false
}

/**
 * Sentences about meeting logistics that make a reply interest, in every language with
 * structure words:
 *
 * - a question about the reader's availability ("Are you around Thursday?", "What's your
 *   availability like?", "Wann haben Sie Zeit?", "Quelles sont vos disponibilités ?",
 *   "¿Cuándo te viene bien?", "Quando você pode?", "Wanneer heb je tijd?");
 * - the writer's own availability with a time or length ("I'm around most afternoons next
 *   week", "Je suis disponible jeudi");
 * - asking to be called or messaged with a number or a time ("Ping me on WhatsApp +44 …",
 *   "Bel me morgen even", "Pode me ligar amanhã?").
 *
 * Negated and past sentences are not logistics ("I'm not around Monday", "Don't call me",
 * "Did you call me yesterday?").
 */
export function findMeetingLogistics(
  folded: string,
  structures: readonly CompiledStructure[],
  patterns: readonly SentencePatterns[],
  reading: SentenceReading,
): { availability: SentenceHit[]; contactOffer: SentenceHit[] } {
  const availability: SentenceHit[] = []
  const contactOffer: SentenceHit[] = []
  if (structures.length === 0) return { availability, contactOffer }
  const only = [unionOf(structures)]
  // Availability needs a question or a time; a contact offer needs a number or a time.
  const timedText = meetingDuration.test(folded) || patterns.some((language) => language.meetingTime?.test(folded) === true)
  const checkAvailability = (timedText || folded.includes('?')) && hasFamily(only, 'availability', folded)
  const checkContact = (timedText || hasPhoneNumber(folded)) && hasFamily(only, 'contactMe', folded)
  if (!checkAvailability && !checkContact) return { availability, contactOffer }
  const list = clauses(folded, reading)
  for (const [position, sentence] of list.entries()) {
    const text = sentence.text
    if (negatedOrPast(text, reading)) continue
    const question = text.includes('?')
    const timed = meetingDuration.test(text) || patterns.some((language) => language.meetingTime?.test(text) === true)
    if (checkAvailability && (question || timed) && hasFamily(only, 'availability', text)) {
      availability.push({ phrase: text, language: languageOf(structures, 'availability', text), index: sentence.index })
      continue
    }
    if (checkContact && hasFamily(only, 'contactMe', text)) {
      const next = list[position + 1]?.text ?? ''
      if (timed || hasPhoneNumber(text) || (hasPhoneNumber(next) && next.replace(/[\d\s()+./-]/g, '').length <= 12)) {
        contactOffer.push({ phrase: text, language: languageOf(structures, 'contactMe', text), index: sentence.index })
      }
    }
  }
  return { availability, contactOffer }
}
