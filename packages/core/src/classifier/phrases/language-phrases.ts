import type { BounceWords } from './bounce-words.js'
import type { LanguageWords } from './language-words.js'
import type { StructureWords } from './structure-words.js'

/** A language the rule classifier has phrases for out of the box. */
export type BuiltInLanguage = 'en' | 'de' | 'fr' | 'es' | 'pt' | 'nl'

/**
 * A language the rule classifier reads: a built-in one, or the ISO 639-1 code of a
 * language added with a phrase table (`'it'`, `'sv'`). Return dates are read with the
 * `chrono-node` locale of that code when it has one.
 */
export type RuleLanguage = BuiltInLanguage | (string & {})

/**
 * The phrases the rule classifier looks for in one language. Every entry is a regular
 * expression source matched against folded text (see `foldText`: lower case, no accents,
 * plain apostrophes), so patterns are written without accents. Besides the phrase lists
 * per category, a table may give the small word lists of {@link LanguageWords}, the
 * structure words (`structure`) and the words of bounce notices (`bounce`): what the
 * classifier knows about a language is in its table (only a small date and time grammar
 * that supplements chrono-node is still written in the code).
 */
export interface LanguagePhrases extends LanguageWords {
  /** The language's ISO 639-1 code (`'en'`, `'sv'`): reported with each phrase found and used to pick chrono-node's locale for dates. */
  language: RuleLanguage
  /** Frequent short words, to guess the language (date parsing is tried in that order). */
  stopwords: readonly string[]
  /** A word that negates the phrase that follows it in the same clause ("not", "nicht", "pas", "no", "nao", "niet"). */
  negationsBefore: readonly string[]
  /** A word that negates the phrase it follows ("Das interessiert uns nicht", "ça ne m'intéresse pas"). */
  negationsAfter: readonly string[]
  /** Interest and meeting requests; a negation in the clause turns a hit into a refusal. */
  positive: readonly string[]
  /** Affirmations that count only when they are (nearly) the whole reply: "Yes please.", "Sure!" */
  shortPositive: readonly string[]
  /** Questions about price, details, how it works. */
  question: readonly string[]
  /** "Not the right person, talk to …". */
  referral: readonly string[]
  /** Refusals and objections. */
  negative: readonly string[]
  /** Refusals that count only when they are (nearly) the whole reply: "No.", "Nope." */
  shortNegative: readonly string[]
  /** Timing objections: "not now", "maybe next quarter" — never positive. */
  deferral: readonly string[]
  /** Undecided answers: "let me think about it", "I'll check with my team", "not sure yet". */
  undecided: readonly string[]
  /** Any wish to stop receiving mail. */
  unsubscribe: readonly string[]
  /** Absence notices. */
  outOfOffice: readonly string[]
  /** Other automatic answers (ticket receipts, "we received your message"). */
  autoReply: readonly string[]
  /** "No longer with the company". */
  leftCompany: readonly string[]
  /**
   * Words that open a reply with a yes ("yes", "sure", "grundsätzlich ja", "oui", "claro",
   * "prima"): matched at the start of the reply (after a greeting). A reply that opens
   * with one and says nothing against it is interest ("Sure, does Tuesday work?").
   */
  affirmations?: readonly string[]
  /** A day or time a meeting could be at ("Tuesday", "thurs", "3pm", "morgen ab 14 Uhr", "jeudi 14h"). */
  meetingTimes?: readonly string[]
  /**
   * Words that offer or accept a time ("works", "I'm free", "passt", "ça vous irait",
   * "te va bien", "pode ser", "kan"). A sentence with a meeting time and one of these — or
   * a short question naming a time ("Thursday 3pm CET?") — is a meeting proposal: positive.
   */
  meetingProposals?: readonly string[]
  /** Asking to be contacted again ("check back", "melden Sie sich", "recontactez-moi", "escríbeme"). */
  contactLater?: readonly string[]
  /**
   * A later time ("in June", "next year", "in a couple of months", "nach dem Sommer"): in the
   * same sentence as `contactLater` it makes a timing objection (negative).
   */
  laterTimes?: readonly string[]
  /**
   * A time far off ("next year", "in 2027", "in a few years", "nächstes Jahr", "dans deux
   * ans", "el año que viene", "ano que vem", "volgend jaar"): interest said for it, within a
   * few words ("Happy to chat — in 2027."), is a timing objection. A year counts only when it
   * is later than the year the reply was written.
   */
  distantTimes?: readonly string[]
  /**
   * A condition the writer no longer meets ("if we were still trading", "if we weren't
   * already with X", "wenn wir noch … wären", "si nous étions encore", "si todavía
   * tuviéramos", "se ainda tivéssemos", "als we nog … hadden"): interest said on it, in the
   * same sentence, is a refusal ("We'd be interested if we were still trading.").
   */
  falseConditions?: readonly string[]
  /**
   * Word families for the structural signals (hand-off verbs and roles for referrals,
   * removal and stop requests for unsubscribes, availability and contact-me for meetings,
   * incumbents and the present for objections). Optional: without them the language only
   * lacks those signals.
   */
  structure?: StructureWords
  /**
   * Words mail servers of this language write in bounce notices. Unlike the other lists,
   * they are matched case-insensitively against the notice as written (not folded). The
   * built-in languages' bounce words (and Italian's) are always read; a table's own are added.
   */
  bounce?: BounceWords
}
