/** Option checks: every problem listed at once, each naming its field and what was expected. */
import { createOpenAI } from '@ai-sdk/openai'
import { ValidationError } from '@cam/core'
import { describe, expect, test } from 'vitest'
import { createAiClassifier, type AiClassifierOptions } from '../src/index.js'

const model = createOpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-unused' }).chat('gpt-4o-mini')

function problems(options: unknown): Record<string, string> {
  try {
    createAiClassifier(options as AiClassifierOptions)
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true)
    const validation = error as ValidationError
    expect(validation.code).toBe('CONFIG_INVALID')
    return Object.fromEntries(validation.issues.map((issue) => [issue.path, issue.message]))
  }
  throw new Error('expected a ValidationError')
}

describe('createAiClassifier options', () => {
  test('valid options build a classifier named as asked (default ai)', () => {
    expect(createAiClassifier({ model }).name).toBe('ai')
    expect(createAiClassifier({ model, name: 'gpt', redact: { phones: false }, thresholds: { positive: 0.9 }, categories: ['positive', 'negative'] }).name).toBe('gpt')
    // Every optional field accepts undefined (apps with exactOptionalPropertyTypes pass process.env values).
    expect(createAiClassifier({ model, name: undefined, timeoutMs: undefined, logger: undefined, redact: undefined, instructions: undefined }).name).toBe('ai')
  })

  test('every bad field is listed, by name, with what was expected', () => {
    const found = problems({
      name: '',
      timeoutMs: -1,
      maxOutputTokens: 1.5,
      dailyCallCap: -3,
      maxReplyLength: 0,
      redact: 'yes',
      thresholds: { positive: 2, maybe: 0.5 },
      categories: ['positive', 'bounce', 'spam'],
      instructions: 42,
      logger: { info: () => {} },
    })
    expect(found).toEqual({
      model: "expected an AI SDK language model (specification v2 or v3) such as openai('gpt-4o-mini') from @ai-sdk/openai, got undefined (missing)",
      name: 'expected a non-empty string',
      timeoutMs: 'expected an integer from 1 to 2147483647, got -1',
      maxOutputTokens: 'expected an integer from 1 to 8192, got 1.5',
      dailyCallCap: 'expected an integer from 0 to 9007199254740991, got -3',
      maxReplyLength: 'expected an integer from 1 to 9007199254740991, got 0',
      redact: 'expected true, false or { emails?: boolean, phones?: boolean }, got "yes"',
      'thresholds.positive': 'expected a confidence from 0 to 1, got 2',
      'thresholds.maybe': 'expected one of positive, question, referral, negative, unsubscribe, out_of_office, auto_reply as a key',
      'categories.1':
        "bounce is decided from the message's structure, which the model never sees; expected some of positive, question, referral, negative, unsubscribe, out_of_office, auto_reply, unknown",
      'categories.2': 'expected one of positive, question, referral, negative, unsubscribe, out_of_office, auto_reply, unknown, got "spam"',
      instructions: 'expected a string, got 42',
      logger: 'expected a logger with debug, warn, error methods',
    })
  })

  test('complaint is refused too, and a model that is not one is named', () => {
    expect(problems({ model: { modelId: 'x' }, categories: ['complaint'] })).toEqual({
      model: "expected an AI SDK language model (specification v2 or v3) such as openai('gpt-4o-mini') from @ai-sdk/openai, got an object",
      'categories.0':
        "complaint is decided from the message's structure, which the model never sees; expected some of positive, question, referral, negative, unsubscribe, out_of_office, auto_reply, unknown",
    })
  })

  test('a model of an older AI SDK specification (v1) is refused', () => {
    expect(Object.keys(problems({ model: { specificationVersion: 'v1', provider: 'old', modelId: 'old', doGenerate: async () => ({}) } }))).toEqual(['model'])
  })

  test('no options at all', () => {
    expect(() => createAiClassifier(undefined as unknown as AiClassifierOptions)).toThrow(/Invalid AI classifier options/)
  })
})
