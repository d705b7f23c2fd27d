/**
 * The image's contents without a container runtime: the Dockerfile's own `pnpm deploy`
 * command, run here, then moved as `COPY --from=build /out /app` moves it, and started the
 * ways the recipes start it — `cam-postgres migrate` as the Kubernetes init container and
 * Job run it (from the image's PATH) and as systemd's ExecStartPre runs it, the app as the
 * image's CMD with the ConfigMap's settings, its HEALTHCHECK command, and SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerfileParser } from 'dockerfile-ast'
import { deployDirectory, hostAppDirectory, readYamlDocuments, readYamlObject, repositoryRoot } from './deploy-recipes.js'

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `deploy_image_${process.pid}_${Date.now().toString(36)}`
const scratch = mkdtempSync(join(tmpdir(), 'cam-deploy-image-'))
const out = join(scratch, 'out')
const app = join(scratch, 'app')

const dockerfile = DockerfileParser.parse(readFileSync(join(deployDirectory, 'Dockerfile'), 'utf8'))
const execArguments = (keyword: string) => JSON.parse(dockerfile.getInstructions().filter((instruction) => instruction.getKeyword() === keyword).at(-1)!.getArgumentsContent()!.replace(/^CMD\s+/, '')) as string[]
const configMap = readYamlObject(join(deployDirectory, 'kubernetes', 'configmap.yaml')) as { data: Record<string, string> }
const deployment = readYamlDocuments(join(deployDirectory, 'kubernetes', 'deployment.yaml'))[0] as { spec: { template: { spec: { initContainers: Array<{ command: string[] }>; containers: Array<{ env: Array<{ name: string; value?: string }> }> } } } }
const unit = readFileSync(join(deployDirectory, 'systemd', 'cam-host-app.service'), 'utf8')

/** Runs a command to its end; its output and exit code. */
function run(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: 120_000 })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

/** The app's environment: the ConfigMap, the Deployment's literal values, the Secret's keys with test values, and the overrides of a test. */
function appEnvironment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const literal = Object.fromEntries(deployment.spec.template.spec.containers[0]!.env.filter((variable) => variable.value !== undefined).map((variable) => [variable.name, variable.value!]))
  return {
    PATH: `${join(app, 'node_modules', '.bin')}:${process.env.PATH}`, // the image's ENV PATH, /app → here
    ...configMap.data,
    ...literal,
    DATABASE_URL: databaseUrl,
    CAM_DB_SCHEMA: schema,
    CAM_UNSUBSCRIBE_SECRET: 'deploy-image-test-secret-0123456789',
    HOST: '127.0.0.1', // the image listens on 0.0.0.0; a test only on the loopback
    ...overrides,
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}

async function schemaTables(): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema])
    return rows.map((row) => row.table_name)
  } finally {
    await client.end()
  }
}

describe('the image contents (the Dockerfile deploy, run without a container runtime)', () => {
  let child: ChildProcess | undefined

  beforeAll(() => {
    const build = run(['pnpm', 'run', 'build'], { cwd: hostAppDirectory })
    expect(build.status, build.output).toBe(0)
    // The Dockerfile's deploy command, word for word, into a scratch directory instead of /out.
    const runs = dockerfile.getInstructions().filter((instruction) => instruction.getKeyword() === 'RUN').map((instruction) => instruction.getArgumentsContent() ?? '')
    const deploy = runs.flatMap((text) => text.split(/\s*&&\s*/)).map((command) => command.replace(/\s*\\\n\s*/g, ' ').trim()).find((command) => / deploy /.test(command))!
    expect(deploy).toMatch(/ \/out$/)
    const deployed = run(['sh', '-c', deploy.replace(/ \/out$/, ` '${out}'`)], { cwd: repositoryRoot })
    expect(deployed.status, deployed.output).toBe(0)
    // COPY --from=build /out /app: moved, so nothing may point back at where it was built.
    cpSync(out, app, { recursive: true, verbatimSymlinks: true })
    rmSync(out, { recursive: true, force: true })
  }, 240_000)

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    const pool = new pg.Pool({ connectionString: databaseUrl })
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pool.end()
    rmSync(scratch, { recursive: true, force: true })
  })

  it('holds the built app and its production dependencies only, the @cam packages copied in', () => {
    expect(existsSync(join(app, 'dist', 'main.js'))).toBe(true)
    expect(existsSync(join(app, 'dist', 'healthcheck.js'))).toBe(true)
    for (const absent of ['src', 'test', 'deploy']) expect(existsSync(join(app, absent)), absent).toBe(false)
    const manifest = JSON.parse(readFileSync(join(hostAppDirectory, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> }
    for (const name of Object.keys(manifest.dependencies)) {
      const path = join(app, 'node_modules', name)
      expect(existsSync(path), name).toBe(true)
      expect(realpathSync(path).startsWith(realpathSync(app)), `${name} lives inside the deploy`).toBe(true)
    }
    for (const name of Object.keys(manifest.devDependencies)) expect(existsSync(join(app, 'node_modules', name)), name).toBe(false)
    for (const name of ['vitest', 'typescript', 'tsx']) expect(existsSync(join(app, 'node_modules', name)), name).toBe(false)
    expect(lstatSync(join(app, 'node_modules', '.bin', 'cam-postgres')).isFile()).toBe(true)
  })

  it('refuses to start on a schema not migrated yet (CAM_MIGRATE_ON_START=false) and names the way out', async () => {
    const started = run(execArguments('CMD'), { cwd: app, env: appEnvironment({ PORT: '0' }) })
    expect(started.status).toBe(1)
    expect(started.output).toMatch(/run migrate\(\) \(or `cam-postgres migrate`\) first/)
    expect(await schemaTables()).not.toContain('schema_migrations')
  })

  it('migrates with `cam-postgres migrate` as the Kubernetes init container runs it, then as systemd ExecStartPre does', async () => {
    const init = deployment.spec.template.spec.initContainers[0]!.command.map((word) => word.replace('$(CAM_DB_SCHEMA)', schema))
    const migrated = run(init, { cwd: app, env: appEnvironment() })
    expect(migrated.status, migrated.output).toBe(0)
    expect(migrated.output).toMatch(new RegExp(`schema "${schema}": applied 1, 2, `))
    expect(await schemaTables()).toContain('schema_migrations')

    const execStartPre = /^ExecStartPre=(.*)$/m.exec(unit)![1]!.replaceAll('/opt/cam-host-app', app).replace('/usr/bin/node', process.execPath).replace('${CAM_DB_SCHEMA}', schema)
    const again = run(execStartPre.split(' '), { cwd: app, env: appEnvironment() })
    expect(again.status, again.output).toBe(0)
    expect(again.output).toContain(`schema "${schema}": up to date`)
  })

  it("serves /health as the image's CMD, passes the image's HEALTHCHECK, and exits 0 on SIGTERM", async () => {
    const port = await freePort()
    const environment = appEnvironment({ PORT: String(port) })
    let output = ''
    child = spawn(execArguments('CMD')[0]!, execArguments('CMD').slice(1), { cwd: app, env: environment, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const healthcheck = execArguments('HEALTHCHECK')
    await expect.poll(() => run(healthcheck, { cwd: app, env: environment }).status, { timeout: 30_000, interval: 250 }).toBe(0)
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string; running: boolean }
    expect(health).toMatchObject({ status: 'ok', running: true })
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]
    console.log(`deployed app: resident memory after its first cycle ${Math.round(Number(rss) / 1024)} MiB`)

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const stopped = /"message":"stopped".*"stopMs":(\d+)/.exec(output)
    expect(stopped, output).not.toBeNull()
    console.log(`deployed app: graceful stop took ${stopped![1]} ms`)
    // Nothing listens any more: the same health check now fails.
    expect(run(healthcheck, { cwd: app, env: environment }).status).toBe(1)
  })
})
