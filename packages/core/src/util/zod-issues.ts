import type { z } from 'zod'
import type { ValidationIssue } from '../errors/validation-error.js'

/**
 * Turns zod issues into CAM validation issues: one per field, with the dotted path.
 * Input values are never echoed (they may be secrets or attacker-controlled).
 */
export function zodIssues(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.')
    let message = issue.message
    if (issue.code === 'invalid_type' && /received undefined/i.test(message)) message = message.replace(/,?\s*received undefined/i, '') + ' (missing)'
    return { path, message: message.replace(/,?\s*received [^,]+$/i, '') }
  })
}
