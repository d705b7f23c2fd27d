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
 * `mailboxes.2`) and what was expected — never only the first. The message starts
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
  const issues: ValidationIssue[] = []
  const seen = new Set<string>()
  for (const issue of zodIssues(parsed.error)) {
    if (seen.has(issue.path)) continue // one issue per field: the first problem found
    seen.add(issue.path)
    issues.push(issue)
  }
  throw new ValidationError(subject, issues, { code: settings.code ?? 'CONFIG_INVALID' })
}
