import type { BounceReason } from '../../domain/classification.js'

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
  /** Delivery succeeded (a success or relay report, never a bounce): "successfully delivered", "erfolgreich zugestellt". */
  success?: readonly string[]
  /** The server is still trying: "delivery has been delayed", "Zustellung verzögert", "remise différée". */
  delay?: readonly string[]
  /** A subject that announces a delay warning: "(delay)", "delayed", "verzögert". */
  delaySubject?: readonly string[]
  /**
   * Wording that overrides a delay: the refusal is for good ("permanently deferred", "do
   * not retry"), so a notice that also says "will retry" is a failure.
   */
  permanent?: readonly string[]
  /**
   * Wording of each bounce reason: "mailbox full" (`mailbox_full`), "Empfänger unbekannt"
   * (`user_unknown`), "boîte désactivée" (`suspended`)… The reasons are tried in a fixed
   * order (see `bounceReasonWordOrder`), most specific first; the first that matches the
   * server's diagnostic decides, unless a status code is more specific.
   */
  reasons?: Readonly<Partial<Record<BounceReason, readonly string[]>>>
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
