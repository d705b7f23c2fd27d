/**
 * A short, printable description of a bad input value for a validation message: a string
 * quoted and cut to 40 characters, a number, boolean, `null` or `undefined` as it is, anything
 * else by its kind (`an array`, `a function`, `an object`). Never use it on a secret field
 * (a password, a token, an API key).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
