import { z } from 'zod'

/**
 * Lower-cases and trims an address so that `Bob@Example.COM ` and `bob@example.com`
 * are the same lead and the same suppression entry.
 */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase()
}

// Pragmatic address check: local@domain.tld, no spaces, no angle brackets, sane lengths.
const addressPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/

/** True when `address` looks like a deliverable mailbox address (`local@domain.tld`). */
export function isEmailAddress(address: string): boolean {
  const trimmed = address.trim()
  return trimmed.length <= 254 && addressPattern.test(trimmed) && (trimmed.split('@')[0]?.length ?? 0) <= 64
}

/** Domain part of an address, lower-cased (`''` when there is none). */
export function emailDomain(address: string): string {
  const at = address.lastIndexOf('@')
  return at < 0 ? '' : normalizeEmail(address.slice(at + 1))
}

/** Zod schema for an email address; the error message says what was expected. */
export const emailAddressSchema = z
  .string({ error: 'expected an email address string' })
  .trim()
  .refine(isEmailAddress, { message: 'expected an email address like name@example.com' })
