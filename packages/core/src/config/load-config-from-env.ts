import { ValidationError, type ValidationIssue } from '../errors/validation-error.js'
import type { WorkerConfigInput } from '../worker/worker-config.js'
import { maxTimerDelayMessage, maxTimerDelayMs, unsubscribeConfigSchema, workerConfigSchema } from '../worker/worker-config.js'

/** Environment variables: name → value (like `process.env`). */
export type Environment = Record<string, string | undefined>

/** How one environment variable is read. */
export interface EnvironmentVariable<T> {
  /** Turns the raw string into a value, or throws an `Error` whose message says what was expected. */
  parse: (raw: string) => T
  /** Value when the variable is unset or empty; omit to make the variable required. */
  default?: T
  /** Secrets are never echoed in errors (API keys, passwords, tokens). */
  secret?: boolean
  /** When true, an unset variable reads as `undefined` instead of being an error. */
  optional?: boolean
  /** One line for `--help`-style listings. */
  description?: string
}

/** Readers for common variable types. */
export const env = {
  /** Any non-empty string. */
  string: (options: { secret?: boolean; default?: string; description?: string } = {}): EnvironmentVariable<string> => ({
    parse: (raw) => raw,
    ...options,
  }),
  /** An integer in `[min, max]`. */
  integer: (options: { min?: number; max?: number; default?: number; description?: string } = {}): EnvironmentVariable<number> => ({
    parse: (raw) => {
      const value = Number(raw)
      const min = options.min ?? Number.MIN_SAFE_INTEGER
      const max = options.max ?? Number.MAX_SAFE_INTEGER
      if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
        throw new Error(`expected an integer${options.min !== undefined ? ` ≥ ${min}` : ''}${options.max !== undefined ? ` ≤ ${max}` : ''}`)
      }
      return value
    },
    ...(options.default !== undefined ? { default: options.default } : {}),
    ...(options.description ? { description: options.description } : {}),
  }),
  /**
   * A duration: whole milliseconds in `[min, max]` (`min` default 1). `max` defaults to,
   * and may not exceed, 2147483647 (2³¹−1 ms, about 24.8 days): the longest delay a
   * Node.js timer keeps (a longer one fires after 1 ms).
   */
  duration: (options: { min?: number; max?: number; default?: number; description?: string } = {}): EnvironmentVariable<number> => ({
    parse: (raw) => {
      const min = options.min ?? 1
      const max = Math.min(options.max ?? maxTimerDelayMs, maxTimerDelayMs)
      if (!/^\d+$/.test(raw)) throw new Error(`expected a whole number of milliseconds from ${min} to ${max}`)
      const value = Number(raw)
      if (value < min) throw new Error(`expected at least ${min} ms`)
      if (value > max) throw new Error(max === maxTimerDelayMs ? maxTimerDelayMessage : `expected at most ${max} ms`)
      return value
    },
    ...(options.default !== undefined ? { default: options.default } : {}),
    ...(options.description ? { description: options.description } : {}),
  }),
  /** `true/false`, `1/0`, `yes/no`, `on/off`. */
  boolean: (options: { default?: boolean; description?: string } = {}): EnvironmentVariable<boolean> => ({
    parse: (raw) => {
      const value = raw.trim().toLowerCase()
      if (['true', '1', 'yes', 'on'].includes(value)) return true
      if (['false', '0', 'no', 'off'].includes(value)) return false
      throw new Error('expected true or false')
    },
    ...options,
  }),
  /** A URL with one of the given protocols. */
  url: (options: { protocols?: string[]; secret?: boolean; default?: string; description?: string } = {}): EnvironmentVariable<string> => ({
    parse: (raw) => {
      const protocols = options.protocols ?? ['https:', 'http:']
      let url: URL
      try {
        url = new URL(raw)
      } catch {
        throw new Error(`expected a URL (${protocols.join(' or ')})`)
      }
      if (!protocols.includes(url.protocol)) throw new Error(`expected a URL starting with ${protocols.join(' or ')}`)
      return raw
    },
    ...options,
  }),
  /** Makes a variable optional: unset reads as `undefined`. */
  optional: <T>(variable: EnvironmentVariable<T>): EnvironmentVariable<T | undefined> => ({ ...variable, optional: true }),
  /** Comma-separated list of strings. */
  list: (options: { default?: string[]; description?: string; item?: (value: string) => void } = {}): EnvironmentVariable<string[]> => ({
    parse: (raw) => {
      const items = raw.split(',').map((item) => item.trim()).filter(Boolean)
      if (items.length === 0) throw new Error('expected a comma-separated list')
      items.forEach((item) => options.item?.(item))
      return items
    },
    ...(options.default ? { default: options.default } : {}),
    ...(options.description ? { description: options.description } : {}),
  }),
}

/** The value types of a set of variable readers. */
export type EnvironmentValues<S extends Record<string, EnvironmentVariable<unknown>>> = {
  [K in keyof S]: S[K] extends EnvironmentVariable<infer T> ? T : never
}

/**
 * Reads a set of variables. Collects **every** problem (missing, malformed) and throws
 * one `ValidationError` (code `CONFIG_INVALID`) listing them all; secret values are
 * never echoed, other values are only described, never printed.
 */
export function readEnvironment<S extends Record<string, EnvironmentVariable<unknown>>>(environment: Environment, variables: S): EnvironmentValues<S> {
  const { values, issues } = readVariables(environment, variables)
  if (issues.length > 0) throw new ValidationError('environment', issues, { code: 'CONFIG_INVALID' })
  return values
}

/** Reads what it can and collects every problem. */
function readVariables<S extends Record<string, EnvironmentVariable<unknown>>>(environment: Environment, variables: S): { values: EnvironmentValues<S>; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = []
  const values: Record<string, unknown> = {}
  for (const [name, variable] of Object.entries(variables)) {
    const raw = environment[name]
    if (raw === undefined || raw.trim() === '') {
      if (variable.optional) values[name] = undefined
      else if (variable.default !== undefined) values[name] = variable.default
      else issues.push({ path: name, message: `is required${variable.description ? ` (${variable.description})` : ''}` })
      continue
    }
    try {
      values[name] = variable.parse(raw.trim())
    } catch (error) {
      const what = error instanceof Error ? error.message : 'invalid value'
      issues.push({ path: name, message: variable.secret ? `${what} (value hidden: secret)` : what })
    }
  }
  return { values: values as EnvironmentValues<S>, issues }
}

/** The `CAM_*` variables the worker reads. */
export const camEnvironmentVariables = {
  CAM_WORKER_ID: env.optional(env.string({ description: 'unique worker id' })),
  CAM_INTERVAL_MS: env.duration({ min: 100, default: 60_000, description: 'milliseconds between cycles' }),
  CAM_SEND_BATCH_SIZE: env.integer({ min: 1, max: 1000, default: 50 }),
  CAM_SEND_CONCURRENCY: env.integer({ min: 1, max: 64, default: 4 }),
  CAM_LEASE_TTL_MS: env.duration({ min: 1000, default: 120_000, description: 'lease of leader-only steps, in milliseconds' }),
  CAM_ALERTS_ENABLED: env.boolean({ default: true }),
  CAM_METRICS_WINDOW_DAYS: env.integer({ min: 1, max: 365, default: 7 }),
  CAM_UNSUBSCRIBE_URL: env.optional(env.url({ protocols: ['https:', 'http:'] })),
  CAM_UNSUBSCRIBE_SECRET: env.optional(env.string({ secret: true })),
  CAM_UNSUBSCRIBE_MAILTO: env.optional(env.string()),
} satisfies Record<string, EnvironmentVariable<unknown>>

/** The unsubscribe variables, in the order they are reported. */
const unsubscribeVariables = ['CAM_UNSUBSCRIBE_URL', 'CAM_UNSUBSCRIBE_SECRET', 'CAM_UNSUBSCRIBE_MAILTO'] as const

/** `CAM_*` variables whose values are never echoed. */
const secretVariables = new Set(Object.entries(camEnvironmentVariables).filter(([, variable]) => variable.secret).map(([name]) => name))

/** Worker config field → the variable it is read from, to name the variable in errors. */
const workerVariableNames: Record<string, string> = {
  workerId: 'CAM_WORKER_ID',
  intervalMs: 'CAM_INTERVAL_MS',
  sendBatchSize: 'CAM_SEND_BATCH_SIZE',
  sendConcurrency: 'CAM_SEND_CONCURRENCY',
  leaseTtlMs: 'CAM_LEASE_TTL_MS',
  alertsEnabled: 'CAM_ALERTS_ENABLED',
  metricsWindowDays: 'CAM_METRICS_WINDOW_DAYS',
  'unsubscribe.url': 'CAM_UNSUBSCRIBE_URL',
  'unsubscribe.secret': 'CAM_UNSUBSCRIBE_SECRET',
  'unsubscribe.mailto': 'CAM_UNSUBSCRIBE_MAILTO',
}

/** Result of {@link loadConfigFromEnv}. */
export interface LoadedConfig<E> {
  /** Worker settings, ready for `createCamWorker({ config })`. */
  worker: WorkerConfigInput
  /** The extra variables asked for, parsed. */
  extra: E
}

/**
 * Reads the worker's `CAM_*` variables (and any `extra` variables the host or an
 * example needs, e.g. `DATABASE_URL`, `RESEND_API_KEY`) from `environment`. One
 * invalid or missing value fails with **one** message listing every bad variable;
 * secret values are never echoed.
 *
 * ```ts
 * const { worker, extra } = loadConfigFromEnv(process.env, { DATABASE_URL: env.url({ protocols: ['postgres:', 'postgresql:'] }) })
 * ```
 */
export function loadConfigFromEnv<E extends Record<string, EnvironmentVariable<unknown>> = Record<string, never>>(
  environment: Environment = process.env,
  extra?: E,
): LoadedConfig<EnvironmentValues<E>> {
  const camRead = readVariables(environment, camEnvironmentVariables)
  const extraRead = extra ? readVariables(environment, extra) : { values: {} as EnvironmentValues<E>, issues: [] }
  const issues: ValidationIssue[] = [...camRead.issues, ...extraRead.issues]
  const cam = camRead.values
  const given = (name: string) => (environment[name] ?? '').trim() !== ''
  // Unsubscribe links need URL and secret together; the mailto is optional. Each variable
  // given is checked on its own below, so one bad value never hides another.
  const unsubscribeGiven = unsubscribeVariables.filter(given)
  if (unsubscribeGiven.length > 0) {
    for (const name of ['CAM_UNSUBSCRIBE_URL', 'CAM_UNSUBSCRIBE_SECRET'] as const) {
      if (!given(name)) issues.push({ path: name, message: `is required when ${unsubscribeGiven.join(' and ')} ${unsubscribeGiven.length > 1 ? 'are' : 'is'} set` })
    }
  }
  const worker: WorkerConfigInput = {
    ...(cam.CAM_WORKER_ID ? { workerId: cam.CAM_WORKER_ID } : {}),
    intervalMs: cam.CAM_INTERVAL_MS,
    sendBatchSize: cam.CAM_SEND_BATCH_SIZE,
    sendConcurrency: cam.CAM_SEND_CONCURRENCY,
    leaseTtlMs: cam.CAM_LEASE_TTL_MS,
    alertsEnabled: cam.CAM_ALERTS_ENABLED,
    metricsWindowDays: cam.CAM_METRICS_WINDOW_DAYS,
    ...(cam.CAM_UNSUBSCRIBE_URL && cam.CAM_UNSUBSCRIBE_SECRET
      ? { unsubscribe: { url: cam.CAM_UNSUBSCRIBE_URL, secret: cam.CAM_UNSUBSCRIBE_SECRET, ...(cam.CAM_UNSUBSCRIBE_MAILTO ? { mailto: cam.CAM_UNSUBSCRIBE_MAILTO } : {}) } }
      : {}),
  }
  const reported = new Set(issues.map((issue) => issue.path))
  const report = (name: string, message: string) => {
    if (reported.has(name)) return
    reported.add(name)
    issues.push({ path: name, message: secretVariables.has(name) ? `${message} (value hidden: secret)` : message })
  }
  const unsubscribeFields = { CAM_UNSUBSCRIBE_URL: 'url', CAM_UNSUBSCRIBE_SECRET: 'secret', CAM_UNSUBSCRIBE_MAILTO: 'mailto' } as const
  for (const name of unsubscribeGiven) {
    const value = cam[name]
    if (value === undefined) continue
    const field = unsubscribeConfigSchema.shape[unsubscribeFields[name]].safeParse(value)
    if (!field.success) report(name, field.error.issues[0]?.message ?? 'invalid value')
  }
  const checked = workerConfigSchema.safeParse(worker)
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const path = issue.path.map(String).join('.')
      report(workerVariableNames[path] ?? path, issue.message)
    }
  }
  if (issues.length > 0) throw new ValidationError('environment', issues, { code: 'CONFIG_INVALID' })
  return { worker, extra: extraRead.values }
}
