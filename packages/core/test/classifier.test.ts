import { describe, expect, it } from 'vitest'
import {
  CamError,
  ValidationError,
  composeClassifiers,
  createRuleClassifier,
  parseRawMessage,
  type ClassificationContext,
  type ClassificationResult,
  type Classifier,
} from '../src/index.js'
import { classifierTestContext, classifyTestReply, testReply } from './support/classifier-reply.js'

const context: ClassificationContext = classifierTestContext
const rules = createRuleClassifier()

/** Replies here answer our first email and quote a shorter pitch. */
const replyOptions = { inReplyTo: '<cam.1@acme-outreach.io>', quote: "> Would you be interested in a call? If you're not interested, reply unsubscribe." }
const reply = (body: string, headers: string[] = []) => testReply(body, { ...replyOptions, headers })
const classify = (body: string, headers: string[] = []): Promise<ClassificationResult> => classifyTestReply(body, { ...replyOptions, headers })

describe('rule classifier: reply text', () => {
  it.each([
    ['positive', "Yes, I'm interested - let's find a time next week."],
    ['positive', 'Happy to chat, how about Thursday?'],
    ['negative', "I'm not interested."],
    ['negative', 'Not interested in a call, thanks.'],
    ['negative', 'Das interessiert uns nicht.'],
    ['negative', "Ça ne m'intéresse pas."],
    ['negative', 'No me interesa.'],
    ['negative', 'Não tenho interesse.'],
    ['negative', 'Geen interesse.'],
    ['negative', 'Not now, but maybe next quarter.'],
    ['unsubscribe', 'Not interested. Please remove me from your list.'],
    ['unsubscribe', 'Bitte nehmen Sie mich aus dem Verteiler, ich möchte keine weiteren E-Mails.'],
    ['question', 'What does it cost?'],
    ['referral', "I'm not the right person - talk to lee@northwind.io"],
    ['unknown', 'Ok.'],
  ] as const)('%s: %s', async (category, body) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe(category)
  })

  it('judges only the new text, never the quoted pitch', async () => {
    // The quote says "interested" and "unsubscribe"; the reply itself says nothing decisive.
    const result = await classify('Thanks for the note.')
    expect(result.category).toBe('unknown')
    expect(result.confidence).toBeLessThan(0.5)
  })

  it('gives the referred address, preferring the text and falling back to a Cc', async () => {
    const inText = await classify('Wrong person, please reach out to lee.chan@northwind.io instead.')
    expect(inText).toMatchObject({ category: 'referral', referralEmail: 'lee.chan@northwind.io' })
    const inCc = await classify("I've looped in my colleague Kim who owns this.", ['Cc: Kim Lee <kim.lee@northwind.io>'])
    expect(inCc).toMatchObject({ category: 'referral', referralEmail: 'kim.lee@northwind.io' })
  })

  it('explains its decision in words', async () => {
    expect((await classify('Not interested, thanks.')).reason).toBe("matched 'not interested'")
    expect((await classify('Yes please!')).reason).toContain('yes please')
  })

  it('reports a confident answer for clear cases and a low one when unsure', async () => {
    expect((await classify('Not interested.')).confidence).toBeGreaterThanOrEqual(0.9)
    const unsure = await classify('Hmm, interesting but not a fit right now, maybe')
    expect(unsure.confidence).toBeLessThanOrEqual(0.9)
  })
})

describe('rule classifier: structure before words', () => {
  it('treats an Auto-Submitted message as automatic even when its text sounds human', async () => {
    const result = await classify('Thank you for your email, we will get back to you.', ['Auto-Submitted: auto-replied'])
    expect(result.category).toBe('auto_reply')
    expect(result.reason).toContain('Auto-Submitted: auto-replied')
  })

  it('does not take X-Auto-Response-Suppress for an auto-reply', async () => {
    const result = await classify('Sounds great, let us talk on Friday.', ['X-Auto-Response-Suppress: All'])
    expect(result.category).toBe('positive')
  })

  it('reads an out-of-office with its return date relative to the message date', async () => {
    const result = await classify('I am out of the office and back on Monday.', ['Auto-Submitted: auto-replied'])
    expect(result.category).toBe('out_of_office')
    // Message date is Monday 10 March 2025: "Monday" is the next one.
    expect(result.returnDate?.toISOString().slice(0, 10)).toBe('2025-03-17')
  })

  it('leaves the return date out when the notice names none', async () => {
    const result = await classify('I am on vacation with limited access to email.', ['X-Autoreply: yes'])
    expect(result.category).toBe('out_of_office')
    expect(result.returnDate).toBeUndefined()
  })

  it('never throws on an odd message', async () => {
    const empty = await parseRawMessage('')
    await expect(rules.classify(empty, context)).resolves.toMatchObject({ category: 'unknown' })
  })
})

describe('composeClassifiers', () => {
  const fixed = (name: string, answer: Omit<ClassificationResult, 'classifier'>): Classifier & { calls: number } => {
    const classifier = {
      name,
      calls: 0,
      async classify() {
        classifier.calls++
        return answer
      },
    }
    return classifier
  }
  const failing = (name: string): Classifier => ({
    name,
    async classify() {
      throw new Error('model endpoint unreachable')
    },
  })

  it('takes the first confident answer and records who decided', async () => {
    const message = await parseRawMessage(reply('Not interested.'))
    const llm = fixed('llm', { category: 'positive', confidence: 0.99, reason: 'llm' })
    const composed = composeClassifiers(rules, llm)
    const result = await composed.classify(message, context)
    expect(result).toMatchObject({ category: 'negative', classifier: 'rules' })
    expect(llm.calls).toBe(0)
    expect(composed.name).toBe('rules+llm')
  })

  it('names a member that abstained (unknown at confidence 0) in the reason of the answer that stands', async () => {
    const message = await parseRawMessage(reply('Which industries?'))
    const llm = fixed('llm', { category: 'unknown', confidence: 0, reason: 'timed out after 15000 ms' })
    const result = await composeClassifiers(rules, llm).classify(message, context)
    expect(result.category).toBe('unknown')
    expect(result.classifier).toBe('rules')
    expect(result.reason).toMatch(/^no classifier was confident; best guess question .* \(llm: timed out after 15000 ms\)$/)
  })

  it('asks the next classifier when the rules are unsure', async () => {
    const message = await parseRawMessage(reply('Ok.'))
    const llm = fixed('llm', { category: 'question', confidence: 0.8, reason: 'asks about pricing' })
    const result = await composeClassifiers(rules, llm).classify(message, context)
    expect(result).toMatchObject({ category: 'question', classifier: 'llm', reason: 'asks about pricing' })
  })

  it('answers unknown, below the threshold, when nobody is confident', async () => {
    const message = await parseRawMessage(reply('Ok.'))
    const weak = fixed('weak', { category: 'positive', confidence: 0.5, reason: 'maybe' })
    const result = await composeClassifiers(rules, weak, { threshold: 0.8 }).classify(message, context)
    expect(result.category).toBe('unknown')
    expect(result.confidence).toBeLessThan(0.8)
    expect(result.reason).toContain('best guess positive at 0.50 from weak')
  })

  it('honours the threshold option', async () => {
    const message = await parseRawMessage(reply('Ok.'))
    const medium = fixed('medium', { category: 'positive', confidence: 0.75, reason: 'medium' })
    expect((await composeClassifiers(medium, { threshold: 0.7 }).classify(message, context)).category).toBe('positive')
    expect((await composeClassifiers(medium, { threshold: 0.8 }).classify(message, context)).category).toBe('unknown')
  })

  it('rethrows a failure as CLASSIFIER_FAILED when no other member is confident, so the message is retried', async () => {
    const message = await parseRawMessage(reply('Ok.'))
    const error = await composeClassifiers(rules, failing('llm')).classify(message, context).catch((caught: unknown) => caught)
    expect(CamError.isInstance(error, 'CLASSIFIER_FAILED')).toBe(true)
    expect((error as Error).message).toContain('classifier llm failed')
    expect((error as Error).cause).toBeInstanceOf(Error)
  })

  it("skips a failing member with onError: 'skip', and ignores failures when another member is confident", async () => {
    const unsure = await parseRawMessage(reply('Ok.'))
    const skipped = await composeClassifiers(rules, failing('llm'), { onError: 'skip' }).classify(unsure, context)
    expect(skipped.category).toBe('unknown')
    const clear = await parseRawMessage(reply('Not interested.'))
    const result = await composeClassifiers(failing('llm'), rules).classify(clear, context)
    expect(result).toMatchObject({ category: 'negative', classifier: 'rules' })
  })

  it('validates its arguments and lists every problem', () => {
    let caught: unknown
    try {
      composeClassifiers({ threshold: 2, onError: 'ignore' as 'skip' })
    } catch (error) {
      caught = error
    }
    expect(ValidationError.isInstance(caught)).toBe(true)
    expect((caught as ValidationError).issues.map((issue) => issue.path)).toEqual(['classifiers', 'threshold', 'onError'])
  })
})

describe('rule classifier: subject written by the sender', () => {
  it('reads a subject the sender wrote, but not a "Re:" subject that repeats our pitch', async () => {
    const raw = (subject: string, body: string) =>
      `From: a@example.com\r\nTo: sam@acme-outreach.io\r\nSubject: ${subject}\r\nMessage-ID: <s@example.com>\r\n\r\n${body}\r\n`
    const own = await rules.classify(await parseRawMessage(raw('Unsubscribe', '')), context)
    expect(own.category).toBe('unsubscribe')
    const quoted = await rules.classify(await parseRawMessage(raw('Re: Not interested in more leads?', 'Ok.')), context)
    expect(quoted.category).toBe('unknown')
    const ours = await rules.classify(await parseRawMessage(raw('Interested in a demo?', 'Hmm.')), {
      ...context,
      outboundEmail: { subject: 'Interested in a demo?' } as ClassificationContext['outboundEmail'],
    })
    expect(ours.category).toBe('unknown')
  })
})
