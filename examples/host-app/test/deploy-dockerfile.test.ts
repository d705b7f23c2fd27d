import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DockerfileParser, type Instruction } from 'dockerfile-ast'
import { ValidationSeverity, validate, type ValidatorSettings } from 'dockerfile-utils'
import { describe, expect, it } from 'vitest'
import { appPort, deployDirectory, hostAppDirectory, repositoryRoot } from './deploy-recipes.js'

const dockerfilePath = join(deployDirectory, 'Dockerfile')
const text = readFileSync(dockerfilePath, 'utf8')
const dockerfile = DockerfileParser.parse(text)
const froms = dockerfile.getFROMs()
const finalStageStart = froms.at(-1)!.getRange().start.line
const finalStage = dockerfile.getInstructions().filter((instruction) => instruction.getRange().start.line >= finalStageStart)
const buildStage = dockerfile.getInstructions().filter((instruction) => instruction.getRange().start.line < finalStageStart)
const ofKind = (instructions: Instruction[], keyword: string) => instructions.filter((instruction) => instruction.getKeyword() === keyword)

/** Every check of dockerfile-utils (the linter of the VS Code Docker extension) as an error. */
const strict: ValidatorSettings = Object.fromEntries(
  ['deprecatedMaintainer', 'directiveCasing', 'emptyContinuationLine', 'instructionCasing', 'instructionCmdMultiple', 'instructionEntrypointMultiple', 'instructionHealthcheckMultiple', 'instructionJSONInSingleQuotes', 'instructionWorkdirRelative'].map((name) => [name, ValidationSeverity.ERROR]),
)

/** The variables an ENV instruction of the final stage sets. */
function finalEnvironment(): Record<string, string> {
  const environment: Record<string, string> = {}
  for (const instruction of ofKind(finalStage, 'ENV')) {
    for (const property of (instruction as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> }).getProperties()) {
      environment[property.getName()] = property.getValue() ?? ''
    }
  }
  return environment
}

/** A JSON (exec form) argument list, or null for the shell form. */
function execForm(content: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(content)
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : null
  } catch {
    return null
  }
}

describe('deploy/Dockerfile', () => {
  it('passes dockerfile-utils validation with every rule as an error', () => {
    expect(validate(text, strict).map((diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`)).toEqual([])
    // The linter has teeth: a bad duration flag, single-quoted JSON and an unknown flag are reported.
    expect(validate("FROM node:20-bookworm-slim\nHEALTHCHECK --interval=soon CMD true\nCMD ['node']\nCOPY --chmodd=1 a b\n", strict)).toHaveLength(3)
  })

  it('is multi-stage on the official node:20 image, tags pinned, never latest', () => {
    expect(froms.map((from) => from.getBuildStage())).toEqual(['build', 'runtime'])
    for (const from of froms) {
      expect(from.getImageName()).toBe('node')
      expect(from.getImageTag()).toMatch(/^20(\.\d+){0,2}-bookworm-slim$/)
      expect(from.getImageTag()).not.toMatch(/latest/)
    }
    // The engines of the repository say Node ≥ 20.
    expect(JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')).engines.node).toBe('>=20')
  })

  it('builds with the pinned pnpm, from the lockfile, into a pruned production deploy of the app', () => {
    const packageManager = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')).packageManager as string
    const runs = ofKind(buildStage, 'RUN').map((instruction) => instruction.getArgumentsContent() ?? '')
    expect(runs.join('\n')).toContain(`npm install --global ${packageManager}`)
    const commands = runs.flatMap((run) => run.split(/\s*&&\s*/)).map((command) => command.replace(/\s*\\\n\s*/g, ' ').trim())
    expect(commands).toContain('pnpm install --frozen-lockfile --offline')
    expect(commands).toContain('pnpm --filter "@cam/example-host-app..." run build')
    expect(commands).toContain('pnpm --config.inject-workspace-packages=true --filter @cam/example-host-app deploy --prod --frozen-lockfile --offline /out')
    // The app's build script exists and emits dist/, the only thing the deploy ships of it.
    const manifest = JSON.parse(readFileSync(join(hostAppDirectory, 'package.json'), 'utf8')) as { scripts: Record<string, string>; files: string[] }
    expect(manifest.scripts['build']).toBe('tsc -p tsconfig.build.json')
    expect(manifest.files).toEqual(['dist'])
  })

  it('runs the deploy as a non-root user, with a HEALTHCHECK on /health and CMD in exec form', () => {
    const copies = ofKind(finalStage, 'COPY').map((instruction) => instruction.getTextContent())
    expect(copies).toEqual(['COPY --from=build /out /app'])
    expect(ofKind(finalStage, 'WORKDIR').map((instruction) => instruction.getArgumentsContent())).toEqual(['/app'])
    const users = ofKind(finalStage, 'USER').map((instruction) => instruction.getArgumentsContent() ?? '')
    expect(users).toHaveLength(1)
    const [uid, gid] = users[0]!.split(':')
    expect(Number(uid)).toBeGreaterThan(0) // numeric, so that runAsNonRoot can check it
    expect(Number(gid)).toBeGreaterThan(0)
    const user = finalStage.findIndex((instruction) => instruction.getKeyword() === 'USER')
    expect(finalStage.findIndex((instruction) => instruction.getKeyword() === 'CMD')).toBeGreaterThan(user)

    const environment = finalEnvironment()
    expect(environment).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: String(appPort) })
    expect(environment['PATH']?.split(':')[0]).toBe('/app/node_modules/.bin') // `cam-postgres migrate` as a command
    expect(ofKind(finalStage, 'EXPOSE').map((instruction) => instruction.getArgumentsContent())).toEqual([String(appPort)])

    const healthchecks = ofKind(finalStage, 'HEALTHCHECK')
    expect(healthchecks).toHaveLength(1)
    const healthcheck = /^CMD\s+(.*)$/s.exec(healthchecks[0]!.getArgumentsContent() ?? '')
    expect(execForm(healthcheck?.[1] ?? '')).toEqual(['node', 'dist/healthcheck.js'])
    expect(readFileSync(join(hostAppDirectory, 'src', 'healthcheck.ts'), 'utf8')).toContain('/health`')

    const cmds = ofKind(finalStage, 'CMD')
    expect(cmds).toHaveLength(1)
    expect(execForm(cmds[0]!.getArgumentsContent() ?? '')).toEqual(['node', '--enable-source-maps', 'dist/main.js'])
    expect(ofKind(finalStage, 'STOPSIGNAL').map((instruction) => instruction.getArgumentsContent())).toEqual(['SIGTERM'])
    expect(ofKind(dockerfile.getInstructions(), 'ADD')).toEqual([])
  })

  it('has a .dockerignore at the build context (the repository root) that keeps out node_modules, builds, .git and .env files', () => {
    const patterns = readFileSync(join(repositoryRoot, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim())
    expect(patterns).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '**/.env', '**/.env.*']))
  })

  // A container runtime with a reachable daemon builds the image for real; this machine has none.
  const runtime = ['docker', 'podman'].find((command) => spawnSync(command, ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0)
  it.skipIf(!runtime)(`builds the image${runtime ? ` with ${runtime}` : ' (skipped: no docker or podman daemon on this machine)'}`, () => {
    const tag = `cam-host-app:test-${process.pid}`
    const build = spawnSync(runtime!, ['build', '-f', dockerfilePath, '-t', tag, repositoryRoot], { encoding: 'utf8', timeout: 900_000 })
    expect(build.status, build.stderr).toBe(0)
    const user = spawnSync(runtime!, ['image', 'inspect', '--format', '{{.Config.User}}', tag], { encoding: 'utf8' })
    expect(user.stdout.trim()).toBe('1000:1000')
    spawnSync(runtime!, ['image', 'rm', tag], { stdio: 'ignore' })
  }, 960_000)
})
