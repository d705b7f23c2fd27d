/**
 * The words of one language that mail servers write in bounce notices (non-delivery
 * reports, delay warnings). Unlike the reply phrases, every entry is a regular expression
 * source matched case-insensitively against the notice **as written** (not folded), so
 * accented letters are written as classes (`empf[aä]nger`, `n[aã]o`). Every field is
 * optional: a language gives what its mail servers say. Status codes, DSN fields and
 * protocol names (`5.1.1`, `550`, `Final-Recipient`, `DMARC`, `Spamhaus`) are not
 * language data; the classifier knows them by itself.
 */
export interface BounceWords {
  /** Delivery failed: "could not be delivered", "unzustellbar", "n'a pas pu être remis", "kon niet worden bezorgd". */
  failure?: readonly string[]
  /** The server is still trying: "delivery has been delayed", "Zustellung verzögert", "remise différée". */
  delay?: readonly string[]
  /** A subject that announces a delay warning: "(delay)", "delayed", "verzögert". */
  delaySubject?: readonly string[]
  /** A temporary condition (soft bounce): "mailbox full", "try again later", "Postfach voll", "boîte pleine". */
  soft?: readonly string[]
  /** Wording that overrides a temporary condition: the refusal is for good ("permanently deferred", "do not retry"). */
  permanent?: readonly string[]
  /** The remote server refused our sender, not the lead's address ("sender verify failed"): a block, checked before `hard`. */
  senderRefused?: readonly string[]
  /** The address does not exist or takes no mail (hard bounce): "user unknown", "Empfänger unbekannt", "utilisateur inconnu". */
  hard?: readonly string[]
  /** The message or sender was refused for spam, policy, reputation or authentication (block): "blocked", "policy", "unsolicited". */
  block?: readonly string[]
  /** Last resort for a permanent failure without a code the classifier knows: "mailbox unavailable", "rejected" (hard). */
  rejected?: readonly string[]
  /** Display names of mail systems that send notices: "Mail Delivery System", "Mail Administrator". */
  mailSystemNames?: readonly string[]
  /**
   * Words in a separator line ("----- Original message -----", "--- Kopie der Nachricht ---")
   * where the notice ends and the returned copy of our message begins; only the notice is read.
   */
  returnedCopySeparators?: readonly string[]
  /** Whole lines that introduce the returned copy: "Below this line is a copy of the message." */
  returnedCopyLines?: readonly string[]
  /**
   * Words after a dash at the start of a line ("- original message", "-- below this line")
   * where the search for the failed recipient's address stops.
   */
  returnedCopyMarkers?: readonly string[]
}
