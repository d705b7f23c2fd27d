import { hasFamily, matchFamily, unionOf, type CompiledStructure, type FamilyMatch, type StructureReading } from './compile-structure.js'
import { foldText, isElidedNegation, wordsBefore, type TextReading } from './normalize-text.js'
import type { ReplyReading } from './sentence-signals.js'
import { splitSentences, type ReplySentence } from './split-sentences.js'

/** Who is who around a reply: whose addresses are never "the person referred to". */
export interface ReferralParties {
  /** Lower-cased addresses that are not a referral target: the sender, our mailbox, the lead. */
  excluded: ReadonlySet<string>
  /** The sender's domain (lower case), when known: an address there is a colleague's. */
  senderDomain: string | null
  /** The sender's first name (folded), so a signature or greeting with it is not "a colleague named". */
  senderFirstName: string | null
  /** People on Cc. */
  cc: readonly { name: string; address: string }[]
}

/** A referral found from the shape of the reply rather than a known phrase. */
export interface ReferralStructure {
  /** The sentence (folded) that makes the referral. */
  phrase: string
  /** The referred address: in the sentence, else the Cc'd colleague named, else another address in the reply text. */
  referralEmail: string | null
  /** `address`: an address or a Cc'd colleague is named; `person`: only a name or a role. */
  strength: 'address' | 'person'
  /** `hand-off`: a hand-off verb, someone in charge or an equation; `cc-named`: only a Cc'd colleague named or spoken to. */
  via: 'hand-off' | 'cc-named'
}

/** How much of a reply is read (characters). */
const textRead = 20_000

const emailPattern = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g
const automatedLocalPart = /^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?)@/
interface SentenceTargets {
  sentence: ReplySentence
  /** Usable addresses written in the sentence (not in a contact line). */
  addresses: string[]
  /** The address of a Cc'd colleague the sentence names. */
  ccNamed: string | null
  /** The Cc'd colleague is spoken to ("Jana, …", "@Jana: …", "Hi Jess,"). */
  vocative: boolean
  /** A colleague or role with a possessive ("our CTO"). */
  role: boolean
  /** A person's name after a hand-off preposition or verb ("to Maya", "try Dan"). */
  name: boolean
}

/**
 * Finds a referral from the reply's structure: a sentence that hands the conversation to
 * someone else — a hand-off verb whose subject is the reader ("contact …", "talk to …",
 * "wenden Sie sich an …", "voyez avec …", "habla con …", "fale com …", "mail naar …"), a
 * hand-off the writer did ("forwarding to …", "I've cc'd …", "je transfère à …"), someone
 * else in charge ("who runs …", "zuständig", "se encarga", "ligt bij") or an equation ("Our
 * VP Sales is …") — together with a person: an address in the reply text (not in a
 * signature or contact line, not the sender's or ours), a Cc'd colleague named in it, a
 * colleague or role with a possessive ("our CTO", "mi compañera") or a name after the verb.
 * A Cc'd colleague named in the reply is a referral by itself ("Priya - see below, your
 * call"). Not a referral: a sentence about meeting logistics or an assistant ("send the
 * invite to my assistant …" is interest), a negated hand-off ("don't forward this"), a
 * hand-off that points back at the writer ("contact me at …"), deliberation with the
 * writer as subject ("I'll talk to my boss"), or a question about the offer.
 */
export function findReferralStructure(
  replyText: string,
  parties: ReferralParties,
  structures: readonly CompiledStructure[],
  negations: ReadonlySet<string>,
  replyReading: ReplyReading,
): ReferralStructure | null {
  const textReading = replyReading.text
  const words = replyReading.structure
  if (structures.length === 0 || replyText.trim() === '') return null
  const only = [unionOf(structures)]
  // A referral names someone: an address, a Cc'd colleague, a role or a capitalised name.
  const anyRole = hasFamily(only, 'roles', foldText(replyText))
  const anyName = namesAPerson(replyText, words)
  if (!replyText.includes('@') && parties.cc.length === 0 && !anyRole && !anyName) return null
  const sentences = splitSentences(replyText.length > textRead ? replyText.slice(0, textRead) : replyText, textReading)
  const usable = (address: string) => {
    const lower = address.toLowerCase()
    return !parties.excluded.has(lower) && !automatedLocalPart.test(lower)
  }
  const ccPeople = parties.cc
    .filter((person) => person.address !== '' && usable(person.address))
    .map((person) => ({ address: person.address, first: firstNameOf(person) }))
    .filter((person) => person.first !== null && person.first !== parties.senderFirstName)

  const readings = sentences.map((sentence) => targetsOf(sentence, only, usable, ccPeople, anyRole, anyName, words))
  for (const [position, reading] of readings.entries()) {
    const { sentence } = reading
    // "Please contact our sales director:" with the address on the next line.
    const next = readings[position + 1]
    const nextAddresses = next !== undefined && next.addresses.length > 0 && next.sentence.folded.length <= next.addresses.join(' ').length + 24 ? next.addresses : []
    if (reading.addresses.length === 0 && reading.ccNamed === null && !reading.role && !reading.name && nextAddresses.length === 0) continue
    if (hasFamily(only, 'scheduling', sentence.folded) || hasFamily(only, 'assistants', sentence.folded) || words.routing?.test(sentence.folded) === true) continue
    // A colleague on Cc spoken to or named in the reply: the writer hands over.
    if (reading.ccNamed !== null && (!sentence.question || reading.vocative)) {
      return { phrase: sentence.folded, referralEmail: reading.ccNamed, strength: 'address', via: 'cc-named' }
    }
    const action = actionOf(sentence, only, negations, textReading, words)
    if (action === null) continue
    const addresses = reading.addresses.length > 0 ? reading.addresses : nextAddresses
    if (sentence.question && addresses.length === 0) continue
    if (addresses.length > 0) return { phrase: sentence.folded, referralEmail: addresses[0] ?? null, strength: 'address', via: 'hand-off' }
    // "I've cc'd her": a hand-off by the writer with a colleague on Cc.
    const ccPronoun = action.byWriter && ccPeople.length > 0 ? (ccPeople[0]?.address ?? null) : null
    if (ccPronoun !== null) return { phrase: sentence.folded, referralEmail: ccPronoun, strength: 'address', via: 'hand-off' }
    if (reading.role || reading.name) return { phrase: sentence.folded, referralEmail: otherAddress(readings, parties, usable), strength: 'person', via: 'hand-off' }
  }
  return null
}

/** Who a sentence names: addresses in prose, a Cc'd colleague, a role, a person's name. */
function targetsOf(
  sentence: ReplySentence,
  structures: readonly CompiledStructure[],
  usable: (address: string) => boolean,
  ccPeople: readonly { address: string; first: string | null }[],
  anyRole: boolean,
  anyName: boolean,
  words: StructureReading,
): SentenceTargets {
  const addresses = !sentence.original.includes('@') || (words.contactLine.test(sentence.original) && words.toAddress?.test(sentence.original) !== true)
    ? []
    : [...sentence.original.matchAll(emailPattern)].map((match) => match[0].replace(/\.+$/, '')).filter(usable)
  const withoutAddresses = ccPeople.length === 0 ? '' : sentence.folded.replace(/[a-z0-9._%+'-]+@[a-z0-9.-]+/g, ' ')
  const named = ccPeople.length === 0 ? undefined : ccPeople.find((person) => person.first !== null && new RegExp(`(?:^|[^a-z@.])@?${escape(person.first)}(?![a-z])`).test(withoutAddresses))
  const greeting = words.greetingsBeforeName === null ? '' : `(?:(?:${words.greetingsBeforeName})\\s+)?`
  const vocative = named !== undefined && named.first !== null && new RegExp(`^${greeting}@?${escape(named.first)}\\b`).test(withoutAddresses.trim())
  return {
    sentence,
    addresses,
    ccNamed: named?.address ?? null,
    vocative,
    role: anyRole && hasFamily(structures, 'roles', sentence.folded),
    name: anyName && namesAPerson(sentence.original, words),
  }
}

/** The hand-off in a sentence: a reader hand-off verb, a writer's hand-off, someone else in charge, or an equation ("Our VP Sales is …"). */
function actionOf(
  sentence: ReplySentence,
  structures: readonly CompiledStructure[],
  negations: ReadonlySet<string>,
  reading: TextReading,
  words: StructureReading,
): { byWriter: boolean } | null {
  const pointsBack = (text: string) => words.pointsBack?.test(text) === true
  const folded = sentence.folded
  const negated = (match: FamilyMatch) => wordsBefore(folded, match.index, 3, reading).some((word) => negations.has(word) || isElidedNegation(word, reading))
  const writerVerbs = matchFamily(structures, 'handOffByWriter', folded).filter((match) => !negated(match) && !pointsBack(folded.slice(match.end)))
  if (writerVerbs.length > 0) return { byWriter: true }
  const readerVerb = matchFamily(structures, 'handOffVerbs', folded).some((match) => {
    if (negated(match) || pointsBack(folded.slice(match.end))) return false
    const before = wordsBefore(folded, match.index, 1, reading)[0]
    if (before !== undefined && words.determiners.has(before)) return false
    // "I'll talk to my boss", "tengo que hablar con mi jefe": the writer deliberates.
    return !hasFamily(structures, 'firstPerson', wordsBefore(folded, match.index, 4, reading).join(' '))
  })
  if (readerVerb) return { byWriter: false }
  if (matchFamily(structures, 'responsibility', folded).some((match) => !negated(match))) return { byWriter: false }
  const roles = matchFamily(structures, 'roles', folded)
  return roles.some((role) => words.copula?.test(folded.slice(role.end, role.end + 16)) === true) ? { byWriter: false } : null
}

/** A capitalised word right after "to/with/à/con/com/met…" that is not a day, a month or a product: a person's name. */
function namesAPerson(original: string, words: StructureReading): boolean {
  for (const match of original.matchAll(/(?<![\p{L}@.])(\p{Lu}[\p{Ll}'’-]+)/gu)) {
    if (match.index === 0) continue
    const word = (match[1] ?? '').toLowerCase()
    if (words.notNames.has(word)) continue
    if (words.towards?.test(original.slice(Math.max(0, match.index - 12), match.index)) === true) return true
    // "Try Dan", "ask Dan", "ping Jessica": the name right after the verb.
    if (words.nameVerb?.test(original.slice(Math.max(0, match.index - 10), match.index)) === true) return true
  }
  return false
}

/** Another usable address written in the reply text (not in a contact line), when a sentence names only a person. */
function otherAddress(readings: readonly SentenceTargets[], parties: ReferralParties, usable: (address: string) => boolean): string | null {
  const addresses = readings.flatMap((reading) => reading.addresses).filter(usable)
  const colleague = parties.senderDomain === null ? undefined : addresses.find((address) => address.toLowerCase().endsWith(`@${parties.senderDomain}`))
  return colleague ?? null
}

function firstNameOf(person: { name: string; address: string }): string | null {
  const fromName = foldText(person.name).replace(/["']/g, '').trim().split(/\s+/)[0] ?? ''
  const candidate = fromName.length >= 2 && !fromName.includes('@') ? fromName : (foldText(person.address).split('@')[0]?.split(/[._-]/)[0] ?? '')
  return /^[a-z]{2,}$/.test(candidate) ? candidate : null
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
