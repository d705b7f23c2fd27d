import { z } from 'zod'
import { containsControlCharacter } from './plain-text.js'

/**
 * Lower-cases and trims an address so that `Bob@Example.COM ` and `bob@example.com`
 * are the same lead and the same suppression entry.
 */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase()
}

// Pragmatic address check: local@domain.tld, no spaces, no angle brackets, sane lengths.
const addressPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/

/**
 * True when `address` looks like a deliverable mailbox address (`local@domain.tld`). An
 * address holding a control character (NUL, DEL, ESC, backspace, …) or a lone surrogate is
 * never one, wherever the character is.
 */
export function isEmailAddress(address: string): boolean {
  if (typeof address !== 'string') return false
  const trimmed = address.trim()
  return !containsControlCharacter(trimmed) && trimmed.length <= 254 && addressPattern.test(trimmed) && (trimmed.split('@')[0]?.length ?? 0) <= 64
}

/** Domain part of an address, lower-cased (`''` when there is none). */
export function emailDomain(address: string): string {
  const at = address.lastIndexOf('@')
  return at < 0 ? '' : normalizeEmail(address.slice(at + 1))
}

/** Zod schema for an email address (trimmed); the error message says what was expected. */
export const emailAddressSchema = z
  .string({ error: 'expected an email address string' })
  .trim()
  .refine((address) => !containsControlCharacter(address), { message: 'expected an email address without control characters', abort: true })
  .refine(isEmailAddress, { message: 'expected an email address like name@example.com' })
