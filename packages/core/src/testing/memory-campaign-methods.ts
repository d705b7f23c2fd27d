import { randomUUID } from 'node:crypto'
import type { Campaign, NewCampaign } from '../domain/campaign.js'
import type { StoreV1 } from '../ports/store-v1.js'
import { clone, type MemoryStoreState } from './memory-store-state.js'

type CampaignMethods = Pick<StoreV1, 'createCampaign' | 'getCampaign' | 'listCampaigns' | 'updateCampaign' | 'transitionCampaign'>

/** The memory store's campaigns. */
export function memoryCampaignMethods(state: MemoryStoreState): CampaignMethods {
  const { campaigns, requireCampaign, createAlertRows, notifyWork } = state
  return {
    async createCampaign(campaign: NewCampaign, now: Date) {
      const stored: Campaign = { ...clone(campaign), id: randomUUID(), status: 'draft', statusReason: null, createdAt: now, updatedAt: now }
      campaigns.set(stored.id, stored)
      return clone(stored)
    },
    async getCampaign(id) {
      const campaign = campaigns.get(id)
      return campaign ? clone(campaign) : null
    },
    async listCampaigns(filter = {}) {
      return [...campaigns.values()].filter((c) => !filter.statuses || filter.statuses.includes(c.status)).map(clone)
    },
    async updateCampaign(id, patch, now) {
      const campaign = requireCampaign(id)
      Object.assign(campaign, clone(patch), { updatedAt: now })
      return clone(campaign)
    },
    async transitionCampaign(input) {
      const campaign = requireCampaign(input.campaignId)
      if (!input.from.includes(campaign.status)) return null
      campaign.status = input.to
      campaign.statusReason = input.reason
      campaign.updatedAt = input.now
      if (input.alert) createAlertRows(input.alert.alert, input.alert.channels, input.now)
      state.webhooks.insertEvents(input.events, input.now)
      if (input.to === 'active') notifyWork()
      return clone(campaign)
    },
  }
}
