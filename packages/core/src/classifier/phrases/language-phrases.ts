import type { BounceWords } from './bounce-words.js'
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
 * plain apostrophes), so patterns are written without accents.
 */
export interface LanguagePhrases {
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
   * Word families for the structural signals (hand-off verbs and roles for referrals,
   * removal and stop requests for unsubscribes, availability and contact-me for meetings,
   * incumbents and the present for objections). Optional: without them the language only
   * lacks those signals.
   */
  structure?: StructureWords
  /**
   * Greeting words a reply's first line opens with ("hi", "dear", "guten tag", "bonjour",
   * "estimados", "bom dia", "beste"): a line that opens with one and has at most 40 more
   * characters is skipped before judging a short reply ("Hi Sam,\n\nYes please!").
   */
  greetings?: readonly string[]
  /**
   * A bare "no" a reply may open with ("no", "nope", "nein", "non", "nao", "nee"): with
   * punctuation, the end of the reply or a `bareNoFollowers` word after it, it is a refusal.
   */
  bareNo?: readonly string[]
  /** Words after a bare "no" that keep it a refusal ("thanks", "thank you", "danke", "merci", "hoor"). */
  bareNoFollowers?: readonly string[]
  /** Words after a "no" that make it something else than a refusal ("no problem", "no worries", "no hay prisa", "não se preocupe"). */
  notRefusalAfterNo?: readonly string[]
  /** "No" with a word it does not negate, as two-word phrases ("no doubt", "no rush", "no hay", "no souci"): "no doubt interested" stays interest. */
  notNegatingNo?: readonly string[]
  /** A negation inside a matched interest phrase that turns it into a refusal ("not", "nicht", "kein", "pas", "niet"). */
  negationsInPhrase?: readonly string[]
  /** Negations that agree and so negate nothing ("why not", "no problem", "warum nicht", "pourquoi pas", "waarom niet"). */
  agreeingNegations?: readonly string[]
  /** The plain negation written after a verb ("nicht", "pas", "niet"): "entfernen Sie mich nicht" is not a request. */
  negationAfterVerb?: readonly string[]
  /** Negations before an unsubscribe request that cancel it ("don't", "never"): "please don't remove me". */
  requestNegations?: readonly string[]
  /** The requests `requestNegations` cancel, as written right after the negation ("remove", "take", "unsubscribe", "ever remove"). */
  negatableRequests?: readonly string[]
  /** Words for no one ("nobody", "no one"): a referral phrase followed by one names no one ("looping in nobody"). */
  nobody?: readonly string[]
  /** Verbs of a referral phrase that are deliberation when the writer is their subject ("talk", "ask", "check", "sprech", "parler", "hablar"). */
  deliberationVerbs?: readonly string[]
  /** The writer as the subject of what follows ("I'll", "let me", "I need to", "ich werde", "je vais", "tengo que", "ik ga"): "I'll talk to my boss" is deliberation, not a referral. */
  firstPersonIntent?: readonly string[]
  /**
   * Words in an automatic reply's subject that make it an absence notice ("out of
   * office", "abwesen", "vacances", "vacaciones"). Matched case-insensitively against the
   * subject as written (not folded).
   */
  absenceSubject?: readonly string[]
  /** Absence words that make a text without auto-reply headers an absence notice by themselves ("out of office", "abwesend", "absent", "afwezig"). */
  plainAbsence?: readonly string[]
  /**
   * Units of a delay ("hours", "Tagen", "jours", "semanas", "uur"): a date read from an
   * automatic reply together with one ("we reply within 24 hours") is a delay, not a
   * return date. Matched case-insensitively against the date's words as written.
   */
  durationUnits?: readonly string[]
  /** Weekday and month names: an automatic reply without a digit or one of them names no return date. */
  calendarWords?: readonly string[]
  /**
   * Words mail servers of this language write in bounce notices. Unlike the other lists,
   * they are matched case-insensitively against the notice as written (not folded). The
   * built-in languages' bounce words (and Italian's) are always read; a table's own are added.
   */
  bounce?: BounceWords
}
