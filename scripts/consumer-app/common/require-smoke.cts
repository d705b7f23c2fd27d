/**
 * CommonJS apps: `require()` of every entry point of every @cam package. The packages are
 * ESM; Node ≥ 20.19 (and ≥ 22.12) loads them with require(). Type-checked like the rest
 * (TypeScript ≥ 5.8 with `module: nodenext` types require() of ESM).
 */
import core = require('@cam/core')
import testing = require('@cam/core/testing')
import postgres = require('@cam/adapter-postgres')
import filesystem = require('@cam/adapter-filesystem')
import imap = require('@cam/adapter-imap')
import resend = require('@cam/adapter-resend')
import slack = require('@cam/adapter-slack')
import smtp = require('@cam/adapter-smtp')
import classifierAi = require('@cam/classifier-ai')
import dashboard = require('@cam/dashboard')
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12)) {
  console.log(`require() smoke check skipped: Node ${process.versions.node} cannot require() ESM (needs ≥ 20.19 or ≥ 22.12)`)
} else {
  const loaded: unknown[] = [core.createCamWorker, testing.createManualClock, postgres.createPostgresStore, filesystem.createFileSender, imap.createImapInbox, resend.createResendSender, slack.createSlackAlerts, smtp.createSmtpSender, classifierAi.createAiClassifier, dashboard.createDashboard]
  if (!loaded.every((value) => typeof value === 'function')) throw new Error('a required package lacks its main function')
  // Every subpath of every exports map, so a new entry point is checked without editing this file.
  const scope = join(process.cwd(), 'node_modules', '@cam')
  let count = 0
  for (const name of readdirSync(scope)) {
    const manifest = JSON.parse(readFileSync(join(scope, name, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
    for (const subpath of Object.keys(manifest.exports)) {
      if (subpath.endsWith('.json')) continue
      const specifier = `@cam/${name}${subpath.slice(1)}`
      const module = require(specifier) as Record<string, unknown>
      if (Object.keys(module).length === 0) throw new Error(`require('${specifier}') gave no exports`)
      count++
    }
  }
  console.log(`require() smoke check: ${count} entry points loaded with require() on Node ${process.versions.node}`)
}
