import { isEmailAddress, type Mailbox } from '@cam/core'

/**
 * Formats a mailbox for Resend's `from`/`to` fields: `"Display Name" <address>`.
 *
 * The display name comes from lead data (attacker-controlled), so everything that
 * could change how the address list is parsed — quotes, backslashes, angle brackets,
 * commas, semicolons, control characters — is replaced by a space before quoting. A
 * name can therefore never add a recipient or a header.
 */
export function formatMailbox(mailbox: Mailbox): string {
  const address = mailbox.email.trim()
  // eslint-disable-next-line no-control-regex
  const name = (mailbox.name ?? '').replace(/[\u0000-\u001f\u007f"\\<>,;]/g, ' ').replace(/\s+/g, ' ').trim()
  return name === '' ? address : `"${name.slice(0, 200)}" <${address}>`
}

/** True when the address can be put between angle brackets safely. */
export function isSendableAddress(address: string): boolean {
  return isEmailAddress(address)
}
