/**
 * Classifier benchmark: runs `parseRawMessage` + the rule classifier over every fixture set
 * in `test/fixtures/` and prints, for the tuning set and for each held-out set separately,
 * per-category precision and recall, overall accuracy, bounce recall and bounce-type
 * accuracy, positive precision, return-date and referral-address accuracy; then messages
 * per second (parse + classify, classify only, parse only) and the worst-case time of
 * hostile inputs (10 MB, deeply nested, garbage). Writes the numbers to
 * `bench-results/classifier.json`.
 *
 *   pnpm --filter @cam/core bench:classifier
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRuleClassifier, parseRawMessage, type ParsedMessage } from '../src/index.js'
import { evaluate, metrics, printReport, type ManifestEntry, type SetReport } from './classifier-metrics.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixturesDir = join(root, 'test', 'fixtures')

const readManifest = (name: string): ManifestEntry[] =>
  existsSync(join(fixturesDir, name)) ? (JSON.parse(readFileSync(join(fixturesDir, name), 'utf8')) as ManifestEntry[]) : []

/** The sets, each reported on its own; what each one can tell is in its title. */
const sets: { key: string; title: string; entries: ManifestEntry[] }[] = [
  { key: 'tuning', title: 'Tuning set (replies + machine-generated; the rules are written against it)', entries: [...readManifest('replies.manifest.json'), ...readManifest('machine.manifest.json')] },
  { key: 'heldOut1', title: 'Held-out set 1 (50 replies; scored 80% before the rules were generalised, its misses were known)', entries: readManifest('holdout.manifest.json') },
  { key: 'heldOut2', title: 'Held-out set 2 (baseline taken before any rule change, then used for tuning)', entries: readManifest('held-out-2.manifest.json') },
  { key: 'heldOut3', title: 'Held-out set 3 (blind for the first round: 83.3%; then used to tune the second round)', entries: readManifest('held-out-3.manifest.json') },
  { key: 'heldOut4', title: 'Held-out set 4 (blind for the second round: 83.0%; then used to tune the third round)', entries: readManifest('held-out-4.manifest.json') },
  { key: 'heldOut5', title: 'Held-out set 5 (written before the third round, sealed until it ended; blind score 91.9%, then two pre-check bugs it exposed were fixed; never tuned on otherwise: the honest estimate)', entries: readManifest('held-out-5.manifest.json') },
  { key: 'heldOut6', title: 'Held-out set 6 (written before round 4, sealed until it ended; blind score 81.4%, positive precision 78.6%; then used to tune round 5)', entries: readManifest('held-out-6.manifest.json') },
  { key: 'heldOut7', title: 'Held-out set 7 (written before round 5, sealed until it ended; blind score 84.2%, positive precision 79.1%; then used to tune round 6)', entries: readManifest('held-out-7.manifest.json') },
  { key: 'heldOut8', title: 'Held-out set 8 (written before round 6, sealed until it ended; blind score 78.0%, positive precision 78.4%; then used to tune round 7)', entries: readManifest('held-out-8.manifest.json') },
  { key: 'heldOut9', title: 'Held-out set 9 (written while round 7 was tuned, by someone else, sealed until it ended; blind score 83.7%, positive precision 100%: the honest estimate)', entries: readManifest('held-out-9.manifest.json') },
].filter((set) => set.entries.length > 0)

const classifier = createRuleClassifier()
const context = { lead: null, campaign: null, outboundEmail: null, now: new Date('2025-03-12T00:00:00Z') }

const results: Record<string, SetReport> = {}
for (const set of sets) {
  results[set.key] = metrics(await evaluate(set.entries, fixturesDir, classifier, context))
  printReport(set.title, results[set.key] as SetReport)
}

// Throughput over every fixture, several rounds after a warm-up.
const raws = sets.flatMap((set) => set.entries).map((entry) => readFileSync(join(fixturesDir, entry.file)))
const parsed: ParsedMessage[] = []
for (const raw of raws) {
  const message = await parseRawMessage(raw)
  parsed.push(message)
  await classifier.classify(message, context)
}
const rounds = 5
const perSecond = async (work: () => Promise<void>) => {
  const started = performance.now()
  for (let round = 0; round < rounds; round++) await work()
  return (raws.length * rounds) / ((performance.now() - started) / 1000)
}
const messagesPerSecond = await perSecond(async () => {
  for (const raw of raws) await classifier.classify(await parseRawMessage(raw), context)
})
const classifyOnlyPerSecond = await perSecond(async () => {
  for (const message of parsed) await classifier.classify(message, context)
})
const parseOnlyPerSecond = await perSecond(async () => {
  for (const raw of raws) await parseRawMessage(raw)
})
console.log(`\nThroughput over ${raws.length} messages x ${rounds}: ${messagesPerSecond.toFixed(0)} messages/s parse + classify, ${classifyOnlyPerSecond.toFixed(0)} messages/s classify only, ${parseOnlyPerSecond.toFixed(0)} messages/s parse only`)

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
  throughput: { messagesPerSecond, classifyOnlyPerSecond, parseOnlyPerSecond, messages: raws.length * rounds },
  hostileInputsMs: worst,
}
mkdirSync(join(root, 'bench-results'), { recursive: true })
writeFileSync(join(root, 'bench-results', 'classifier.json'), `${JSON.stringify(output, null, 2)}\n`)
console.log('\nWrote bench-results/classifier.json')
