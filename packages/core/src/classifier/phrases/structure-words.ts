/**
 * Small, closed word families that the rule classifier's structural signals combine with
 * the shape of a reply (an address in the reply text, a Cc'd colleague named in it, a
 * phone number, a question, a negation, an imperative). Every entry is a regular
 * expression source matched against folded text (lower case, no accents, plain
 * apostrophes), like the phrase lists. A language without them still works; it only
 * lacks the structural signals.
 */
export interface StructureWords {
  /**
   * Verbs that send the reader to someone else ("contact", "reach out to", "talk to",
   * "write to", "direct this to", "wenden Sie sich an", "voyez avec", "habla con", "fale
   * com", "mail naar"). They make a referral when they point at another person or address
   * and the reader is their subject — not the writer ("I'll talk to my boss" is
   * deliberation) and not "me" ("contact me at …").
   */
  handOffVerbs: readonly string[]
  /**
   * Hand-offs the writer does himself: forwarding, copying in, passing on ("forwarding
   * to", "I've cc'd", "looping in", "leite weiter", "je transfère", "te copio a",
   * "estou copiando", "doorgestuurd").
   */
  handOffByWriter: readonly string[]
  /** Someone else is in charge: "who runs", "owns this", "zuständig", "s'occupe de", "se encarga", "quem cuida", "gaat over". */
  responsibility: readonly string[]
  /**
   * A colleague or role the writer points to, with its possessive ("our CTO", "my
   * colleague", "our head of growth", "unser Geschäftsführer", "notre directeur des ventes",
   * "nuestro director comercial", "o nosso diretor", "onze inkoper").
   */
  roles: readonly string[]
  /** People who run the writer's calendar ("my assistant", "my EA", "meine Assistentin"): sending them an invite is interest, not a referral. */
  assistants: readonly string[]
  /** A first-person subject right before a verb ("I'll", "let me", "ich werde", "je vais", "voy a", "vou", "ik ga"). */
  firstPerson: readonly string[]
  /** Removal verbs ("remove", "delete", "take … off", "entfernen", "löschen", "retirer", "supprimer", "eliminar", "borrar", "remover", "excluir", "verwijderen"). */
  removalVerbs: readonly string[]
  /** What is removed: the writer or their contact details ("me", "my address", "my data", "mich", "meine Adresse", "moi", "mi correo", "meu contato", "mijn gegevens"). */
  removalObjects: readonly string[]
  /** Where from: the sender's list or database ("your list", "your database", "Ihr Verteiler", "vos listes", "su base de datos", "sua base", "uw bestand"). */
  containers: readonly string[]
  /** Verbs of stopping ("stop", "cease", "aufhören", "cesser", "arrêter", "dejar de", "parar de", "stoppen", "ophouden"). */
  stopVerbs: readonly string[]
  /** Sending mail, as verbs or nouns ("email", "send", "write", "contact", "envois", "correos", "Nachrichten", "berichten"). */
  mailing: readonly string[]
  /** "Again", "any more" ("again", "anymore", "mehr", "plus", "más", "mais", "meer"): with a negation and a mailing word, a never-again request. */
  again: readonly string[]
  /** Asking or stating availability ("are you around", "your availability", "when works", "wann haben Sie Zeit", "vos disponibilités", "tu disponibilidad"). */
  availability: readonly string[]
  /** Asking to be contacted by phone or chat ("call me", "ping me", "whatsapp me", "rufen Sie mich an", "appelez-moi", "llámame", "me liga", "bel me"). */
  contactMe: readonly string[]
  /** The present ("right now", "at the moment", "currently", "this year", "momentan", "actuellement", "ahora mismo", "no momento", "op dit moment"). */
  nowTimes: readonly string[]
  /** An incumbent ("our current vendor", "we already have", "unser aktueller Anbieter", "notre prestataire", "ya contamos con", "já temos", "we hebben al"). */
  incumbent: readonly string[]
  /** Meeting logistics ("invite", "calendar", "call", "meeting", "slot", "Termin", "créneau", "reunión", "convite", "afspraak"). */
  scheduling: readonly string[]
  /**
   * Removal verbs that need a particle or the sender's list to be a removal ("take me
   * off", "haal mij van de lijst", "tragen Sie mich aus"). Whole words.
   */
  weakRemovalVerbs?: readonly string[]
  /** Particles that complete a weak removal verb ("off", "out", "from", "uit", "van", "aus"). */
  removalParticles?: readonly string[]
  /** Words right before a removal object that make it something else ("let" in "let me know"). */
  notRemovalBeforeObject?: readonly string[]
  /** Object pronouns written into the end of a removal verb ("bórrenme", "quitadnos", "retirez-moi"): endings of the verb. */
  encliticEndings?: readonly string[]
  /** Object pronouns joined to a removal verb by a hyphen ("remova-me", "retirez-moi"): written without the hyphen. */
  hyphenatedObjects?: readonly string[]
  /** Removal verbs whose object may come first ("mich bitte entfernen", "mij verwijderen"). Whole words. */
  objectFirstRemovalVerbs?: readonly string[]
  /** The objects that come first with them ("mich", "meine Adresse", "mij", "mijn gegevens"). */
  objectsBeforeRemoval?: readonly string[]
  /**
   * Objects that point at the writer ("me", "us", "mich", "moi", "m'", "mij", "enviarme"):
   * with a negation and "again" they make a never-again request about the writer's mail.
   * Complete regular expression sources.
   */
  writerObjects?: readonly string[]
  /** Mailing nouns ("emails", "messages", "Nachrichten", "envois", "correos", "berichten"): "no more emails". Whole words. */
  mailNouns?: readonly string[]
  /**
   * Forms of the stop verbs that ask to stop only as the object of a wish ("if you stopped
   * writing", "que dejaran de escribirme", "que vous arrêtiez de m'écrire", "als jullie
   * ophielden met mailen"): right after an interest phrase and followed by mailing, they ask
   * to stop mail ("I'd love it if you stopped emailing me"). Whole words.
   */
  wishedStopVerbs?: readonly string[]
  /** Words that may stand next to a bare removal or stop verb in a reply that is only the request ("Löschen bitte.", "Stop now!", "Eliminar, gracias."). */
  requestCompanions?: readonly string[]
  /**
   * Negations that make a reply worth reading for never-again requests ("don't", "nicht",
   * "ne", "n'", "niet"). Complete regular expression sources. Default: the language's
   * `negationsBefore` and `negationsAfter` as words.
   */
  neverAgainNegations?: readonly string[]
  /**
   * Negations that make a reply worth reading for "not now" refusals ("can't", "nicht",
   * "pas", "no", "niet"). Complete regular expression sources. Default: the language's
   * `negationsBefore` and `negationsAfter` as words.
   */
  objectionNegations?: readonly string[]
  /** Whole words that negate an incumbent or "now" besides the language's negations ("can't", "won't", "nicht", "pas", "nao", "niet"). */
  objectionNegationWords?: readonly string[]
  /**
   * Labels of a signature or contact line ("E:", "Tel.", "Mobile:", "Assistentin:"): an
   * address there is contact data, not a referral. Matched case-insensitively as written.
   */
  contactLabels?: readonly string[]
  /** Words that point at an address even in a contact line ("contact dan@…", "an", "naar"). Matched case-insensitively as written. */
  toAddressWords?: readonly string[]
  /** Words right after a hand-off verb that point back at the writer ("contact me", "schreiben Sie mir", "contactez-moi"). */
  pointsBack?: readonly string[]
  /** Openings of routing boilerplate, not a hand-off of this conversation ("for support", "in case of", "bei Fragen", "en cas d", "voor vragen"). */
  routingOpeners?: readonly string[]
  /** Copulas that make "our VP Sales is Dan" an equation ("is", "are", "ist", "c'est", "es", "zijn"). */
  copulas?: readonly string[]
  /** Words before a hand-off verb that make it a noun ("the email", "your message"). Whole words. */
  determiners?: readonly string[]
  /**
   * Prepositions after which a capitalised word is a person ("to Maya", "avec Karim", "con
   * Andrés", "naar Sanne"). Leave them out for a language that capitalises every noun.
   * Matched case-insensitively as written.
   */
  towards?: readonly string[]
  /** Capitalised words that are not people ("I", weekday and month names), in lower case. */
  notNames?: readonly string[]
  /** Greetings before a Cc'd colleague's name that make the reply speak to them ("Hi Jess,", "Hallo Jana"). */
  greetingsBeforeName?: readonly string[]
  /** Verbs right before a person's name that hand off to them ("try Dan", "ask Dan", "ping Jessica"). Matched case-insensitively as written. */
  nameVerbs?: readonly string[]
}
