/** Which contact details are replaced by placeholders before the text leaves the process. */
export interface RedactionSettings {
  emails: boolean
  phones: boolean
}

/** A text with contact details replaced, and what each placeholder stands for. */
export interface RedactedText {
  text: string
  /** Placeholder (`[email 1]`) → the address it replaced, as written. */
  emails: Map<string, string>
  /** How many phone numbers were replaced. */
  phoneCount: number
}

/** An email address: local part, `@`, a domain with at least one dot. Letters of any script. */
const emailPattern = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+/gu
/**
 * A phone number candidate: an optional `+`, then digits with the separators people write
 * (spaces, dots, dashes, slashes, parentheses), starting and ending with a digit (or an
 * opening parenthesis).
 */
const phoneCandidatePattern = /(?:\+|\(\d)?\d[\d\s()./-]{4,}\d/g
/** A phone number has at least this many digits (a local number without its area code). */
const minimumPhoneDigits = 7
/** …and at most this many (E.164's limit). */
const maximumPhoneDigits = 15
/** Dates are not phone numbers: `2026-03-02`, `02.03.2026`, `2.3.`, `03/02/2026`. */
const datePatterns = [/\b\d{4}-\d{1,2}-\d{1,2}\b/, /\b\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})?(?!\d)/]

function isPhoneNumber(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '').length
  if (digits < minimumPhoneDigits || digits > maximumPhoneDigits) return false
  return !datePatterns.some((pattern) => pattern.test(candidate))
}

/**
 * Replaces email addresses with `[email 1]`, `[email 2]`, … (the same address always with
 * the same placeholder) and phone numbers with `[phone]`, as `settings` says. The returned
 * map turns an email placeholder back into its address, so the model can name a referral's
 * address without ever seeing it.
 */
export function redactContactDetails(text: string, settings: RedactionSettings): RedactedText {
  const emails = new Map<string, string>()
  const placeholderOf = new Map<string, string>()
  let redacted = text
  if (settings.emails) {
    redacted = redacted.replace(emailPattern, (address) => {
      const key = address.toLowerCase()
      let placeholder = placeholderOf.get(key)
      if (placeholder === undefined) {
        placeholder = `[email ${placeholderOf.size + 1}]`
        placeholderOf.set(key, placeholder)
        emails.set(placeholder, address)
      }
      return placeholder
    })
  }
  let phoneCount = 0
  if (settings.phones) {
    redacted = redacted.replace(phoneCandidatePattern, (candidate) => {
      if (!isPhoneNumber(candidate)) return candidate
      phoneCount++
      return '[phone]'
    })
  }
  return { text: redacted, emails, phoneCount }
}
