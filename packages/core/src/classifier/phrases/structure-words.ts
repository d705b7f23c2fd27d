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
}
