/**
 * Small, closed word lists of one language that the rule classifier's rules read besides
 * the phrases: greetings, a bare "no", negations, deliberation, absence words, delay
 * units, weekday and month names. Every entry is a regular expression source matched
 * against folded text (lower case, no accents, plain apostrophes) unless its field says
 * otherwise. Every field is optional: a language without a list only lacks that rule.
 */
export interface LanguageWords {
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
  /** Elided negations a word may open with (French "n'" in "n'est", "n'ai"): such a word negates like `negationsBefore`. */
  negationPrefixes?: readonly string[]
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
   * Conjunctions that end a clause, so a negation before them does not reach what follows
   * ("but", "however", "although", "aber", "cependant", "sin embargo", "contudo", "echter").
   */
  clauseBoundaries?: readonly string[]
  /**
   * Contrastive conjunctions a sentence is split at before looking for meeting proposals
   * and refusals ("I'm not free right now, but next week works" → two clauses): "but",
   * "however", "aber", "mais", "pero", "porem", "maar".
   */
  contrastives?: readonly string[]
  /**
   * Words that concede before a refusal at the start of a sentence ("still", "even so",
   * "trotzdem", "quand même", "aun así", "mesmo assim", "toch"): a sentence that is only one
   * of them (or a contrastive conjunction) and a short refusal ("Trotzdem: nein.", "But no.")
   * is a refusal sentence.
   */
  concessives?: readonly string[]
  /**
   * Contrastive words that are also something else, so they open a contrast clause after
   * interest only after punctuation or at the start of a sentence: Dutch "maar" also softens
   * an imperative ("stuur maar een uitnodiging"), Portuguese "mas" is Spanish "más" folded.
   */
  contrastivesAfterPunctuation?: readonly string[]
  /**
   * Words of regret or of a polite decline ("sorry", "unfortunately", "thanks anyway",
   * "leider", "trotzdem danke", "malheureusement", "lamentablemente", "infelizmente",
   * "helaas"): after interest they open a contrast clause, and in one they make it a refusal
   * ("Love it, but we have a freeze on new vendors. Sorry!").
   */
  regrets?: readonly string[]
  /**
   * Hostile intentions toward the sender ("block your domain", "report this as spam",
   * "als Spam melden"): in a contrast clause after praise they make the praise sarcasm, the
   * reply a refusal ("Perfect timing - I was about to block your domain.").
   */
  hostility?: readonly string[]
  /**
   * Chat shorthand and frequent misspellings, written out before any phrase is matched:
   * pairs of a pattern (a global regular expression source) and its replacement (`$1` for a
   * group): `['\\b(?:pls|plz)\\b', 'please']`. Applied in order, language by language.
   */
  shorthand?: readonly (readonly [pattern: string, replacement: string])[]
  /**
   * Politeness and filler words that sit inside requests ("please", "just", "bitte", "mal",
   * "s'il vous plait", "por favor", "alsjeblieft"): unsubscribe and referral requests are
   * read without them ("haal mij alsjeblieft van de lijst").
   */
  fillers?: readonly string[]
  /**
   * What follows a yes that makes it an acknowledgement or an answer to something else, not
   * interest ("Yes, got it", "Oui, je confirme la réception", "Ja, habe ich", "Graag gedaan"),
   * or turns it around ("Of course not"). Complete regular expression sources, matched right
   * after the yes.
   */
  acknowledgements?: readonly string[]
  /** Thanks ("thanks", "vielen dank", "merci beaucoup", "muchas gracias", "obrigado", "dank je"): a yes followed only by thanks is still a yes. */
  thanks?: readonly string[]
  /**
   * Negations that keep a sentence from being a meeting proposal, an availability question
   * or a contact offer ("I'm not free on Monday", "Tuesday doesn't work", "pas jeudi", "kein
   * Termin"). Complete regular expression sources (`\\b(?:not|never)\\b`, `n'[a-z]`).
   */
  sentenceNegations?: readonly string[]
  /** Words that put a sentence in the past, so it proposes nothing ("Did you email me on Monday?", "You called last week"). Complete regular expression sources. */
  pastReferences?: readonly string[]
  /** Titles and abbreviations a full stop does not end a sentence after ("mr", "dr", "z\\.b", "mme", "sra"). Matched case-insensitively. */
  abbreviations?: readonly string[]
  /** Words just before a date that say "this is when I am back" ("back", "return", "zurück", "de retour", "regreso", "de volta", "terug"). */
  returnWords?: readonly string[]
  /** Words just before a date that say "away until" ("until", "through", "bis", "jusqu'au", "hasta", "até", "tot en met"). */
  untilWords?: readonly string[]
}
