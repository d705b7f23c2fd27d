import { createCamClient, createCamWorker, type CamClient, type CamEventType, type CamWorker, type WorkerConfigInput } from '../../src/index.js'
import {
  createManualClock,
  createMemoryInbox,
  createMemorySender,
  createMemoryStore,
  createWebhookReceiver,
  type ManualClock,
  type MemoryInbox,
  type MemorySender,
  type MemoryStore,
  type WebhookReceiver,
} from '../../src/testing/index.js'
import { anytime } from './one-step-campaign.js'

/** A memory-store worker (manual clock) with one webhook endpoint pointing at a real receiver on 127.0.0.1. */
export interface WebhookSetup {
  clock: ManualClock
  store: MemoryStore
  client: CamClient
  inbox: MemoryInbox
  sender: MemorySender
  receiver: WebhookReceiver
  worker: CamWorker
  campaignId: string
  /** Runs one cycle and fails the test on any step error. */
  cycle(): Promise<void>
  close(): Promise<void>
}

/** Builds a {@link WebhookSetup}: a started one-step campaign with `leads` leads (not sent yet). */
export async function webhookSetup(options: { leads?: number; events?: CamEventType[] | '*'; timeoutMs?: number; giveUpAfterMs?: number; config?: WorkerConfigInput } = {}): Promise<WebhookSetup> {
  const receiver = await createWebhookReceiver()
  const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
  const store = createMemoryStore({ clock })
  const client = createCamClient({ store, clock })
  const inbox = createMemoryInbox({ name: 'replies' })
  const sender = createMemorySender()
  const worker = createCamWorker({
    store,
    inbox,
    sender,
    clock,
    webhooks: [
      {
        name: 'crm',
        url: receiver.url,
        secret: receiver.secret,
        events: options.events ?? '*',
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.giveUpAfterMs !== undefined ? { giveUpAfterMs: options.giveUpAfterMs } : {}),
      },
    ],
    config: { workerId: 'worker-1', stopOnSignals: false, webhookRetryBaseMs: 1000, webhookRetryMaxMs: 60_000, ...options.config },
  })
  const campaign = await client.createCampaign({ name: 'Hooks', sender: { email: 'ana@sender.example' }, steps: [{ subject: 'Hello', text: 'Hi', delayDays: 0 }], schedule: anytime, dailyCap: 1000, rules: [] })
  await client.addLeads(campaign.id, Array.from({ length: options.leads ?? 0 }, (_, i) => ({ email: `p${i}@prospect.example`, firstName: `P${i}` })))
  await client.startCampaign(campaign.id)
  return {
    clock,
    store,
    client,
    inbox,
    sender,
    receiver,
    worker,
    campaignId: campaign.id,
    async cycle() {
      const report = await worker.runOnce()
      const failed = report.steps.filter((step) => step.status === 'error')
      if (failed.length > 0) throw new Error(`steps failed: ${failed.map((step) => `${step.name}: ${step.error}`).join('; ')}`)
    },
    async close() {
      await worker.stop()
      await receiver.close()
    },
  }
}
