/**
 * Runs a worker with the CRM export step added to the default pipeline:
 *   CRM_URL=https://crm.example/contacts CRM_TOKEN=… pnpm --filter @cam/example-custom-step start
 * (uses in-memory adapters so it runs anywhere; swap in the real ones.)
 */
import { createCamWorker, env, readEnvironment } from '@cam/core'
import { createMemoryInbox, createMemorySender, createMemoryStore } from '@cam/core/testing'
import { createCrmExportStep } from './create-crm-export-step.js'

const { CRM_URL, CRM_TOKEN } = readEnvironment(process.env, {
  CRM_URL: env.url(),
  CRM_TOKEN: env.optional(env.string({ secret: true })),
})
const worker = createCamWorker({
  store: createMemoryStore(),
  inbox: createMemoryInbox(),
  sender: createMemorySender(),
  hooks: { steps: (defaults) => [...defaults, createCrmExportStep({ url: CRM_URL, ...(CRM_TOKEN ? { token: CRM_TOKEN } : {}) })] },
})
worker.on('step:end', ({ step, report }) => {
  if (step === 'crm-export') console.log(`crm-export: ${JSON.stringify(report.counts)}`)
})
await worker.start()
