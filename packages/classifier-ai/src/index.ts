/**
 * `@cam/classifier-ai`: a CAM `Classifier` that asks a language model (through the Vercel AI
 * SDK) about the replies the rule classifier is unsure of — only the reply text, redacted,
 * within a daily call budget, never throwing.
 *
 * @packageDocumentation
 */
export { createAiClassifier, unsureAnswerConfidence, fallbackConfidence } from './create-ai-classifier.js'
export { defaultAiThresholds, type AiClassifierOptions, type AiClassifierRedaction, type AiLanguageModel } from './ai-classifier-options.js'
export { defaultAiCategories, type AiCategory } from './ai-categories.js'
export { defaultRateLimitPauseMs, longestRateLimitPauseMs } from './model-call-budget.js'
