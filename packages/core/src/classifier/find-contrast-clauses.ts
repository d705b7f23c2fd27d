import { hasFamily, unionOf, type CompiledStructure } from './compile-structure.js'
import type { RuleLanguage } from './phrases/language-phrases.js'
import { isNegated, meetingDuration, negatedOrPast, timeOfDay, type SentencePatterns, type SentenceReading } from './sentence-signals.js'

/** A signal found in a reply: an interest phrase, a refusal, a meeting proposal. */
export interface LocatedHit {
  /** The matched words or sentence (folded). */
  phrase: string
  language: RuleLanguage
  /** Offset in the folded text. */
  index: number
}

/** Interest that a later contrast clause takes back. */
export interface ContestedInterest {
  /** The interest phrase. */
  interest: LocatedHit
  /** What follows the contrast marker (folded, trimmed), to the end of the reply. */
  clause: string
  /** Offset of the contrast marker in the folded text. */
  index: number
  /** `refusal`: the clause refuses or names an obstacle; `question`: it asks something that proposes no meeting; `open`: it takes no step forward, so the yes is in doubt. */
  verdict: 'refusal' | 'question' | 'open'
}

/** What the other signals found in the reply, for judging what follows a contrast marker. */
export interface ContrastSignals {
  /** Steps forward of their own: interest phrases, meeting proposals, availability, contact offers. */
  forward: readonly LocatedHit[]
  /** Refusals: refusal phrases and sentences, negated interest, objections, timing objections, stop requests. */
  refusals: readonly LocatedHit[]
}

/** What opens the contrast: a conjunction, a word of regret, or a pause (an ellipsis or a dash), which contests only with a refusal after it. */
type MarkerKind = 'conjunction' | 'regret' | 'pause'

interface Marker {
  index: number
  end: number
  kind: MarkerKind
}

/**
 * Interest phrases that a later contrast clause takes back (round 7 of the rules): an
 * interest phrase followed — in its sentence, or at the opening of the next one — by a
 * contrastive conjunction ("but", "however", "aber", "mais", "pero", "porém", "maar"), a
 * word of regret ("unfortunately", "leider"), an ellipsis or a dash, when nothing after
 * that marker is a step forward of its own: no interest phrase, meeting proposal (a
 * question proposing a time is one), availability or contact offer, no unnegated clause
 * naming a day or time or offering a meeting ("happy to do an intro call now"). Then:
 *
 * - `question` when what follows asks something ("Sounds good, but does it work with
 *   Outlook?"): a question, not a yes;
 * - `refusal` when what follows refuses or names an obstacle: a refusal the other signals
 *   found, a hostile intention ("I was about to block your domain"), a word of regret
 *   ("Sorry!", "Trotzdem danke!"), a later or far-off time ("… in about a year"), or a
 *   negated clause that names no day or time ("pero no tenemos equipo de ventas");
 * - `open` otherwise, after a conjunction or a word of regret ("Looks great, though we're a
 *   team of three."): the reply is not a yes the rules can vouch for. After an ellipsis or a
 *   dash only a refusal contests ("Sounds good - send me a link" stays interest).
 *
 * A contest also takes back every interest phrase before its marker ("Love the idea! I'd
 * love to try it, but …"). Interest in a question is left to the other rules.
 */
export function findContestedInterest(
  folded: string,
  interest: readonly LocatedHit[],
  signals: ContrastSignals,
  languages: readonly SentencePatterns[],
  structures: readonly CompiledStructure[],
  reading: SentenceReading,
): ContestedInterest[] {
  if (interest.length === 0) return []
  reading.contrastMarker.lastIndex = 0
  if (!reading.contrastMarker.test(folded)) return []
  const own: ContestedInterest[] = []
  for (const hit of interest) {
    const marker = markerAfter(folded, hit.index + hit.phrase.length, reading)
    if (marker === null) continue
    const verdict = judge(folded, marker, signals, languages, structures, reading)
    if (verdict !== null) own.push({ interest: hit, clause: folded.slice(marker.end).trim(), index: marker.index, verdict })
  }
  if (own.length === 0) return own
  // A contest takes back the interest said before its marker, too.
  return interest.flatMap((hit) => {
    const contest = own.find((entry) => entry.interest === hit) ?? own.find((entry) => entry.index > hit.index)
    return contest === undefined ? [] : [{ ...contest, interest: hit }]
  })
}

/** Where the sentence around `index` ends: at `.`, `!`, `?` or a line break, not inside an ellipsis. */
function sentenceClose(folded: string, index: number): number {
  const close = /(?<!\.)[.!?](?!\.)|\n/.exec(folded.slice(index))
  return close === null ? folded.length : index + close.index
}

/** The first contrast marker after an interest phrase that ends at `end`: in its sentence, or opening the next one (not after a question). */
function markerAfter(folded: string, end: number, reading: SentenceReading): Marker | null {
  const close = sentenceClose(folded, end)
  const pattern = reading.contrastMarker
  pattern.lastIndex = end
  const match = pattern.exec(folded)
  if (match === null) return null
  if (match.index >= close) {
    // Interest in a question is asked about, not said ("Why would I be interested?").
    if (folded[close] === '?') return null
    // Only a marker that opens the next sentence ("Looks great. But …", "Klingt gut. Leider …").
    const opening = close + (/^[\s.!]*/.exec(folded.slice(close))?.[0].length ?? 0)
    if (match.index > opening) return null
  }
  const markerEnd = match.index + match[0].length
  // A marker that ends its sentence opens no clause ("Sounds good though.").
  if (!/[a-z0-9]/.test(folded.slice(markerEnd, sentenceClose(folded, markerEnd)))) return null
  const word = match[0].trim()
  const kind: MarkerKind = /^(?:[.\u2026-]+)$/.test(word) ? 'pause' : reading.regret?.test(word) === true ? 'regret' : 'conjunction'
  return { index: match.index, end: markerEnd, kind }
}

/** A piece of what follows a marker: cut at sentence ends and at further contrast markers. */
interface Piece {
  text: string
  index: number
  end: number
  /** The piece ends with a question mark. */
  question: boolean
}

/** The pieces of the folded text after `start`. */
function piecesAfter(folded: string, start: number, reading: SentenceReading): Piece[] {
  const rest = folded.slice(start)
  const cuts = [...rest.matchAll(/[.!?\n]+/g), ...rest.matchAll(reading.contrastMarker)].map((match) => ({ index: match.index, end: match.index + match[0].length, text: match[0] }))
  cuts.sort((a, b) => a.index - b.index)
  const pieces: Piece[] = []
  let from = 0
  for (const cut of [...cuts, { index: rest.length, end: rest.length, text: '' }]) {
    if (cut.index < from) {
      from = Math.max(from, cut.end)
      continue
    }
    const text = rest.slice(from, cut.index).trim()
    if (text !== '') pieces.push({ text, index: start + from, end: start + cut.index, question: cut.text.includes('?') })
    from = cut.end
  }
  return pieces
}

/**
 * What the words after a marker say, piece by piece: a step forward (null) when a piece
 * names a day or time or offers a meeting without a negation or a refusal in it; else a
 * `question` when a piece asks something; else a `refusal` when a piece refuses (a refusal
 * the other signals found, hostility, regret, a later or far-off time, a negation) or the
 * marker is a word of regret; else `open` — or nothing after a pause (an ellipsis, a dash).
 */
function judge(
  folded: string,
  marker: Marker,
  signals: ContrastSignals,
  languages: readonly SentencePatterns[],
  structures: readonly CompiledStructure[],
  reading: SentenceReading,
): ContestedInterest['verdict'] | null {
  if (signals.forward.some((hit) => hit.index >= marker.index)) return null
  const pieces = piecesAfter(folded, marker.end, reading)
  const scheduling = [unionOf(structures)]
  const namesTime = (text: string) => languages.some((patterns) => patterns.meetingTime?.test(text) === true) || timeOfDay.test(text) || meetingDuration.test(text)
  const offersMeeting = (text: string) => hasFamily(scheduling, 'scheduling', text) && languages.some((patterns) => patterns.meetingProposal?.test(text) === true)
  const refusedIn = (piece: Piece) =>
    signals.refusals.some((hit) => hit.index < piece.end && hit.index + hit.phrase.length > piece.index) || reading.hostility?.test(piece.text) === true
  const forward = (piece: Piece) => !refusedIn(piece) && !negatedOrPast(piece.text, reading) && (namesTime(piece.text) || offersMeeting(piece.text))
  if (pieces.some(forward)) return null
  if (pieces.some((piece) => piece.question)) return 'question'
  const later = (text: string) => languages.some((patterns) => patterns.laterTime?.test(text) === true || testGlobal(patterns.distantTime, text))
  const refuses = (piece: Piece) => refusedIn(piece) || later(piece.text) || (isNegated(piece.text, reading) && !namesTime(piece.text))
  // Words of regret are markers themselves, so they are looked for in the whole rest.
  const regretted = marker.kind === 'regret' || reading.regret?.test(folded.slice(marker.end)) === true
  if (regretted || pieces.some(refuses)) return 'refusal'
  return marker.kind === 'pause' ? null : 'open'
}

/** Tests a global expression from the start of `text`, leaving it reset. */
function testGlobal(pattern: RegExp | null, text: string): boolean {
  if (pattern === null) return false
  pattern.lastIndex = 0
  const found = pattern.test(text)
  pattern.lastIndex = 0
  return found
}
