/** A parsed address: `"Ana Silva" <ana@acme.io>` → `{ name: 'Ana Silva', address: 'ana@acme.io' }`. */
export interface ParsedAddress {
  /** Display name, `''` when absent. */
  name: string
  /** Address as written (not lower-cased), `''` when unparseable. */
  address: string
}

/** One recipient block of an RFC 3464 delivery status notification. */
export interface DeliveryStatusRecipient {
  /** `Final-Recipient` address (type prefix such as `rfc822;` removed). */
  finalRecipient: string | null
  /** `Original-Recipient`, when present. */
  originalRecipient: string | null
  /** `Action`: failed, delayed, delivered, relayed, expanded. */
  action: string | null
  /** `Status`: enhanced status code such as `5.1.1`. */
  status: string | null
  /** `Diagnostic-Code` (type prefix such as `smtp;` removed). */
  diagnosticCode: string | null
  /** `Remote-MTA` (type prefix removed). */
  remoteMta: string | null
}

/** A parsed `message/delivery-status` (or `message/global-delivery-status`) part. */
export interface DeliveryStatus {
  /** Per-message fields (`Reporting-MTA`, `Arrival-Date`, …), lower-cased names. */
  fields: Record<string, string>
  reportingMta: string | null
  recipients: DeliveryStatusRecipient[]
}

/** A parsed RFC 5965 ARF `message/feedback-report` part. */
export interface FeedbackReport {
  /** `Feedback-Type`: abuse, fraud, virus, other, not-spam, auth-failure… */
  feedbackType: string | null
  userAgent: string | null
  version: string | null
  originalMailFrom: string | null
  originalRcptTo: string[]
  arrivalDate: string | null
  sourceIp: string | null
  reportedDomain: string | null
  /** Every field of the report, lower-cased names. */
  fields: Record<string, string>
}

/** Signals that a message was sent by a machine, not typed by a person. */
export interface AutomationSignals {
  /** `Auto-Submitted` value (`auto-replied`, `auto-generated`, …) unless `no`. */
  autoSubmitted: string | null
  /** `X-Autoreply` / `X-Autorespond` / `X-Autoresponder` present. */
  autoReplyHeader: boolean
  /** `Precedence` value when it is `auto_reply`, `bulk`, `junk` or `list`. */
  precedence: string | null
  /** Sender is empty (`<>`), `MAILER-DAEMON` or `postmaster`. */
  fromMailerDaemon: boolean
  /** `Return-Path: <>` (null reverse path). */
  nullReturnPath: boolean
  /** `List-Id` or `List-Unsubscribe` present (a mailing list, not a person). */
  listMessage: boolean
  /** Subject looks like a Microsoft/Google auto-reply ("Automatic reply:", "Out of Office:", …). */
  autoReplySubject: boolean
}

/** Something `parseRawMessage` could not read; it never throws, it reports. */
export interface ParseProblem {
  /** Where: `headers`, `body`, `delivery-status`, `feedback-report`, `encoding`, … */
  part: string
  message: string
}

/** The result of `parseRawMessage`: everything CAM reads from an email. */
export interface ParsedMessage {
  /** Message-ID with angle brackets, e.g. `<abc@host>`; null when missing. */
  messageId: string | null
  /** First Message-ID of In-Reply-To (with angle brackets); null when missing. */
  inReplyTo: string | null
  /** References Message-IDs, oldest first. */
  references: string[]
  from: ParsedAddress | null
  to: ParsedAddress[]
  cc: ParsedAddress[]
  replyTo: ParsedAddress[]
  subject: string
  /** Date header; null when missing or unparseable. */
  date: Date | null
  /**
   * Every header, lower-cased names, folding undone; a repeated header is an array in
   * arrival order. Unstructured values (Subject, X-…) are decoded from RFC 2047; address
   * and structured headers are given as written.
   */
  headers: Record<string, string | string[]>
  /** Plain-text body (from text/plain, or derived from HTML). */
  text: string
  /** HTML body when present. */
  html: string | null
  /** Only what the sender wrote now: quotes, "On … wrote:" headers, forwarded blocks and signatures removed. */
  replyText: string
  /** Parsed DSN, when the message is a delivery status notification. */
  deliveryStatus: DeliveryStatus | null
  /** Parsed ARF report, when the message is a feedback (complaint) report. */
  feedbackReport: FeedbackReport | null
  /** Message-ID of the original message a bounce or complaint is about. */
  originalMessageId: string | null
  /** Shortcut for `automation.autoSubmitted`. */
  autoSubmitted: string | null
  automation: AutomationSignals
  /** What could not be read. Empty for a clean message. */
  problems: ParseProblem[]
}
