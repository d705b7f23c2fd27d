import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bounceReasonTypes, bounceReasons, createRuleClassifier, parseRawMessage, replyCategories, type BounceReason, type ReplyCategory } from '../src/index.js'

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')

interface ManifestEntry {
  file: string
  category: ReplyCategory
  bounceType?: 'hard' | 'soft' | 'block'
  bounceReason?: BounceReason
  bounceRecipient?: string
  bounceStatus?: string
  originalMessageId?: string
  returnDate?: string
  noReturnDate?: boolean
  referralEmail?: string
  replyTextIncludes?: string[]
  language?: string
}

function manifest(name: string): ManifestEntry[] {
  return JSON.parse(readFileSync(join(fixturesDir, name), 'utf8')) as ManifestEntry[]
}

const replies = manifest('replies.manifest.json')
const machine = manifest('machine.manifest.json')
const all = [...replies, ...machine]
// Held-out sets 1 to 4 and 6 were used to generalise the rules, so they guard against
// regressions now. Held-out sets 5, 7 and 8 were blind estimates and are only checked for being
// well formed (set 7 was then used to tune round 6 but still has misses; set 8, scored once
// after round 6, is the current estimate — never tune on it).
const heldOut1 = manifest('holdout.manifest.json')
const heldOut2 = manifest('held-out-2.manifest.json')
const heldOut3 = manifest('held-out-3.manifest.json')
const heldOut4 = manifest('held-out-4.manifest.json')
const heldOut5 = manifest('held-out-5.manifest.json')
const heldOut6 = manifest('held-out-6.manifest.json')
const heldOut7 = manifest('held-out-7.manifest.json')
const heldOut8 = manifest('held-out-8.manifest.json')
const heldOut9 = manifest('held-out-9.manifest.json')
const classifier = createRuleClassifier()
const context = { lead: null, campaign: null, outboundEmail: null, now: new Date('2025-03-12T00:00:00Z') }

describe('fixture set', () => {
  it('has at least 150 fixtures covering every category, six languages and many sources', () => {
    expect(all.length).toBeGreaterThanOrEqual(150)
    for (const category of replyCategories) {
      expect(all.filter((entry) => entry.category === category).length, category).toBeGreaterThan(0)
    }
    expect(new Set(replies.map((entry) => entry.language))).toEqual(new Set(['en', 'de', 'fr', 'es', 'pt', 'nl']))
    expect(all.filter((entry) => entry.category === 'bounce').length).toBeGreaterThanOrEqual(30)
  })
})

describe('held-out sets', () => {
  it('are large enough and cover every language and category', () => {
    expect(heldOut2.length).toBeGreaterThanOrEqual(150)
    expect(heldOut3.length).toBeGreaterThanOrEqual(100)
    expect(heldOut4.length).toBeGreaterThanOrEqual(100)
    expect(heldOut5.length).toBeGreaterThanOrEqual(120)
    expect(heldOut6.length).toBeGreaterThanOrEqual(200)
    expect(heldOut7.length).toBeGreaterThanOrEqual(180)
    expect(heldOut8.length).toBeGreaterThanOrEqual(110)
    expect(heldOut9.length).toBeGreaterThanOrEqual(120)
    for (const set of [heldOut2, heldOut3, heldOut4, heldOut5, heldOut6, heldOut7]) {
      const languages = new Set(set.filter((entry) => entry.language !== undefined).map((entry) => entry.language))
      expect(languages).toEqual(new Set(['en', 'de', 'fr', 'es', 'pt', 'nl']))
      for (const category of ['positive', 'question', 'referral', 'negative', 'unsubscribe', 'unknown', 'out_of_office', 'auto_reply', 'bounce', 'complaint'] as const) {
        expect(set.some((entry) => entry.category === category), category).toBe(true)
      }
    }
    expect(heldOut2.filter((entry) => entry.category === 'bounce').length).toBeGreaterThanOrEqual(30)
  })

  it('name only files that exist, with a valid label', () => {
    for (const entry of [...heldOut1, ...heldOut2, ...heldOut3, ...heldOut4, ...heldOut5, ...heldOut6, ...heldOut7, ...heldOut8, ...heldOut9]) {
      expect(replyCategories, entry.file).toContain(entry.category)
      expect(readFileSync(join(fixturesDir, entry.file)).length, entry.file).toBeGreaterThan(100)
    }
  })
})

describe.each([
  ['human replies', replies],
  ['machine-generated messages', machine],
  ['held-out set 1 (used for tuning)', heldOut1],
  ['held-out set 2 (used for tuning)', heldOut2],
  ['held-out set 3 (used for tuning)', heldOut3],
  ['held-out set 4 (used for tuning)', heldOut4],
  ['held-out set 6 (used for tuning round 5)', heldOut6],
])('rule classifier on %s', (_, entries) => {
  it.each(entries.map((entry) => [entry.file, entry] as const))('%s', async (_file, entry) => {
    const message = await parseRawMessage(readFileSync(join(fixturesDir, entry.file)))
    const result = await classifier.classify(message, context)
    expect(result.category, result.reason).toBe(entry.category)
    expect(result.classifier).toBe('rules')
    expect(result.reason.length).toBeGreaterThan(5)
    if (entry.bounceType) expect(result.bounce?.type, result.reason).toBe(entry.bounceType)
    if (entry.bounceReason) expect(result.bounce?.reason, result.reason).toBe(entry.bounceReason)
    if (entry.category === 'bounce') {
      expect(result.bounce).toBeDefined()
      // Every bounce has a reason from the taxonomy, and its type follows from it.
      expect(bounceReasons).toContain(result.bounce?.reason)
      if (result.bounce && result.bounce.delayed !== true && result.bounce.status?.startsWith('4') !== true) expect(result.bounce.type, result.reason).toBe(bounceReasonTypes[result.bounce.reason])
    }
    else expect(result.bounce).toBeUndefined()
    if (entry.bounceRecipient) expect(result.bounce?.recipient?.toLowerCase()).toBe(entry.bounceRecipient.toLowerCase())
    if (entry.bounceStatus) expect(result.bounce?.status).toBe(entry.bounceStatus)
    if (entry.originalMessageId) expect(message.originalMessageId).toBe(entry.originalMessageId)
    if (entry.returnDate) expect(result.returnDate?.toISOString().slice(0, 10)).toBe(entry.returnDate)
    if (entry.noReturnDate) expect(result.returnDate).toBeUndefined()
    if (entry.referralEmail) expect(result.referralEmail).toBe(entry.referralEmail)
    for (const fragment of entry.replyTextIncludes ?? []) expect(message.replyText).toContain(fragment)
    if (entry.category !== 'bounce' && entry.category !== 'complaint') {
      // Only the sender's new words are judged: the quoted pitch never leaks into replyText.
      expect(message.replyText).not.toMatch(/Acme books more meetings|15-minütigen|Seriez-vous intéressé|Le interesaría|Você teria interesse|Heeft u interesse in een gesprek/)
    }
  })
})
