import type { ClassificationResult } from '../domain/classification.js'
import { CamError } from '../errors/cam-error.js'
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js'
import type { ParsedMessage } from '../mime/parsed-message.js'
import type { ClassificationContext, ClassifierV1 } from '../ports/classifier-v1.js'

/** Options for {@link composeClassifiers}, passed as the last argument. */
export interface ComposeClassifiersOptions {
  /**
   * An answer counts as confident when its confidence is at least this and its category is
   * not `unknown`. Default 0.7 (the rule classifier's clear answers are 0.9 and above; a
   * reply that only asks a question is 0.6, a bare "unknown" 0.3).
   */
  threshold?: number
  /** Name of the composed classifier. Default: the members' names joined, e.g. `rules+llm`. */
  name?: string
  /**
   * What to do when a member throws: `throw` (default) rethrows when no later member gave a
   * confident answer, so the worker retries the message next cycle (right for an LLM that is
   * down for a while); `skip` goes on as if that member had been unsure.
   */
  onError?: 'throw' | 'skip'
}

/**
 * Chains classifiers: each is asked in turn and the first confident answer wins (see
 * `threshold`); its `classifier` field says which member decided. When none is confident
 * the result is `unknown` carrying the best answer's confidence (below the threshold) and
 * a reason naming it, so an unsure guess is never reported as certain. A member that
 * abstained — `unknown` at confidence 0, as the AI classifier answers when its model times
 * out, is rate limited or over budget — is named with its reason at the end of that
 * reason ("… (ai: AI classifier timed out after 15000 ms; …)").
 *
 * @example
 * // rules first; an LLM only sees the messages the rules are unsure about
 * const classifier = composeClassifiers(createRuleClassifier(), myLlmClassifier, { threshold: 0.8 })
 */
export function composeClassifiers(
  ...members: [...classifiers: ClassifierV1[], options: ComposeClassifiersOptions] | ClassifierV1[]
): ClassifierV1 {
  const last = members[members.length - 1]
  const hasOptions = last !== undefined && !isClassifier(last)
  const options: ComposeClassifiersOptions = hasOptions ? (last as ComposeClassifiersOptions) : {}
  const classifiers = (hasOptions ? members.slice(0, -1) : members) as ClassifierV1[]
  const issues: ValidationIssue[] = []
  if (classifiers.length === 0) issues.push({ path: 'classifiers', message: 'expected at least one classifier' })
  classifiers.forEach((classifier, index) => {
    if (!isClassifier(classifier)) {
      issues.push({ path: `classifiers.${index}`, message: 'expected an object with a string name and a classify() method' })
    }
  })
  const threshold = options.threshold ?? 0.7
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    issues.push({ path: 'threshold', message: `expected a number from 0 to 1, got ${String(threshold)}` })
  }
  const onError = options.onError ?? 'throw'
  if (onError !== 'throw' && onError !== 'skip') issues.push({ path: 'onError', message: `expected 'throw' or 'skip', got ${String(onError)}` })
  if (issues.length > 0) throw new ValidationError('composeClassifiers options', issues)

  const name = options.name ?? classifiers.map((classifier) => classifier.name).join('+')
  return {
    name,
    async classify(message: ParsedMessage, context: ClassificationContext): Promise<ClassificationResult> {
      let best: ClassificationResult | null = null
      let failure: { classifier: string; error: unknown } | null = null
      // Members that abstained (unknown at confidence 0: a model that timed out, hit its
      // budget or answered nonsense): why is added to the answer that stands.
      const abstentions: string[] = []
      for (const classifier of classifiers) {
        let answer: ClassificationResult
        try {
          answer = await classifier.classify(message, context)
        } catch (error) {
          failure ??= { classifier: classifier.name, error }
          continue
        }
        const decided = { ...answer, classifier: answer.classifier ?? classifier.name }
        if (decided.category !== 'unknown' && decided.confidence >= threshold) return decided
        if (decided.category === 'unknown' && decided.confidence === 0) abstentions.push(`${decided.classifier}: ${decided.reason}`)
        if (best === null || decided.confidence > best.confidence) best = decided
      }
      if (failure !== null && onError === 'throw') {
        const cause = failure.error
        throw new CamError(
          'CLASSIFIER_FAILED',
          `classifier ${failure.classifier} failed and no other classifier was confident: ${cause instanceof Error ? cause.message : String(cause)}`,
          { cause },
        )
      }
      if (best === null) {
        return { category: 'unknown', confidence: 0, reason: 'every classifier failed', classifier: name }
      }
      const stands = best
      const notes = abstentions.filter((note) => note !== `${stands.classifier}: ${stands.reason}`)
      const withNotes = (reason: string) => (notes.length === 0 ? reason : `${reason} (${notes.join('; ')})`)
      if (best.category === 'unknown') return { ...best, reason: withNotes(best.reason) }
      return {
        category: 'unknown',
        confidence: Math.min(best.confidence, threshold),
        reason: withNotes(`no classifier was confident; best guess ${best.category} at ${best.confidence.toFixed(2)} from ${best.classifier ?? 'a classifier'}: ${best.reason}`),
        classifier: best.classifier ?? name,
      }
    },
  }
}

function isClassifier(value: unknown): value is ClassifierV1 {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { classify?: unknown }).classify === 'function' &&
    typeof (value as { name?: unknown }).name === 'string'
  )
}
