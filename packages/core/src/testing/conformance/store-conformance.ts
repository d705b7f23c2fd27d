import type { StoreV1 } from '../../ports/store-v1.js'
import { describeStoreCampaignTests } from './store-conformance-campaigns.js'
import { describeStoreDeliveryEventTests } from './store-conformance-delivery-events.js'
import { describeStoreEmailTests } from './store-conformance-emails.js'
import { describeStoreGroupCommitTests } from './store-conformance-group-commit.js'
import { describeStoreMailboxTests } from './store-conformance-mailboxes.js'
import { describeStoreMessageFailureTests } from './store-conformance-message-failures.js'
import { describeStoreMessageTests } from './store-conformance-messages.js'
import { describeStoreOperatorTests } from './store-conformance-operator-reads.js'
import { describeStoreSendAttemptTests } from './store-conformance-send-attempts.js'
import { describeStoreWebhookDeliveryTests } from './store-conformance-webhook-deliveries.js'
import { describeStoreWebhookTests } from './store-conformance-webhooks.js'
import type { ConformanceTestApi, WithStore } from './test-api.js'

/** Options of {@link describeStoreConformance}. */
export interface StoreConformanceOptions {
  /** Suite name, e.g. `postgres`. */
  name: string
  /**
   * Returns a store to test. Called once per test. It may return a shared, already
   * used store: every test creates its own campaigns, addresses and channel names
   * and only looks at those.
   */
  create: () => Promise<StoreV1>
  /** Called after each test with what `create` returned. */
  destroy?: (store: StoreV1) => Promise<void>
}


/**
 * Conformance suite for the {@link StoreV1} port: campaign and lead lifecycle,
 * exclusive claiming with daily caps and crash recovery, send attempts and claim
 * renewal, atomic outcomes, message failures and quarantine, delivery events (once per
 * provider and id, each finding counted once per email), cursors, suppressions, counters,
 * alert deliveries, and the webhook outbox (events atomic with their cause, fan-out per
 * endpoint filter, exclusive claims, per-lead order, dead letters and replays). Run it with your adapter's factory:
 *
 * ```ts
 * import { describe, it } from 'vitest'
 * import { describeStoreConformance } from '@cam/core/testing'
 * describeStoreConformance({ describe, it }, { name: 'my-store', create: async () => myStore })
 * ```
 */
export function describeStoreConformance(api: ConformanceTestApi, options: StoreConformanceOptions): void {
  const withStore: WithStore = (body) => async () => {
    const store = await options.create()
    try {
      await body(store)
    } finally {
      await options.destroy?.(store)
    }
  }
  api.describe(`Store conformance: ${options.name}`, () => {
    describeStoreCampaignTests(api, withStore)
    describeStoreEmailTests(api, withStore)
    describeStoreSendAttemptTests(api, withStore)
    describeStoreGroupCommitTests(api, withStore)
    describeStoreMessageTests(api, withStore)
    describeStoreMessageFailureTests(api, withStore)
    describeStoreOperatorTests(api, withStore)
    describeStoreDeliveryEventTests(api, withStore)
    describeStoreMailboxTests(api, withStore)
    describeStoreWebhookTests(api, withStore)
    describeStoreWebhookDeliveryTests(api, withStore)
  })
}
