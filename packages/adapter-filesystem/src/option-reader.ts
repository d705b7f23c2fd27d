import type { ValidationIssue } from '@cam/core'

/** A short, printable description of a bad value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}

/** Collects option problems; every checker records an issue instead of throwing. */
export function createOptionReader(issues: ValidationIssue[]) {
  return {
    string(path: string, value: unknown, required: boolean): string | undefined {
      if (value === undefined && !required) return undefined
      if (typeof value !== 'string' || value.trim() === '') {
        issues.push({ path, message: `expected a non-empty string, got ${describeValue(value)}` })
        return undefined
      }
      return value
    },
    boolean(path: string, value: unknown, fallback: boolean): boolean {
      if (value === undefined) return fallback
      if (typeof value !== 'boolean') {
        issues.push({ path, message: `expected true or false, got ${describeValue(value)}` })
        return fallback
      }
      return value
    },
    integer(path: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
      if (value === undefined) return fallback
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        issues.push({ path, message: `expected an integer from ${min} to ${max}, got ${describeValue(value)}` })
        return fallback
      }
      return value
    },
  }
}
