/**
 * Scoring for the classifier benchmark: runs `parseRawMessage` + a classifier over manifest
 * entries and computes per-category precision and recall, accuracy, bounce recall and
 * bounce-type and bounce-reason accuracy (and agreement on hard vs soft-or-block), positive precision, return-date and referral-address accuracy.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseRawMessage, replyCategories, type Classifier, type ClassificationContext, type ReplyCategory } from '../src/index.js'

/** One manifest entry (see `test/fixtures/README.md`). */
export interface ManifestEntry {
  file: string
  category: ReplyCategory
  bounceType?: string
  bounceReason?: string
  returnDate?: string
  noReturnDate?: boolean
  referralEmail?: string
  language?: string
}

/** What the classifier said about one fixture. */
export interface Outcome {
  file: string
  expected: ReplyCategory
  actual: ReplyCategory
  expectedBounceType?: string
  actualBounceType?: string
  expectedBounceReason?: string
  actualBounceReason?: string
  expectedReturnDate?: string
  actualReturnDate?: string
  expectedReferral?: string
  actualReferral?: string
  reason: string
}

export async function evaluate(entries: readonly ManifestEntry[], fixturesDir: string, classifier: Classifier, context: ClassificationContext): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const entry of entries) {
    const message = await parseRawMessage(readFileSync(join(fixturesDir, entry.file)))
    const result = await classifier.classify(message, context)
    outcomes.push({
      file: entry.file,
      expected: entry.category,
      actual: result.category,
      ...(entry.bounceType ? { expectedBounceType: entry.bounceType } : {}),
      ...(entry.bounceReason ? { expectedBounceReason: entry.bounceReason } : {}),
      ...(result.bounce ? { actualBounceType: result.bounce.type, actualBounceReason: result.bounce.reason } : {}),
      ...(entry.returnDate ? { expectedReturnDate: entry.returnDate } : {}),
      ...(result.returnDate ? { actualReturnDate: result.returnDate.toISOString().slice(0, 10) } : {}),
      ...(entry.referralEmail ? { expectedReferral: entry.referralEmail } : {}),
      ...(result.referralEmail ? { actualReferral: result.referralEmail } : {}),
      reason: result.reason,
    })
  }
  return outcomes
}

interface CategoryRow {
  support: number
  predicted: number
  correct: number
  precision: number | null
  recall: number | null
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole)

export function metrics(outcomes: readonly Outcome[]) {
  const perCategory: Record<string, CategoryRow> = {}
  for (const category of replyCategories) {
    const support = outcomes.filter((outcome) => outcome.expected === category).length
    const predicted = outcomes.filter((outcome) => outcome.actual === category).length
    const correct = outcomes.filter((outcome) => outcome.expected === category && outcome.actual === category).length
    perCategory[category] = { support, predicted, correct, precision: ratio(correct, predicted), recall: ratio(correct, support) }
  }
  const correct = outcomes.filter((outcome) => outcome.expected === outcome.actual).length
  const typed = outcomes.filter((outcome) => outcome.expectedBounceType !== undefined && outcome.actual === 'bounce')
  const reasoned = outcomes.filter((outcome) => outcome.expectedBounceReason !== undefined && outcome.actual === 'bounce')
  const hardExpected = typed.filter((outcome) => outcome.expectedBounceType === 'hard')
  const softOrBlockExpected = typed.filter((outcome) => outcome.expectedBounceType !== 'hard')
  const dated = outcomes.filter((outcome) => outcome.expectedReturnDate !== undefined && outcome.actual === 'out_of_office')
  const referred = outcomes.filter((outcome) => outcome.expectedReferral !== undefined && outcome.actual === 'referral')
  const wrongDetail = (outcome: Outcome) =>
    (outcome.expectedBounceType !== undefined && outcome.actual === 'bounce' && outcome.actualBounceType !== outcome.expectedBounceType) ||
    (outcome.expectedBounceReason !== undefined && outcome.actual === 'bounce' && outcome.actualBounceReason !== outcome.expectedBounceReason) ||
    (outcome.expectedReturnDate !== undefined && outcome.actual === 'out_of_office' && outcome.actualReturnDate !== outcome.expectedReturnDate) ||
    (outcome.expectedReferral !== undefined && outcome.actual === 'referral' && outcome.actualReferral !== outcome.expectedReferral)
  const describe = (outcome: Outcome, side: 'expected' | 'actual') => {
    const bounce = side === 'expected' ? outcome.expectedBounceType : outcome.actualBounceType
    const bounceReason = side === 'expected' ? outcome.expectedBounceReason : outcome.actualBounceReason
    const date = side === 'expected' ? outcome.expectedReturnDate : outcome.actualReturnDate
    const referral = side === 'expected' ? outcome.expectedReferral : outcome.actualReferral
    return [outcome[side], bounce, bounceReason, date, referral].filter((part) => part !== undefined).join('/')
  }
  const decided = outcomes.filter((outcome) => outcome.actual !== 'unknown')
  return {
    messages: outcomes.length,
    accuracy: ratio(correct, outcomes.length),
    /** Share of messages the rules gave a category other than `unknown`. */
    decidedShare: ratio(decided.length, outcomes.length),
    /** Accuracy on the messages the rules decided (what an LLM after the rules never sees). */
    decidedAccuracy: ratio(decided.filter((outcome) => outcome.expected === outcome.actual).length, decided.length),
    bounceRecall: perCategory['bounce']?.recall ?? null,
    bounceTypeAccuracy: ratio(typed.filter((outcome) => outcome.actualBounceType === outcome.expectedBounceType).length, typed.length),
    bounceReasonAccuracy: ratio(reasoned.filter((outcome) => outcome.actualBounceReason === outcome.expectedBounceReason).length, reasoned.length),
    /** Of bounces labelled hard, the share called hard (a missed hard bounce keeps mailing a dead address). */
    hardAgreement: ratio(hardExpected.filter((outcome) => outcome.actualBounceType === 'hard').length, hardExpected.length),
    /** Of bounces labelled soft or block, the share not called hard (a wrong hard suppresses a valid prospect forever). */
    softOrBlockAgreement: ratio(softOrBlockExpected.filter((outcome) => outcome.actualBounceType !== 'hard').length, softOrBlockExpected.length),
    positivePrecision: perCategory['positive']?.precision ?? null,
    returnDateAccuracy: ratio(dated.filter((outcome) => outcome.actualReturnDate === outcome.expectedReturnDate).length, dated.length),
    referralAddressAccuracy: ratio(referred.filter((outcome) => outcome.actualReferral === outcome.expectedReferral).length, referred.length),
    perCategory,
    misses: outcomes
      .filter((outcome) => outcome.expected !== outcome.actual || wrongDetail(outcome))
      .map((outcome) => ({ file: outcome.file, expected: describe(outcome, 'expected'), actual: describe(outcome, 'actual'), reason: outcome.reason })),
  }
}

export type SetReport = ReturnType<typeof metrics>

const percent = (value: number | null) => (value === null ? '   -  ' : `${(value * 100).toFixed(1).padStart(5)}%`)

export function printReport(title: string, report: SetReport): void {
  console.log(`\n${title}: ${report.messages} messages`)
  console.log('  category        support  predicted  precision  recall')
  for (const [category, row] of Object.entries(report.perCategory)) {
    if (row.support === 0 && row.predicted === 0) continue
    console.log(`  ${category.padEnd(15)} ${String(row.support).padStart(7)}  ${String(row.predicted).padStart(9)}  ${percent(row.precision).padStart(9)}  ${percent(row.recall).padStart(6)}`)
  }
  console.log(`  overall accuracy          ${percent(report.accuracy)}   (target ≥ 95%)`)
  console.log(`  decided (not unknown)     ${percent(report.decidedShare)}   accuracy when decided ${percent(report.decidedAccuracy)}`)
  console.log(`  bounce recall             ${percent(report.bounceRecall)}   (target ≥ 98%)`)
  console.log(`  positive precision        ${percent(report.positivePrecision)}   (target ≥ 97%)`)
  console.log(`  bounce type accuracy      ${percent(report.bounceTypeAccuracy)}   (of bounces recognised; hard agreement ${percent(report.hardAgreement)}, soft-or-block agreement ${percent(report.softOrBlockAgreement)})`)
  console.log(`  bounce reason accuracy    ${percent(report.bounceReasonAccuracy)}   (of labelled bounces recognised)`)
  console.log(`  return date accuracy      ${percent(report.returnDateAccuracy)}   (of absences recognised)`)
  console.log(`  referral address accuracy ${percent(report.referralAddressAccuracy)}   (of referrals recognised)`)
  for (const miss of report.misses) console.log(`  miss: ${miss.file}: expected ${miss.expected}, got ${miss.actual} (${miss.reason})`)
}
