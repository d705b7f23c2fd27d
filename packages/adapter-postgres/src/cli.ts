#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { createConsoleLogger } from '@cam/core'
import { errorMessage } from '@cam/core/adapter-kit'
import { migrate } from './migrate.js'

const usage = `Usage: cam-postgres migrate [--database-url URL] [--schema NAME]

Applies the pending CAM migrations.
  --database-url  PostgreSQL URL (default: $DATABASE_URL)
  --schema        schema holding the CAM tables (default: $CAM_POSTGRES_SCHEMA or "cam")`

async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'database-url': { type: 'string' }, schema: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (error) {
    console.error(`${errorMessage(error)}\n\n${usage}`)
    return 2
  }
  const [command] = parsed.positionals
  if (parsed.values.help || command === undefined) {
    console.log(usage)
    return command === undefined && !parsed.values.help ? 2 : 0
  }
  if (command !== 'migrate') {
    console.error(`unknown command "${command}"\n\n${usage}`)
    return 2
  }
  const connectionString = parsed.values['database-url'] ?? process.env.DATABASE_URL
  if (!connectionString) {
    console.error('no database: pass --database-url or set DATABASE_URL')
    return 2
  }
  const schema = parsed.values.schema ?? process.env.CAM_POSTGRES_SCHEMA ?? 'cam'
  try {
    const result = await migrate({ connectionString, schema, logger: createConsoleLogger({ level: 'warn' }) })
    console.log(
      result.applied.length > 0
        ? `schema "${result.schema}": applied ${result.applied.join(', ')}; now at version ${result.version}`
        : `schema "${result.schema}": up to date at version ${result.version}`,
    )
    return 0
  } catch (error) {
    console.error(`cam-postgres migrate failed: ${errorMessage(error)}`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
