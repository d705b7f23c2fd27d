/**
 * Classifier benchmark: runs `parseRawMessage` + the rule classifier over every fixture in
 * `test/fixtures/*.manifest.json` and prints per-category precision and recall, overall
 * accuracy, bounce recall (and bounce-type accuracy), positive precision, messages per
 * second, and the worst-case time of hostile inputs (10 MB, deeply nested, garbage).
 * Writes the numbers to `bench-results/classifier.json`.
 *
 *   pnpm --filter @cam/core bench:classifier
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRuleClassifier, parseRawMessage, replyCategories, type ReplyCategory } from '../src/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixturesDir = join(root, 'test', 'fixtures')

interface Entry {
  file: string
  category: ReplyCategory
  bounceType?: string
  holdout?: boolean
}

const sets: Record<string, Entry[]> = {}
for (const name of ['replies', 'machine', 'holdout']) {
  try {
    sets[name] = JSON.parse(readFileSync(join(fixturesDir, `${name}.manifest.json`), 'utf8')) as Entry[]
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

const classifier = createRuleClassifier()
const context = { lead: null, campaign: null, outboundEmail: null, now: new Date('2025-03-12T00:00:00Z') }

interface Outcome {
  file: string
  expected: ReplyCategory
  actual: ReplyCategory
  expectedBounceType?: string
  actualBounceType?: string
  reason: string
}

async function evaluate(entries: Entry[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const entry of entries) {
    const message = await parseRawMessage(readFileSync(join(fixturesDir, entry.file)))
    const result = await classifier.classify(message, context)
    outcomes.push({
      file: entry.file,
      expected: entry.category,
      actual: result.category,
      ...(entry.bounceType ? { expectedBounceType: entry.bounceType } : {}),
      ...(result.bounce ? { actualBounceType: result.bounce.type } : {}),
      reason: result.reason,
    })
  }
  return outcomes
}

function metrics(outcomes: Outcome[]) {
  const perCategory: Record<string, { support: number; predicted: number; correct: number; precision: number | null; recall: number | null }> = {}
  for (const category of replyCategories) {
    const support = outcomes.filter((outcome) => outcome.expected === category).length
    const predicted = outcomes.filter((outcome) => outcome.actual === category).length
    const correct = outcomes.filter((outcome) => outcome.expected === category && outcome.actual === category).length
    perCategory[category] = {
      support,
      predicted,
      correct,
      precision: predicted === 0 ? null : correct / predicted,
      recall: support === 0 ? null : correct / support,
    }
  }
  const correct = outcomes.filter((outcome) => outcome.expected === outcome.actual).length
  const bounces = outcomes.filter((outcome) => outcome.expected === 'bounce')
  const typed = bounces.filter((outcome) => outcome.expectedBounceType !== undefined && outcome.actual === 'bounce')
  return {
    messages: outcomes.length,
    accuracy: outcomes.length === 0 ? null : correct / outcomes.length,
    bounceRecall: perCategory['bounce']?.recall ?? null,
    bounceTypeAccuracy: typed.length === 0 ? null : typed.filter((outcome) => outcome.actualBounceType === outcome.expectedBounceType).length / typed.length,
    positivePrecision: perCategory['positive']?.precision ?? null,
    perCategory,
    misses: outcomes
      .filter((outcome) => outcome.expected !== outcome.actual || (outcome.expectedBounceType !== undefined && outcome.actualBounceType !== outcome.expectedBounceType))
      .map((outcome) => ({ file: outcome.file, expected: outcome.expectedBounceType ? `${outcome.expected}/${outcome.expectedBounceType}` : outcome.expected, actual: outcome.actualBounceType ? `${outcome.actual}/${outcome.actualBounceType}` : outcome.actual, reason: outcome.reason })),
  }
}

const percent = (value: number | null) => (value === null ? '   -  ' : `${(value * 100).toFixed(1).padStart(5)}%`)

function printReport(title: string, report: ReturnType<typeof metrics>) {
  console.log(`\n${title}: ${report.messages} messages`)
  console.log('  category        support  predicted  precision  recall')
  for (const [category, row] of Object.entries(report.perCategory)) {
    if (row.support === 0 && row.predicted === 0) continue
    console.log(`  ${category.padEnd(15)} ${String(row.support).padStart(7)}  ${String(row.predicted).padStart(9)}  ${percent(row.precision).padStart(9)}  ${percent(row.recall).padStart(6)}`)
  }
  console.log(`  overall accuracy      ${percent(report.accuracy)}   (target ≥ 95%)`)
  console.log(`  bounce recall         ${percent(report.bounceRecall)}   (target ≥ 98%)`)
  console.log(`  bounce type accuracy  ${percent(report.bounceTypeAccuracy)}`)
  console.log(`  positive precision    ${percent(report.positivePrecision)}   (target ≥ 97%)`)
  for (const miss of report.misses) console.log(`  miss: ${miss.file}: expected ${miss.expected}, got ${miss.actual} (${miss.reason})`)
}

// Accuracy
const results: Record<string, ReturnType<typeof metrics>> = {}
const fixtureEntries = [...(sets['replies'] ?? []), ...(sets['machine'] ?? [])]
results['fixtures'] = metrics(await evaluate(fixtureEntries))
printReport('Fixture set (replies + machine-generated)', results['fixtures'])
if (sets['holdout'] && sets['holdout'].length > 0) {
  results['holdout'] = metrics(await evaluate(sets['holdout']))
  printReport('Held-out set (written after the rules were frozen; never tuned on)', results['holdout'])
}

// Throughput: parse + classify every fixture, several rounds after a warm-up.
const raws = [...fixtureEntries, ...(sets['holdout'] ?? [])].map((entry) => readFileSync(join(fixturesDir, entry.file)))
for (const raw of raws) await classifier.classify(await parseRawMessage(raw), context)
const rounds = 5
let started = performance.now()
for (let round = 0; round < rounds; round++) {
  for (const raw of raws) await classifier.classify(await parseRawMessage(raw), context)
}
const seconds = (performance.now() - started) / 1000
const messagesPerSecond = (raws.length * rounds) / seconds
started = performance.now()
for (let round = 0; round < rounds; round++) for (const raw of raws) await parseRawMessage(raw)
const parseOnlyPerSecond = (raws.length * rounds) / ((performance.now() - started) / 1000)
console.log(`\nThroughput: ${messagesPerSecond.toFixed(0)} messages/s parse + classify (${parseOnlyPerSecond.toFixed(0)} messages/s parse only), ${raws.length * rounds} messages`)

// Worst cases: each hostile input must take well under a second.
const tenMegabytes = 10 * 1024 * 1024
const hostile: Record<string, () => string | Buffer> = {
  '10 MB plain text body': () => `From: a@example.com\r\nSubject: big\r\n\r\nSounds good.\r\n${'lorem ipsum dolor sit amet '.repeat(tenMegabytes / 27)}`,
  '10 MB HTML body': () => `From: a@example.com\r\nContent-Type: text/html\r\n\r\n<div>${'<p><b>nested</b> text</p>'.repeat(tenMegabytes / 25)}</div>`,
  '10 MB base64 attachment': () => `From: a@example.com\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--z\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${randomBytes((tenMegabytes * 3) / 4).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--z--\r\n`,
  '10 MB DSN': () => `From: MAILER-DAEMON@x.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n${'Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n'.repeat(tenMegabytes / 70)}--r--\r\n`,
  '1 MB binary garbage': () => randomBytes(1024 * 1024),
  '3000-deep multipart': () => {
    let raw = 'From: a@example.com\r\n'
    for (let level = 0; level < 3000; level++) raw += `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n`
    return `${raw}Content-Type: text/plain\r\n\r\nYes.\r\n`
  },
  '20 000 header lines': () => `${'X-Header: value\r\n'.repeat(20_000)}\r\nbody`,
}
const worst: Record<string, number> = {}
for (const [name, make] of Object.entries(hostile)) {
  const raw = make()
  const begin = performance.now()
  await classifier.classify(await parseRawMessage(raw), context)
  worst[name] = performance.now() - begin
}
console.log('\nHostile inputs (parse + classify, target < 1000 ms each):')
for (const [name, ms] of Object.entries(worst)) console.log(`  ${name.padEnd(26)} ${ms.toFixed(0).padStart(6)} ms`)

const output = {
  date: new Date().toISOString(),
  node: process.version,
  ...results,
  throughput: { messagesPerSecond, parseOnlyPerSecond, messages: raws.length * rounds },
  hostileInputsMs: worst,
}
mkdirSync(join(root, 'bench-results'), { recursive: true })
writeFileSync(join(root, 'bench-results', 'classifier.json'), `${JSON.stringify(output, null, 2)}\n`)
console.log('\nWrote bench-results/classifier.json')
