import { silentLogger, type Logger } from '@cam/core'
import { describeValue, isLogger, missingLoggerMethods, optionFields, parseOptions } from '@cam/core/adapter-kit'
import { z } from 'zod'
import { defaultAiCategories, structuralCategories, type AiCategory } from './ai-categories.js'
import type { RedactionSettings } from './redact-contact-details.js'

/**
 * A language model as the AI SDK takes it: a provider's model object — `openai.chat('gpt-4o-mini')`
 * from `@ai-sdk/openai`, `anthropic('…')`, any `LanguageModelV3` or `LanguageModelV2` — or a
 * model id string the AI SDK resolves with its global provider. The same as the `LanguageModel`
 * type of `ai`, written out here so that this package's declarations do not load the `ai`
 * package's (which need the DOM lib and `@types/json-schema` to type-check).
 */
export type AiLanguageModel =
  | string
  | {
      readonly specificationVersion: 'v2' | 'v3'
      readonly provider: string
      readonly modelId: string
      readonly supportedUrls: unknown
      doGenerate(options: never): PromiseLike<unknown>
    }

/** Which contact details to replace with placeholders in the text sent to the model. */
export interface AiClassifierRedaction {
  /** Email addresses become `[email 1]`, `[email 2]`, … (default true). */
  emails?: boolean | undefined
  /** Phone numbers become `[phone]` (default true). */
  phones?: boolean | undefined
}

/** Options of {@link createAiClassifier}. */
export interface AiClassifierOptions {
  /**
   * The language model to ask: an AI SDK model such as `openai('gpt-4o-mini')` from
   * `@ai-sdk/openai`, or a model id string the AI SDK resolves with its global provider.
   */
  model: AiLanguageModel
  /** Name recorded with each classification (`classifier` in `composeClassifiers`' result). Default `ai`. */
  name?: string | undefined
  /** How long one model call may take, in milliseconds; then it is aborted and the fallback answer given. Default 15 000. */
  timeoutMs?: number | undefined
  /** Most tokens the model may write per answer (the answer is a small JSON object). Default 300. */
  maxOutputTokens?: number | undefined
  /**
   * Most model calls per UTC day (of the classification context's `now`), counted in memory
   * by this classifier. Past it every message gets the fallback answer without a call until
   * the next UTC day. `0` turns the model off. Default 1 000.
   */
  dailyCallCap?: number | undefined
  /** Longest reply text sent, in characters; a longer one is cut (after redaction) and ends with `…`. Default 2 000. */
  maxReplyLength?: number | undefined
  /**
   * Replace contact details in the text sent: `true` (default) replaces email addresses and
   * phone numbers, `false` sends the reply text as it is, or choose per kind.
   */
  redact?: boolean | AiClassifierRedaction | undefined
  /**
   * Least model confidence (0…1) per category for the answer to stand; below it the answer
   * becomes `unknown` with a confidence of at most 0.5, so it can never raise an alert.
   * Default 0.85 for `positive` (it alerts a human), 0.7 for the others. Give only the
   * categories to change.
   */
  thresholds?: Partial<Record<Exclude<AiCategory, 'unknown'>, number>> | undefined
  /**
   * The categories the model may answer (it may always answer `unknown`). Default every
   * {@link AiCategory}. `bounce` and `complaint` are refused: they are decided from the
   * message's structure, which the model never sees.
   */
  categories?: readonly AiCategory[] | undefined
  /** Your own words appended to the system prompt (your product, what counts as interest for you). */
  instructions?: string | undefined
  /** Structured logger: a warning for each failed model call, the daily cap and rate limits. Default: silent. */
  logger?: Logger | undefined
}

/** Default least confidence per category: a positive alerts a human, so it needs more. */
export const defaultAiThresholds: Readonly<Record<Exclude<AiCategory, 'unknown'>, number>> = {
  positive: 0.85,
  question: 0.7,
  referral: 0.7,
  negative: 0.7,
  unsubscribe: 0.7,
  out_of_office: 0.7,
  auto_reply: 0.7,
}

/** Default of `timeoutMs`: 15 seconds. */
const defaultTimeoutMs = 15_000
/** Default of `maxOutputTokens`. */
const defaultMaxOutputTokens = 300
/** Largest `maxOutputTokens` accepted: the answer is a small JSON object. */
const largestMaxOutputTokens = 8_192
/** Default of `dailyCallCap`. */
const defaultDailyCallCap = 1_000
/** Default of `maxReplyLength`, in characters. */
const defaultMaxReplyLength = 2_000
/** Longest `instructions` accepted, in characters. */
const longestInstructions = 4_000

/** The options with every default applied. */
export interface ResolvedAiClassifierOptions {
  model: AiLanguageModel
  name: string
  timeoutMs: number
  maxOutputTokens: number
  dailyCallCap: number
  maxReplyLength: number
  redaction: RedactionSettings
  thresholds: Readonly<Record<Exclude<AiCategory, 'unknown'>, number>>
  categories: readonly AiCategory[]
  instructions: string | undefined
  logger: Logger
}

type Input = { input?: unknown }
const { integer, duration, boolean } = optionFields

const aiCategoryNames = defaultAiCategories.join(', ')
const thresholdCategories = Object.keys(defaultAiThresholds) as Array<Exclude<AiCategory, 'unknown'>>

/** AI SDK model specifications AI SDK 5 and 6 run. */
const supportedSpecifications: readonly unknown[] = ['v2', 'v3']

/** An AI SDK model object (`specificationVersion` v2 or v3, with `doGenerate`) or a model id string. */
function isLanguageModel(value: unknown): value is AiLanguageModel {
  if (typeof value === 'string') return value.trim() !== ''
  if (typeof value !== 'object' || value === null) return false
  const model = value as { doGenerate?: unknown; specificationVersion?: unknown }
  return typeof model.doGenerate === 'function' && supportedSpecifications.includes(model.specificationVersion)
}

const categorySchema = z.string({ error: (issue: Input) => `expected one of ${aiCategoryNames}, got ${describeValue(issue.input)}` }).superRefine((value, context) => {
  if (structuralCategories.includes(value as AiCategory | 'bounce' | 'complaint')) {
    context.addIssue({
      code: 'custom',
      message: `${value} is decided from the message's structure, which the model never sees; expected some of ${aiCategoryNames}`,
    })
  } else if (!(defaultAiCategories as readonly string[]).includes(value)) {
    context.addIssue({ code: 'custom', message: `expected one of ${aiCategoryNames}, got ${describeValue(value)}` })
  }
})

const thresholdSchema = z
  .number({ error: (issue: Input) => `expected a confidence from 0 to 1, got ${describeValue(issue.input)}` })
  .refine((value) => value >= 0 && value <= 1, { error: (issue: Input) => `expected a confidence from 0 to 1, got ${describeValue(issue.input)}` })

const optionsSchema = z.object({
  model: z.custom<AiLanguageModel>(isLanguageModel, {
    error: (issue: Input) =>
      `expected an AI SDK language model (specification v2 or v3) such as openai('gpt-4o-mini') from @ai-sdk/openai, got ${describeValue(issue.input)}${issue.input === undefined ? ' (missing)' : ''}`,
  }),
  name: z
    .string({ error: (issue: Input) => `expected a non-empty string, got ${describeValue(issue.input)}` })
    .refine((value) => value.trim() !== '', { error: 'expected a non-empty string' })
    .default('ai'),
  timeoutMs: duration(1).default(defaultTimeoutMs),
  maxOutputTokens: integer(1, largestMaxOutputTokens).default(defaultMaxOutputTokens),
  dailyCallCap: integer(0).default(defaultDailyCallCap),
  maxReplyLength: integer(1).default(defaultMaxReplyLength),
  redact: z
    .union([boolean(), z.strictObject({ emails: boolean().optional(), phones: boolean().optional() })], {
      error: (issue: Input) => `expected true, false or { emails?: boolean, phones?: boolean }, got ${describeValue(issue.input)}`,
    })
    .default(true),
  thresholds: z
    .record(z.string(), z.unknown(), { error: (issue: Input) => `expected an object of category → confidence, got ${describeValue(issue.input)}` })
    .superRefine((thresholds, context) => {
      for (const [category, value] of Object.entries(thresholds)) {
        if (!(thresholdCategories as string[]).includes(category)) {
          context.addIssue({ code: 'custom', path: [category], message: `expected one of ${thresholdCategories.join(', ')} as a key` })
          continue
        }
        const parsed = thresholdSchema.safeParse(value)
        if (!parsed.success) context.addIssue({ code: 'custom', path: [category], message: `expected a confidence from 0 to 1, got ${describeValue(value)}` })
      }
    })
    .optional(),
  categories: z
    .array(categorySchema, { error: (issue: Input) => `expected a list of categories (${aiCategoryNames}), got ${describeValue(issue.input)}` })
    .min(1, { error: `expected at least one of ${aiCategoryNames}` })
    .optional(),
  instructions: z
    .string({ error: (issue: Input) => `expected a string, got ${describeValue(issue.input)}` })
    .max(longestInstructions, { error: `expected at most ${longestInstructions} characters` })
    .optional(),
  logger: z.custom<Logger>(isLogger, { error: (issue: Input) => `expected a logger with ${missingLoggerMethods(issue.input).join(', ')} methods` }).optional(),
})

/**
 * Checks {@link AiClassifierOptions} and applies the defaults.
 *
 * @throws ValidationError (code `CONFIG_INVALID`) listing every bad field.
 */
export function resolveAiClassifierOptions(options: AiClassifierOptions): ResolvedAiClassifierOptions {
  const settings = parseOptions(optionsSchema, options, 'AI classifier options')
  const redact = settings.redact
  const categories = settings.categories === undefined ? defaultAiCategories : [...new Set<AiCategory>([...(settings.categories as AiCategory[]), 'unknown'])]
  return {
    model: settings.model,
    name: settings.name,
    timeoutMs: settings.timeoutMs,
    maxOutputTokens: settings.maxOutputTokens,
    dailyCallCap: settings.dailyCallCap,
    maxReplyLength: settings.maxReplyLength,
    redaction: typeof redact === 'boolean' ? { emails: redact, phones: redact } : { emails: redact.emails ?? true, phones: redact.phones ?? true },
    thresholds: { ...defaultAiThresholds, ...(settings.thresholds as Partial<Record<Exclude<AiCategory, 'unknown'>, number>> | undefined) },
    categories,
    instructions: settings.instructions,
    logger: settings.logger ?? silentLogger,
  }
}
