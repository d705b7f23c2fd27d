import { hasFamily, languageOf, matchFamily, unionOf, type CompiledStructure, type FamilyMatch, type StructureReading } from './compile-structure.js'
import type { RuleLanguage } from './phrases/language-phrases.js'
import { sentences } from './sentence-signals.js'
import { countWords, isElidedNegation, wordsAfter, wordsBefore, type TextReading } from './normalize-text.js'
import type { ReplyReading } from './sentence-signals.js'

/** A request to stop mail found from its structure. */
export interface StopRequest {
  /** The sentence (folded). */
  phrase: string
  index: number
  language: RuleLanguage
  /** Which structure: a removal, a stop, a never-again. */
  kind: 'removal' | 'stop' | 'never-again'
}

/** A reply of at most this many words may be only the request ("Löschen bitte.", "Austragen."). */
const shortRequestWords = 3

/** Tests a compiled word list that may be missing (no language has words for it). */
function matches(pattern: RegExp | null, text: string): boolean {
  return pattern !== null && pattern.test(text)
}

/**
 * Finds requests to stop mail from their structure, in every language with structure
 * words, including very short ones:
 *
 * - a removal verb with the writer or their details, or with the sender's list ("Take me
 *   off", "Bitte entfernen Sie meine E-Mail-Adresse aus Ihrem System", "Eliminen mi correo
 *   de su base de datos", "Retirez-moi de vos listes", "Verwijder mijn gegevens");
 * - a stop verb with mailing right after it ("Merci de cesser vos envois", "Dejen de
 *   enviarme correos", "Parem de me mandar e-mail", "stop met mailen");
 * - a negated mailing verb with "again/any more" in the same clause, about the writer or
 *   naming the mail ("Don't send more mails to me", "Ne m'écrivez plus", "Schreiben Sie mir
 *   nicht mehr", "Não me mande mais e-mails", "Mail me niet meer").
 *
 * Not a request: a negated removal ("please don't remove me", "entfernen Sie mich nicht"),
 * a "stop" with no mail after it ("stop by our booth"), "email me again in June" (no
 * negation in its clause). A question asking how to stop mail still asks for it ("How do
 * I get off this list?").
 */
export function findStopRequests(
  folded: string,
  structures: readonly CompiledStructure[],
  negationsBefore: ReadonlySet<string>,
  negationsAfter: ReadonlySet<string>,
  replyReading: ReplyReading,
): StopRequest[] {
  const reading = replyReading.text
  const words = replyReading.structure
  if (structures.length === 0) return []
  const found: StopRequest[] = []
  const negatedBefore = (text: string, index: number) => wordsBefore(text, index, 3, reading).some((word) => negationsBefore.has(word) || isElidedNegation(word, reading))
  const negatedAfter = (text: string, end: number) => wordsAfter(text, end, 4, reading).some((word) => negationsAfter.has(word))
  const union = unionOf(structures)
  // Most replies name no removal or stop word, and no mailing word with "again" and a negation.
  const only = [union]
  const removals = hasFamily(only, 'removalVerbs', folded)
  const stops = hasFamily(only, 'stopVerbs', folded)
  const nevers = matches(words.neverAgainNegation, folded) && hasFamily(only, 'again', folded) && hasFamily(only, 'mailing', folded)
  if (!removals && !stops && !nevers) return found
  // A reply that is only the request: "Löschen bitte.", "Austragen.", "Eliminar.", "Stopp!".
  const replyWords = folded.split(/[^a-z'-]+/).filter((word) => word !== '')
  if (replyWords.length <= shortRequestWords) {
    const verb = [...matchFamily(only, 'removalVerbs', folded), ...matchFamily(only, 'stopVerbs', folded)].find((match) => !matches(words.weakRemoval, match.text) && !negatedBefore(folded, match.index))
    if (verb !== undefined && replyWords.every((word) => word === verb.text || verb.text.split(' ').includes(word) || matches(words.requestCompanion, word))) {
      found.push({ phrase: folded.trim(), index: 0, language: languageOf(structures, verb.text === replyWords[0] ? 'removalVerbs' : 'stopVerbs', verb.text), kind: 'removal' })
      return found
    }
  }
  for (const sentence of sentences(folded)) {
    const text = sentence.text
    const push = (kind: StopRequest['kind'], language: RuleLanguage) => found.push({ phrase: text, index: sentence.index, language, kind })

    const removal = removals ? matchFamily(only, 'removalVerbs', text).find((verb) => isRemoval(text, verb, only, words) && !negatedBefore(text, verb.index) && !negatedAfter(text, verb.end)) : undefined
    if (removal !== undefined) {
      push('removal', languageOf(structures, 'removalVerbs', removal.text))
      continue
    }
    const stop = stops ? matchFamily(only, 'stopVerbs', text).find((verb) => !negatedBefore(text, verb.index) && mailingRightAfter(text, verb, only, reading)) : undefined
    if (stop !== undefined) {
      push('stop', languageOf(structures, 'stopVerbs', stop.text))
      continue
    }
    if (!nevers) continue
    const never = neverAgain(text, only, negationsBefore, negationsAfter, reading, words)
    if (never !== null) push('never-again', languageOf(structures, 'mailing', never))
  }
  return found
}

/** The removal verb has the writer or their details as object, or the sender's list as source. */
function isRemoval(text: string, verb: FamilyMatch, structures: readonly CompiledStructure[], words: StructureReading): boolean {
  const after = text.slice(verb.end, verb.end + 80)
  const around = text.slice(Math.max(0, verb.index - 60), verb.end + 80)
  // An enclitic object: "bórrenme", "quitadme", "remova-me", "retirez-moi".
  const clitic = matches(words.encliticEnding, verb.text) || matches(words.hyphenatedObject, after)
  const objects = matchFamily(structures, 'removalObjects', after.slice(0, 40)).filter((object) => !matches(words.notRemovalBeforeObject, after.slice(0, object.index).trim()))
  const container = hasFamily(structures, 'containers', around)
  if (matches(words.weakRemoval, verb.text)) {
    const object = objects[0]
    return container || (object !== undefined && object.index <= 12 && matches(words.particle, after.slice(object.end)))
  }
  if (container || clitic) return true
  // The object follows closely ("remove me", "entfernen Sie meine Adresse") or, in German
  // and Dutch, comes first ("mich bitte entfernen", "mij verwijderen").
  if (objects.some((object) => object.index <= 16)) return true
  const before = text.slice(Math.max(0, verb.index - 30), verb.index)
  return matches(words.objectBeforeVerb, before) && matches(words.objectFirstVerb, verb.text)
}

/** Mailing within three words after the stop verb: "stop sending", "cesser vos envois", "dejen de enviarme correos", "parem de me mandar". */
function mailingRightAfter(text: string, verb: FamilyMatch, structures: readonly CompiledStructure[], reading: TextReading): boolean {
  const window = wordsAfter(text, verb.end, 4, reading).join(' ')
  return hasFamily(structures, 'mailing', window)
}

/** A negated mailing verb with "again/any more" in the same clause ("ne m'écrivez plus", "mail me niet meer"). */
function neverAgain(
  text: string,
  structures: readonly CompiledStructure[],
  negationsBefore: ReadonlySet<string>,
  negationsAfter: ReadonlySet<string>,
  reading: TextReading,
  words: StructureReading,
): string | null {
  for (const mailing of matchFamily(structures, 'mailing', text)) {
    const before = wordsBefore(text, mailing.index, 6, reading)
    const after = wordsAfter(text, mailing.end, 4, reading)
    const negated = before.some((word) => negationsBefore.has(word) || isElidedNegation(word, reading)) || after.some((word) => negationsAfter.has(word))
    if (!negated) continue
    const clause = [...wordsBefore(text, mailing.index, 6, reading), mailing.text, ...wordsAfter(text, mailing.end, 6, reading)].join(' ')
    if (!hasFamily(structures, 'again', clause)) continue
    if (matches(words.writer, clause) || matches(words.mailNoun, mailing.text) || after.some((word) => matches(words.mailNoun, word))) return mailing.text
  }
  return null
}

/** How many words after an interest phrase are read for what the interest is in. */
const interestObjectWords = 5
/** How many words after an interest phrase a wished stop may come ("me encantaría que dejaran de escribirme", "I'd love it if you stopped emailing me"). */
const wishedStopWords = 6

/**
 * Interest in not being mailed, right after an interest phrase: a negation and then a
 * mailing word, in its clause ("Would you be interested in not emailing me?", "I'd love it
 * … not sending me these"), or a stop verb with mailing right after it, in its sentence ("I'd
 * love it if you stopped emailing me", "Me encantaría que dejaran de escribirme", "J'adorerais
 * que vous arrêtiez de m'écrire"). `end` is where the interest phrase ends in `folded`.
 */
export function wantsNoMail(folded: string, end: number, structures: readonly CompiledStructure[], negations: ReadonlySet<string>, reading: ReplyReading): boolean {
  if (structures.length === 0) return false
  const only = [unionOf(structures)]
  const after = wordsAfter(folded, end, interestObjectWords, reading.text)
  const negation = after.findIndex((word) => negations.has(word) || isElidedNegation(word, reading.text))
  if (negation >= 0 && hasFamily(only, 'mailing', after.slice(negation + 1).join(' '))) return true
  // A stop the writer wishes the reader made, in the rest of the sentence, commas included
  // ("dass Sie aufhören würden, mir zu schreiben").
  const close = /[.!?\n]/.exec(folded.slice(end))
  const sentence = folded.slice(end, close === null ? folded.length : end + close.index).split(/[^a-z'-]+/).filter((word) => word !== '')
  const window = sentence.slice(0, wishedStopWords + 4).join(' ')
  if (reading.structure.wishedStop === null) return false
  for (const stop of window.matchAll(reading.structure.wishedStop)) {
    const mailing = window.slice(stop.index + stop[0].length).split(' ').filter((word) => word !== '').slice(0, 4).join(' ')
    if (countWords(window.slice(0, stop.index)) <= wishedStopWords && hasFamily(only, 'mailing', mailing)) return true
  }
  return false
}
