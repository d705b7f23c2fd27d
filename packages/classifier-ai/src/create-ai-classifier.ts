import type { ClassificationContext, ClassificationResult, ClassifierV1, ParsedMessage } from '@cam/core'
import { sanitizeForLog, toSingleLine } from '@cam/core/adapter-kit'
import { generateText, Output, type LanguageModel } from 'ai'
import type { AiCategory } from './ai-categories.js'
import { resolveAiClassifierOptions, type AiClassifierOptions } from './ai-classifier-options.js'
import { replyPrompt, systemPrompt } from './classifier-prompt.js'
import { contentFilterDescription, describeModelFailure, outputCutDescription, type ModelFailure } from './describe-model-failure.js'
import { ModelCallBudget } from './model-call-budget.js'
import { checkAnswerFields, modelAnswerSchema, type ModelAnswer } from './model-answer.js'
import { redactContactDetails } from './redact-contact-details.js'

/**
 * Highest confidence of an answer that did not stand (the model said `unknown`, or its
 * confidence was below the category's threshold): below `composeClassifiers`' default
 * threshold 0.7 with room to spare, and the category is `unknown` anyway, so it can never
 * raise an alert.
 */
export const unsureAnswerConfidence = 0.5
/** Confidence of the answer given when the model was not asked or failed: the lowest, so any other classifier's answer wins. */
export const fallbackConfidence = 0
/** Longest model reason kept, in characters. */
const longestReason = 300

/**
 * Creates a {@link ClassifierV1} that asks a language model through the Vercel AI SDK
 * (`generateText` with `Output.object` and a zod schema). Meant as the last member of
 * `composeClassifiers`, so the model sees only the messages the rules are unsure about:
 *
 * ```ts
 * import { openai } from '@ai-sdk/openai'
 * const classifier = composeClassifiers(createRuleClassifier(), createAiClassifier({ model: openai('gpt-4o-mini') }))
 * ```
 *
 * **What is sent:** only the reply text the sender wrote (`message.replyText`: no quoted
 * pitch, no headers, no addresses from headers, no subject), with email addresses and phone
 * numbers replaced by placeholders (see `redact`), cut to `maxReplyLength` characters, and
 * the date it was received (for relative return dates). Nothing about the lead or campaign.
 *
 * **Never throws** once created. A timeout, a provider error, a 429, a refusal, an answer
 * that is not JSON or does not fit the schema, the daily cap: each gives `unknown` at
 * confidence 0 with a reason starting `AI classifier …` (so in `composeClassifiers` the other
 * members' best answer stands), and a `warn` log line on `logger`. At most one HTTP request
 * per message (the SDK's own retries are off); after a 429 no request is made until its
 * `Retry-After` has passed.
 *
 * **Answers:** a category the model may use (never `bounce` or `complaint`) with a
 * confidence at least the category's threshold stands, its reason starting `model:`; below
 * the threshold it becomes `unknown` at confidence ≤ 0.5.
 *
 * @throws ValidationError (code `CONFIG_INVALID`) listing every invalid option.
 */
export function createAiClassifier(options: AiClassifierOptions): ClassifierV1 {
  const settings = resolveAiClassifierOptions(options)
  const { name, logger } = settings
  const schema = modelAnswerSchema(settings.categories)
  const system = systemPrompt(settings.categories, settings.instructions)
  const budget = new ModelCallBudget(settings.dailyCallCap)
  let capReportedFor = ''

  const fallback = (what: string): ClassificationResult => ({
    category: 'unknown',
    confidence: fallbackConfidence,
    reason: `AI classifier ${what}; answered unknown without the model`,
  })
  const logFields = (message: ParsedMessage) => ({ classifier: name, messageId: message.messageId === null ? null : sanitizeForLog(message.messageId) })

  async function askModel(prompt: string): Promise<{ answer: ModelAnswer } | { failure: ModelFailure; timedOut: boolean }> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${settings.timeoutMs} ms`)), settings.timeoutMs)
    try {
      const result = await generateText({
        // The same type as `ai`'s LanguageModel, written out (see AiLanguageModel).
        model: settings.model as LanguageModel,
        system,
        prompt,
        output: Output.object({ schema, name: 'reply_classification' }),
        maxOutputTokens: settings.maxOutputTokens,
        temperature: 0,
        maxRetries: 0,
        abortSignal: controller.signal,
      })
      // With no text, `result.output` throws without saying why: the finish reason does.
      if (result.finishReason === 'content-filter') return { failure: { kind: 'content_filter', description: contentFilterDescription }, timedOut: false }
      if (result.finishReason === 'length' && result.text === '') return { failure: { kind: 'output_cut', description: outputCutDescription(settings.maxOutputTokens) }, timedOut: false }
      return { answer: result.output }
    } catch (error) {
      return { failure: describeModelFailure(error, { maxOutputTokens: settings.maxOutputTokens, now: new Date() }), timedOut: controller.signal.aborted }
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    name,
    async classify(message: ParsedMessage, context: ClassificationContext): Promise<ClassificationResult> {
      try {
        return await classifyMessage(message, context)
      } catch (error) {
        // Never reached by design; a bug must still not stop the worker's cycle.
        logger.error('AI classifier failed unexpectedly', { ...logFields(message), error: sanitizeForLog(error instanceof Error ? error.message : String(error)) })
        return fallback(`failed unexpectedly: ${toSingleLine(error instanceof Error ? error.message : String(error))}`)
      }
    },
  }

  async function classifyMessage(message: ParsedMessage, context: ClassificationContext): Promise<ClassificationResult> {
    const replyText = message.replyText.trim()
    if (replyText === '') return fallback('was not asked: the message has no reply text of its own')
    const now = context.now
    const refusal = budget.take(now)
    if (refusal !== null) {
      if (refusal.kind === 'daily_cap') {
        if (capReportedFor !== refusal.day) {
          capReportedFor = refusal.day
          logger.warn('AI classifier daily call cap reached; no model calls until the next UTC day', { ...logFields(message), dailyCallCap: refusal.cap, day: refusal.day })
        }
        return fallback(`was not asked: the daily cap of ${refusal.cap} model calls for ${refusal.day} (UTC) is reached`)
      }
      logger.debug('AI classifier not asked: waiting after a rate limit', { ...logFields(message), until: refusal.until.toISOString() })
      return fallback(`was not asked: the provider rate-limited us until ${refusal.until.toISOString()}`)
    }

    const redacted = redactContactDetails(replyText, settings.redaction)
    const characters = [...redacted.text]
    const sent = characters.length > settings.maxReplyLength ? `${characters.slice(0, settings.maxReplyLength).join('')}…` : redacted.text
    const receivedAt = message.date ?? now
    const outcome = await askModel(replyPrompt(sent, receivedAt.toISOString().slice(0, 10)))

    if ('failure' in outcome) {
      const failure: ModelFailure = outcome.timedOut ? { kind: 'timeout', description: `timed out after ${settings.timeoutMs} ms` } : outcome.failure
      if (failure.kind === 'rate_limited') {
        const until = budget.pause(now, failure.retryAfterMs)
        logger.warn('AI classifier rate-limited by the provider; no model calls until the wait is over', { ...logFields(message), until: until.toISOString() })
      }
      logger.warn('AI classifier failed; the answer is unknown and the other classifiers decide', { ...logFields(message), failure: failure.kind, reason: failure.description })
      return fallback(failure.description)
    }

    const answer = outcome.answer
    const checked = checkAnswerFields(answer, { text: replyText, emails: redacted.emails, receivedAt })
    if ('problem' in checked) {
      const description = `got an answer that breaks the output rules: ${checked.problem}`
      logger.warn('AI classifier failed; the answer is unknown and the other classifiers decide', { ...logFields(message), failure: 'schema_mismatch', reason: description })
      return fallback(description)
    }
    const reason = toSingleLine(answer.reason)
    const said = reason.length > longestReason ? `${reason.slice(0, longestReason)}…` : reason
    if (answer.category === 'unknown') {
      return { category: 'unknown', confidence: Math.min(answer.confidence, unsureAnswerConfidence), reason: `model: unsure: ${said}` }
    }
    const threshold = settings.thresholds[answer.category as Exclude<AiCategory, 'unknown'>]
    if (answer.confidence < threshold) {
      return {
        category: 'unknown',
        confidence: Math.min(answer.confidence, unsureAnswerConfidence),
        reason: `model: ${answer.category} at ${answer.confidence.toFixed(2)}, below its threshold ${threshold.toFixed(2)}: ${said}`,
      }
    }
    return { category: answer.category, confidence: answer.confidence, reason: `model: ${said}`, ...checked.fields }
  }
}
