import type { z } from 'zod'
import type { CamErrorCode } from '../errors/cam-error.js'
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js'
import { zodIssues } from '../util/zod-issues.js'

/** Options of {@link parseOptions}. */
export interface ParseOptionsSettings {
  /** Code of the `ValidationError` (default `CONFIG_INVALID`). */
  code?: CamErrorCode | undefined
}

/**
 * Validates an adapter's options (or any input) against a zod schema and returns the parsed
 * value, defaults applied. On failure throws one `ValidationError` (code `CONFIG_INVALID`)
 * listing **every** bad field — one issue per field, with its dotted path (`auth.pass`,
 * `mailboxes.2`) and what was expected — never only the first. Several problems with one
 * field (e.g. a bad value that also breaks a rule across fields) share its issue, their
 * messages joined with `; `. The message starts
 * `Invalid <subject>:`. Input values are never echoed by zod's own messages (they may be
 * secrets); give a field a custom message to say more.
 *
 * ```ts
 * const optionsSchema = z.object({
 *   webhookUrl: z.url({ error: 'expected an https URL' }),
 *   timeoutMs: z.number().int().min(1).optional(),
 * })
 * const settings = parseOptions(optionsSchema, options, 'Teams alert options')
 * ```
 */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, input: unknown, subject: string, settings: ParseOptionsSettings = {}): z.output<Schema> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  // One issue per field: the problems found with one field (a type check, a range, a rule
  // across fields) are joined into its message, each said once.
  const byPath = new Map<string, string[]>()
  for (const issue of zodIssues(parsed.error)) {
    const messages = byPath.get(issue.path) ?? []
    if (!messages.includes(issue.message)) messages.push(issue.message)
    byPath.set(issue.path, messages)
  }
  const issues: ValidationIssue[] = [...byPath].map(([path, messages]) => ({ path, message: messages.join('; ') }))
  throw new ValidationError(subject, issues, { code: settings.code ?? 'CONFIG_INVALID' })
}
