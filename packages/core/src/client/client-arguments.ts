import { z } from 'zod'
import type { CampaignStatus } from '../domain/campaign.js'
import { isEmailAddress, normalizeEmail } from '../domain/email-address.js'
import { sanitizeText } from '../domain/plain-text.js'
import { leadStates, type LeadState } from '../domain/lead.js'
import type { SuppressionReason } from '../domain/suppression.js'
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js'
import type { InDoubtResolution } from '../ports/store-v1.js'
import { zodIssues } from '../util/zod-issues.js'

// Building blocks for validating the arguments of the management client's methods. Each
// method declares its arguments once (`clientArguments`), and a bad call fails with one
// `ValidationError` naming every bad field by argument name (`filter.limit`,
// `target.email`), before the store is asked anything.

/** Largest page a client list method returns (`limit`). */
export const maxListLimit = 1000

// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const controlCharacters = /[\u0000-\u001f\u007f]/

/** A record id (campaign, lead, email, …): a non-empty string without control characters. */
export const idArgument = z
  .string({ error: 'expected a non-empty id string' })
  .min(1, { message: 'expected a non-empty id string' })
  .refine((value) => !controlCharacters.test(value), { message: 'expected an id string without control characters' })

/** An email address, normalised (trimmed, lower-cased) as the store keys it. */
export const emailArgument = z
  .string({ error: 'expected an email address like name@example.com' })
  .refine((value) => !controlCharacters.test(value) && isEmailAddress(value), { message: 'expected an email address like name@example.com' })
  .transform(normalizeEmail)

/** A short free text (reason, source): 1 to `maxLength` characters, no control characters (lone surrogates become U+FFFD). */
export const textArgument = (maxLength: number) =>
  z
    .string({ error: `expected a string of 1 to ${maxLength} characters` })
    .min(1, { message: `expected a string of 1 to ${maxLength} characters` })
    .max(maxLength, { message: `expected a string of 1 to ${maxLength} characters` })
    .refine((value) => !controlCharacters.test(value), { message: 'expected text without control characters' })
    .overwrite(sanitizeText)

/** Page size of a list method: an integer from 1 to {@link maxListLimit}. */
export const limitArgument = z
  .number({ error: `expected an integer from 1 to ${maxListLimit}` })
  .int({ message: `expected an integer from 1 to ${maxListLimit}` })
  .min(1, { message: `expected an integer from 1 to ${maxListLimit}` })
  .max(maxListLimit, { message: `expected an integer from 1 to ${maxListLimit}` })

/** One of `values`, `what` naming one (`'lead state'`); the message lists them all. */
export function oneOf<const T extends string>(values: readonly T[], what: string) {
  return z.enum(values as unknown as [T, ...T[]], { error: `expected ${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what}: ${values.join(', ')}` })
}

/** A non-empty array of `values` (an empty one would silently match nothing). */
export function someOf<const T extends string>(values: readonly T[], what: string) {
  return z
    .array(oneOf(values, what), { error: `expected an array of ${what}s` })
    .min(1, { message: `expected at least one ${what} (leave the field out to match every ${what})` })
}

/** Campaign statuses. */
export const campaignStatuses = Object.keys({ draft: true, active: true, paused: true, completed: true } satisfies Record<CampaignStatus, true>) as CampaignStatus[]

/** Lead states. */
export const leadStateValues: readonly LeadState[] = leadStates

/** Suppression reasons a caller may give. */
export const suppressionReasons = Object.keys({ unsubscribe: true, hard_bounce: true, complaint: true, manual: true } satisfies Record<SuppressionReason, true>) as SuppressionReason[]

/** Resolutions of an in-doubt email. */
export const inDoubtResolutions = Object.keys({ sent: true, resend: true, cancel: true } satisfies Record<InDoubtResolution, true>) as InDoubtResolution[]

/**
 * A filter or options object: only the listed fields, each optional. An unknown field (a
 * typo such as `campaignID`) is an issue naming it instead of being silently ignored.
 */
export function filterArgument<Shape extends z.ZodRawShape>(shape: Shape) {
  const fields = Object.keys(shape).join(', ')
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field (expected only ${fields})` : `expected an object with ${fields}`),
  })
}

/**
 * Declares the arguments of a client method, once. The returned function validates a
 * call's arguments together and returns them parsed (ids checked, addresses normalised,
 * defaults applied), or throws one `ValidationError` (code `VALIDATION_FAILED`) whose
 * issues name every bad field by argument name: `filter.limit`, `target.email`, `email`.
 */
export function clientArguments<Shape extends z.ZodRawShape>(method: string, shape: Shape): (values: { [K in keyof Shape]: unknown }) => z.output<z.ZodObject<Shape>> {
  const schema = z.object(shape)
  return (values) => {
    const parsed = schema.safeParse(values)
    if (parsed.success) return parsed.data
    throw new ValidationError(`arguments of ${method}`, argumentIssues(parsed.error))
  }
}

/** Zod issues as CAM issues; an unknown field becomes one issue at that field's path. */
export function argumentIssues(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return zodIssues(error, prefix).flatMap((converted, index) => {
    const raw = error.issues[index]
    if (raw?.code !== 'unrecognized_keys') return [converted]
    return raw.keys.map((key) => ({ path: [converted.path, key].filter(Boolean).join('.'), message: converted.message }))
  })
}
