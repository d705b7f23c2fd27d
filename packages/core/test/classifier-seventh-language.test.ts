import { describe, expect, it } from 'vitest'
import { ruleConfidence } from '../src/classifier/rule-confidence.js'
import { builtInPhrases, createRuleClassifier, parseRawMessage, type ClassificationResult } from '../src/index.js'
import { classifierTestContext, testReply } from './support/classifier-reply.js'
import { swedishPhrases, swedishStructure } from './support/swedish-phrases.js'

// A seventh language is added the way a user adds one: a phrase table passed to the classifier.
const builtIn = createRuleClassifier()
const withSwedish = createRuleClassifier({ phrases: [...builtInPhrases, swedishPhrases] })
const onlySwedish = createRuleClassifier({ phrases: [swedishPhrases] })

type Rules = ReturnType<typeof createRuleClassifier>

async function classifyRaw(rules: Rules, raw: string): Promise<ClassificationResult> {
  return rules.classify(await parseRawMessage(raw), classifierTestContext)
}

/** A Swedish reply to our pitch (sent Monday 10 March 2025, the pitch quoted below it). */
const reply = (body: string, headers: string[] = []) => testReply(body, { from: 'Lena Berg <lena@nordsken.se>', headers })

/** A bounce notice from a Swedish mail server: no status code, a subject no built-in rule knows. */
const swedishBounce = [
  'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.nordsken.se>',
  'To: Sam Carter <sam@acme-outreach.io>',
  'Subject: Meddelandet kunde inte levereras',
  'Date: Mon, 10 Mar 2025 09:05:00 +0000',
  'Message-ID: <b1@mx.nordsken.se>',
  '',
  'Ditt meddelande till lena.berg@nordsken.se kunde inte levereras.',
  '',
  'Mottagaren finns inte. Kontrollera adressen och försök igen.',
  '',
  '------ Ursprungligt meddelande ------',
  'From: Sam Carter <sam@acme-outreach.io>',
  'To: lena.berg@nordsken.se',
  'Subject: Quick question',
  '',
  'Would you be interested in a call? Reply unsubscribe if not.',
  '',
].join('\r\n')

describe('rule classifier: a seventh language added with a phrase table', () => {
  it.each([
    ['positive', 'Hej Sam,\n\nDet låter intressant! Kan vi boka ett samtal på torsdag?\n\nLena'],
    ['positive', 'Gärna! Berätta mer om hur det fungerar hos er.'],
    ['negative', 'Nej tack, vi är inte intresserade.'],
    ['negative', 'Vi använder redan ett annat system.'],
    ['negative', 'Nej, vi klarar oss.'],
    ['unsubscribe', 'Ta bort mig från er lista.'],
    ['unsubscribe', 'Sluta skicka mejl till mig.'],
  ] as const)('%s: %s', async (category, body) => {
    const swedish = await classifyRaw(withSwedish, reply(body))
    expect(swedish.category, swedish.reason).toBe(category)
    expect(swedish.confidence).toBeGreaterThanOrEqual(0.75)
    // The built-in languages alone do not read it.
    const without = await classifyRaw(builtIn, reply(body))
    expect(without.category, without.reason).not.toBe(category)
  })

  it('reads a Swedish price question by its phrase, not only by its question mark', async () => {
    const body = 'Vad kostar det per användare?'
    const swedish = await classifyRaw(withSwedish, reply(body))
    expect(swedish).toMatchObject({ category: 'question', confidence: ruleConfidence.question, reason: "matched 'vad kostar'" })
    const without = await classifyRaw(builtIn, reply(body))
    expect(without).toMatchObject({ category: 'question', confidence: ruleConfidence.weak, reason: 'asks a question (no known phrase)' })
  })

  it('reads a Swedish absence notice without auto-reply headers, with its return date (chrono-node\'s Swedish locale)', async () => {
    const body = 'Hej!\n\nJag är på semester till och med den 21 mars och har begränsad tillgång till e-post.\n\nMvh Lena'
    const swedish = await classifyRaw(withSwedish, reply(body))
    expect(swedish.category, swedish.reason).toBe('out_of_office')
    expect(swedish.returnDate?.toISOString().slice(0, 10)).toBe('2025-03-21')
    const without = await classifyRaw(builtIn, reply(body))
    expect(without.category, without.reason).not.toBe('out_of_office')
  })

  it('reads a Swedish absence notice with auto-reply headers by its subject', async () => {
    const body = 'Hej, jag läser inte min e-post under den här perioden. Vid brådskande ärenden, ring vår växel.'
    const raw = reply(body, ['Auto-Submitted: auto-replied']).replace('Subject: Re: Quick question', 'Subject: Frånvaro')
    const swedish = await classifyRaw(withSwedish, raw)
    expect(swedish.category, swedish.reason).toBe('out_of_office')
    const without = await classifyRaw(builtIn, raw)
    expect(without.category, without.reason).toBe('auto_reply')
  })

  it('reads a Swedish bounce notice with the bounce words of the table', async () => {
    const swedish = await classifyRaw(withSwedish, swedishBounce)
    expect(swedish.category, swedish.reason).toBe('bounce')
    expect(swedish.bounce).toMatchObject({ type: 'hard', recipient: 'lena.berg@nordsken.se' })
    expect(swedish.reason).toContain("'mottagaren finns inte'")
    const without = await classifyRaw(builtIn, swedishBounce)
    expect(without.category, without.reason).not.toBe('bounce')
  })

  it('keeps reading the built-in languages, and the built-in bounce words, next to the new table', async () => {
    expect((await classifyRaw(withSwedish, reply('Das interessiert uns nicht.'))).category).toBe('negative')
    expect((await classifyRaw(withSwedish, reply("Yes, I'm interested - let's find a time next week."))).category).toBe('positive')
    // Bounce notices are read in every built-in language whatever tables are passed: a mail
    // server writes in its own language, not the lead's.
    const germanBounce = swedishBounce
      .replace('Meddelandet kunde inte levereras', 'Unzustellbar')
      .replace('Ditt meddelande till lena.berg@nordsken.se kunde inte levereras.', 'Ihre Nachricht an lena.berg@nordsken.se konnte nicht zugestellt werden.')
      .replace('Mottagaren finns inte. Kontrollera adressen och försök igen.', 'Empfänger unbekannt.')
    const result = await classifyRaw(onlySwedish, germanBounce)
    expect(result.category, result.reason).toBe('bounce')
    expect(result.bounce?.type).toBe('hard')
  })

  it('finds a Swedish never-again request from its structure, its negation read from the table\'s negations', async () => {
    const withStructure = createRuleClassifier({ phrases: [...builtInPhrases, { ...swedishPhrases, structure: swedishStructure }] })
    const body = 'Mejla mig inte igen.'
    const result = await classifyRaw(withStructure, reply(body))
    expect(result).toMatchObject({ category: 'unsubscribe', reason: "asks to stop mail: 'mejla mig inte igen.'" })
    expect((await classifyRaw(withSwedish, reply(body))).category).not.toBe('unsubscribe')
  })

  it('reads nothing in a language whose table is not passed', async () => {
    const result = await classifyRaw(onlySwedish, reply("Yes, I'm interested - let's find a time next week."))
    expect(result.category, result.reason).not.toBe('positive')
  })
})
