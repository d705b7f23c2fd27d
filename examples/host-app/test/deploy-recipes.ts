/**
 * What the deployment recipe tests (test/deploy-*.test.ts) share: where the recipes are,
 * a strict YAML reader, and the facts about the real app that every recipe must match
 * (its variables, port, health path, how long a stop may take).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments } from 'yaml'
import { camEnvironmentVariables, createCamWorker } from '@cam/core'
import { createMemoryStore } from '@cam/core/testing'
import { hostAppEnvironmentVariables } from '../src/host-app-environment.js'

export const hostAppDirectory = join(dirname(fileURLToPath(import.meta.url)), '..')
export const deployDirectory = join(hostAppDirectory, 'deploy')
export const repositoryRoot = join(hostAppDirectory, '..', '..')

/** The port the app listens on in every recipe, and its health endpoint. */
export const appPort = 3000
export const healthPath = '/health'

/** Every placeholder for a credential contains this; a real value never does. */
export const placeholder = 'REPLACE_ME'

/**
 * Variables a recipe may set: the host app's own (src/host-app-environment.ts), the worker's
 * `CAM_*` (`camEnvironmentVariables`), Node's, and `cam-postgres migrate`'s. Any other name
 * is a typo the app would silently ignore.
 */
export const knownVariables = new Set([
  ...Object.keys(hostAppEnvironmentVariables),
  ...Object.keys(camEnvironmentVariables),
  'NODE_ENV',
  'NODE_OPTIONS',
  'CAM_POSTGRES_SCHEMA',
])

/** Variables the app cannot start without (no default). */
export const requiredVariables = ['DATABASE_URL', 'CAM_UNSUBSCRIBE_URL', 'CAM_UNSUBSCRIBE_SECRET']

/** Variables that hold credentials: never a literal value in a recipe, only placeholders or references. */
export const secretVariables = ['DATABASE_URL', 'CAM_UNSUBSCRIBE_SECRET', 'RESEND_WEBHOOK_SECRET', 'CAM_DASHBOARD_PASSWORD', 'CAM_DASHBOARD_CSRF_SECRET']

/**
 * The longest a graceful stop may take, in seconds, before the grace period runs out:
 * what SIGTERM waits for (main.ts → worker.stop()). The sends in flight finish (no abort:
 * an email is never left in doubt by a stop), bounded by the sender's request timeout
 * (budget 60 s); an alert delivery in flight, bounded by the worker's `alertTimeoutMs`;
 * then releasing the leases and closing the pool (budget 10 s).
 */
export function stopBudgetSeconds(): number {
  const { alertTimeoutMs } = createCamWorker({ store: createMemoryStore() }).config
  return 60 + alertTimeoutMs / 1000 + 10
}

/** The YAML documents of a file as plain values; any YAML error or warning fails. Merge keys (`<<`) are applied, as Compose does. */
export function readYamlDocuments(path: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'), { merge: true, prettyErrors: true, uniqueKeys: true })
  if (!Array.isArray(documents)) return []
  return documents.map((document) => {
    const problems = [...document.errors, ...document.warnings]
    if (problems.length > 0) throw new Error(`${path}: ${problems.map((problem) => problem.message).join('\n')}`)
    return document.toJS({ maxAliasCount: 100 }) as unknown
  }).filter((value) => value !== null)
}

/** One YAML document as an object. */
export function readYamlObject(path: string): Record<string, unknown> {
  const documents = readYamlDocuments(path)
  if (documents.length !== 1 || typeof documents[0] !== 'object') throw new Error(`${path}: expected one YAML mapping, got ${documents.length} documents`)
  return documents[0] as Record<string, unknown>
}

/** A duration of Compose (`120s`, `1m30s`) or systemd (`120`, `2min`, `90s`) in seconds. */
export function durationSeconds(text: string): number {
  const units: Record<string, number> = { '': 1, s: 1, sec: 1, m: 60, min: 60, h: 3600 }
  let total = 0
  const pattern = /(\d+(?:\.\d+)?)\s*(h|min|m|sec|s|)/gy
  let match: RegExpExecArray | null
  let consumed = 0
  while ((match = pattern.exec(text.trim())) !== null && match[0] !== '') {
    total += Number(match[1]) * units[match[2]!]!
    consumed = pattern.lastIndex
  }
  if (consumed !== text.trim().length) throw new Error(`not a duration: ${text}`)
  return total
}
