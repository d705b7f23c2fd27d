import { isEmailAddress, type Mailbox } from '@cam/core'
import { toSingleLine } from '@cam/core/adapter-kit'

/**
 * Formats a mailbox for Resend's `from`/`to` fields: `"Display Name" <address>`.
 *
 * The display name comes from lead data (attacker-controlled), so it is made one line
 * without control characters (`toSingleLine` from `@cam/core`: line breaks, tabs, NUL, ESC,
 * C1 controls), and everything that could change how the address list is parsed — quotes,
 * backslashes, angle brackets, commas, semicolons — is replaced by a space before quoting.
 * A name can therefore never add a recipient or a header.
 */
export function formatMailbox(mailbox: Mailbox): string {
  const address = mailbox.email.trim()
  const name = toSingleLine((mailbox.name ?? '').replace(/["\\<>,;]/g, ' ')).replace(/\s+/g, ' ')
  if (name === '') return address
  // Cut between code points: half an emoji would be a lone surrogate.
  const end = /[\ud800-\udbff]/.test(name.charAt(199)) ? 199 : 200
  return `"${name.slice(0, end)}" <${address}>`
}

/** True when the address can be put between angle brackets safely. */
export function isSendableAddress(address: string): boolean {
  return isEmailAddress(address)
}
