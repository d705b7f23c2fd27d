/**
 * Confidence levels the rule classifier reports, highest first. With `composeClassifiers`'
 * default threshold (0.7), every level from `likely` up counts as confident; `weak` and
 * below hand the message to the next classifier.
 */
export const ruleConfidence = {
  /** A machine-readable report: an ARF feedback report (complaint), a DSN with failed or delayed recipients (bounce). */
  report: 0.99,
  /** DSN, ARF, RFC 3834 headers: structure the sender's software wrote. */
  structural: 0.97,
  /** An unsubscribe phrase: the plainest words a reply can have. */
  explicit: 0.95,
  /** A non-standard bounce notice (mail-system sender or bounce subject) whose words say delivery failed or was delayed. */
  bounceNotice: 0.92,
  /** A clear phrase and nothing contradicting it. */
  clear: 0.9,
  /** A question phrase (price, details, how it works): a clear phrase, though a question leaves the intent open. */
  question: 0.85,
  /**
   * Evidence one step removed from the words: an abuse notice from a feedback-loop address
   * without an ARF part, an automatic "left the company" notice naming a new address, a
   * mail-system notice with a status code next to an address in words the rules do not know.
   */
  indirect: 0.85,
  /**
   * Circumstantial evidence: a hand-off to a named person or role without an address, a
   * refusal read from its structure ("we already use …"), bulk or list mail without a
   * personal reply, a bounce told only by a mail-system sender and a bounce subject.
   */
  circumstantial: 0.8,
  /** A phrase with weaker support (a short "yes", text-only out-of-office). */
  likely: 0.75,
  /** Only a question mark. */
  weak: 0.6,
  /** Undecided wording ("let me think about it"): the category is `unknown`. */
  undecided: 0.45,
  /** Interest and refusal in the same reply: the category is `unknown`. */
  mixed: 0.4,
  /** Unsure: the category is `unknown`. */
  unsure: 0.3,
  /** The message has no new text to read: the category is `unknown`. */
  noText: 0.2,
  /** The classifier failed on the message (it never throws): the category is `unknown`. */
  failed: 0,
} as const
