import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { PostgresStore } from '../../src/index.js'
import { sampleCampaign, sampleEmail, sampleLead } from '@cam/core/testing'

const workerScript = fileURLToPath(new URL('./worker-process.ts', import.meta.url))

/** An event a child worker reported. */
export interface ChildEvent {
  event: string
  [key: string]: unknown
}

/** A worker child process and the events it reported. */
export interface ChildWorker {
  id: string
  process: ChildProcess
  events: ChildEvent[]
  exited: Promise<number | null>
  waitFor(predicate: (event: ChildEvent) => boolean, timeoutMs?: number): Promise<ChildEvent>
}

/** Starts a worker process (see `worker-process.ts`). */
export function startWorker(options: {
  id: string
  databaseUrl: string
  schema?: string
  idempotent?: boolean
  holdMs?: number
  send?: boolean
  config?: Record<string, unknown>
  /** Another worker script of `test/support` (default `worker-process.ts`). */
  script?: string
  /** More environment variables for the script. */
  env?: Record<string, string>
}): ChildWorker {
  const script = options.script ? fileURLToPath(new URL(`./${options.script}`, import.meta.url)) : workerScript
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      CAM_TEST_DATABASE_URL: options.databaseUrl,
      CAM_TEST_SCHEMA: options.schema ?? 'cam',
      CAM_TEST_WORKER_ID: options.id,
      CAM_TEST_IDEMPOTENT: options.idempotent === false ? '0' : '1',
      CAM_TEST_HOLD_MS: String(options.holdMs ?? 0),
      CAM_TEST_SEND: options.send === false ? '0' : '1',
      CAM_TEST_CONFIG: JSON.stringify(options.config ?? {}),
      ...options.env,
    },
  })
  const events: ChildEvent[] = []
  const waiters = new Set<() => void>()
  child.on('message', (message) => {
    events.push(message as ChildEvent)
    for (const waiter of waiters) waiter()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    id: options.id,
    process: child,
    events,
    exited,
    waitFor(predicate, timeoutMs = 120_000) {
      const found = events.find(predicate)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`worker ${options.id}: timed out waiting for an event`))
        }, timeoutMs)
        function check() {
          const match = events.find(predicate)
          if (!match) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(match)
        }
        waiters.add(check)
      })
    },
  }
}

/** Stops a worker gracefully (SIGTERM) and waits for it to exit. */
export async function stopWorker(worker: ChildWorker): Promise<void> {
  if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGTERM')
  await worker.exited
}

/** An active one-step campaign (always inside its send window) with `count` leads due now. */
export async function seedDueEmails(store: PostgresStore, count: number, options: { campaigns?: number } = {}): Promise<string[]> {
  const now = new Date()
  const ids: string[] = []
  const campaigns = options.campaigns ?? 1
  for (let c = 0; c < campaigns; c++) {
    const campaign = await store.createCampaign(
      sampleCampaign({ steps: [{ subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }}', delayDays: 0 }], dailyCap: 100_000 }),
      now,
    )
    await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
    const share = Math.floor(count / campaigns) + (c < count % campaigns ? 1 : 0)
    for (let offset = 0; offset < share; offset += 1000) {
      const leads = Array.from({ length: Math.min(1000, share - offset) }, () => ({ lead: sampleLead(), firstEmail: sampleEmail(0, new Date(now.getTime() - 60_000)) }))
      const result = await store.addLeads({ campaignId: campaign.id, leads, now })
      ids.push(...result.added.map((lead) => lead.id))
    }
  }
  return ids
}

/** Polls until `condition` holds. */
export async function eventually<T>(read: () => Promise<T>, condition: (value: T) => boolean, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const start = Date.now()
  for (;;) {
    const value = await read()
    if (condition(value)) return value
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms (last value: ${JSON.stringify(value)})`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
