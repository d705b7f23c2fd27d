/**
 * The AI classifier as it is meant to run: `composeClassifiers(createRuleClassifier(), ai)`,
 * with the model behind a local OpenAI Chat Completions server. The model is asked only about
 * what the rules are unsure of; an unsure or failed model never turns into a confident answer.
 */
import { createOpenAI } from '@ai-sdk/openai'
import { composeClassifiers, createRuleClassifier, type ClassifierV1 } from '@cam/core'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createAiClassifier } from '../src/index.js'
import { startOpenAiChatServer, type OpenAiChatServer } from './openai-chat-server.js'
import { contextAt, replyMessage } from './reply-message.js'
import { createRecordingLogger, type RecordingLogger } from '@cam/core/testing'

/** `composeClassifiers`' default threshold: at or above it, a non-unknown answer is confident (a positive alerts a human). */
const composeThreshold = 0.7

let server: OpenAiChatServer
let logger: RecordingLogger
let classifier: ClassifierV1

beforeAll(async () => {
  server = await startOpenAiChatServer()
})
afterAll(async () => {
  await server.close()
})
beforeEach(() => {
  server.requests.length = 0
  logger = createRecordingLogger()
  const provider = createOpenAI({ baseURL: server.baseURL, apiKey: server.apiKey })
  classifier = composeClassifiers(createRuleClassifier(), createAiClassifier({ model: provider.chat('gpt-4o-mini'), logger }))
})

const classify = async (text: string) => classifier.classify(await replyMessage(text), contextAt())

describe('who is asked', () => {
  test('replies the rules are sure of never reach the model; unsure ones do, once each', async () => {
    server.behave({ type: 'answer', content: { category: 'question', confidence: 0.9, reason: 'asks for details', referralEmail: null, returnDate: null } })
    const clear = {
      'Not interested, thanks.': 'negative',
      'Please remove me from your list.': 'unsubscribe',
      "Sounds great, let's talk next week.": 'positive',
    }
    for (const [text, category] of Object.entries(clear)) {
      expect(await classify(text)).toMatchObject({ category, classifier: 'rules' })
    }
    expect(server.requests).toHaveLength(0)

    for (const text of ['Hmm, maybe. Depends on timing.', 'Which industries?']) {
      expect(await classify(text)).toMatchObject({ category: 'question', confidence: 0.9, classifier: 'ai', reason: 'model: asks for details' })
    }
    expect(server.requests).toHaveLength(2)
    expect(server.requests[1]!.raw).toContain('Which industries?')
  })

  test('a confident model positive decides (and would alert)', async () => {
    server.behave({ type: 'answer', content: { category: 'positive', confidence: 0.93, reason: 'asks for material to review', referralEmail: null, returnDate: null } })
    expect(await classify('Interesting. Send me something in writing and I will have a look.')).toEqual({
      category: 'positive',
      confidence: 0.93,
      reason: 'model: asks for material to review',
      classifier: 'ai',
    })
  })
})

describe('an unsure model raises no alert', () => {
  test('a positive below its threshold comes out unknown, below the compose threshold', async () => {
    server.behave({ type: 'answer', content: { category: 'positive', confidence: 0.8, reason: 'might be interested', referralEmail: null, returnDate: null } })
    const result = await classify('Interesting. Send me something in writing and I will have a look.')
    expect(result.category).toBe('unknown')
    expect(result.confidence).toBeLessThan(composeThreshold)
    expect(result.reason).toBe('model: positive at 0.80, below its threshold 0.85: might be interested')
    expect(server.requests).toHaveLength(1)
  })
})

describe('a failed model keeps the rules’ answer, and says so in the log', () => {
  test('provider error on a reply the rules call undecided: the rules’ unknown stands', async () => {
    server.behave({ type: 'error', status: 500, code: 'server_error', message: 'The server had an error while processing your request.' })
    const result = await classify('Could work for us later this year, not sure yet.')
    // The rules' answer stands, and its reason says the model failed and why.
    expect(result).toEqual({
      category: 'unknown',
      confidence: 0.45,
      reason: `undecided: matched 'not sure yet' (ai: AI classifier got an error from the provider (HTTP 500): "The server had an error while processing your request."; answered unknown without the model)`,
      classifier: 'rules',
    })
    const [warning] = logger.at('warn')
    expect(warning!.message).toBe('AI classifier failed; the answer is unknown and the other classifiers decide')
    expect(warning!.fields).toMatchObject({ classifier: 'ai', failure: 'provider_error' })
    expect(String(warning!.fields!.reason)).toContain('HTTP 500')
  })

  test('timeout on a reply the rules read as a weak question: their best guess is cited, still unknown', async () => {
    server.behave({ type: 'hang' })
    const provider = createOpenAI({ baseURL: server.baseURL, apiKey: server.apiKey })
    const impatient = composeClassifiers(createRuleClassifier(), createAiClassifier({ model: provider.chat('gpt-4o-mini'), timeoutMs: 200, logger }))
    const result = await impatient.classify(await replyMessage('Which industries?'), contextAt())
    expect(result).toEqual({
      category: 'unknown',
      confidence: 0.6,
      reason: 'no classifier was confident; best guess question at 0.60 from rules: asks a question (no known phrase) (ai: AI classifier timed out after 200 ms; answered unknown without the model)',
      classifier: 'rules',
    })
    expect(logger.at('warn')[0]!.fields).toMatchObject({ failure: 'timeout', reason: 'timed out after 200 ms' })
  })

  test('a model answering bounce changes nothing', async () => {
    server.behave({ type: 'answer', content: { category: 'bounce', confidence: 0.99, reason: 'mailbox full', referralEmail: null, returnDate: null } })
    const result = await classify('Noted.')
    expect(result).toMatchObject({ category: 'unknown', classifier: 'rules', confidence: 0.3 })
    expect(logger.at('warn')[0]!.fields).toMatchObject({ failure: 'schema_mismatch' })
  })
})
