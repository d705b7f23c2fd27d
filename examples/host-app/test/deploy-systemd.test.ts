import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deployDirectory, knownVariables, placeholder, readYamlObject, requiredVariables, stopBudgetSeconds } from './deploy-recipes.js'

const unitPath = join(deployDirectory, 'systemd', 'cam-host-app.service')
const unitText = readFileSync(unitPath, 'utf8')

/** The unit's settings per section, each key with every value it is given (systemd keys repeat). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {}
  let current: Record<string, string[]> | null = null
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const section = /^\[(\w+)\]$/.exec(line)
    if (section) {
      current = sections[section[1]!] ??= {}
      continue
    }
    const setting = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (!setting || !current) throw new Error(`not a unit file line: ${line}`)
    ;(current[setting[1]!] ??= []).push(setting[2]!)
  }
  return sections
}

/** `A=1 B=2` of an Environment= line (values without spaces, as in this unit). */
const assignments = (values: string[]) => Object.fromEntries(values.flatMap((value) => value.split(/\s+/)).map((pair) => pair.split('=') as [string, string]))

const unit = parseUnit(unitText)
const service = unit['Service']!
const one = (key: string) => {
  expect(service[key], key).toHaveLength(1)
  return service[key]![0]!
}
const environment = assignments(service['Environment'] ?? [])
const environmentFile = readFileSync(join(deployDirectory, 'systemd', 'cam-host-app.env.example'), 'utf8')
const fileVariables = Object.fromEntries(environmentFile.split('\n').filter((line) => /^[A-Z_]+=/.test(line)).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))

const systemdAnalyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0
const scratch = mkdtempSync(join(tmpdir(), 'cam-systemd-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/**
 * The unit as systemd-analyze checks it here: verify requires ExecStart's program to exist,
 * so where node is not at /usr/bin/node (the unit's path) the copy names this machine's node.
 */
function checkedCopy(text: string, name = 'cam-host-app.service'): string {
  const path = join(scratch, name)
  writeFileSync(path, existsSync('/usr/bin/node') ? text : text.replaceAll('/usr/bin/node', process.execPath))
  return path
}

describe('deploy/systemd/cam-host-app.service', () => {
  it.skipIf(!systemdAnalyze)(`passes systemd-analyze verify without a single warning${systemdAnalyze ? '' : ' (skipped: no systemd-analyze on this machine)'}`, () => {
    const verify = spawnSync('systemd-analyze', ['verify', '--man=no', checkedCopy(unitText)], { encoding: 'utf8' })
    expect(verify.stderr + verify.stdout).toBe('')
    expect(verify.status).toBe(0)
    // It has teeth: a misspelt setting is reported (systemd only warns, exits 0 and ignores it: hence the empty output above).
    const misspelt = checkedCopy(unitText.replace('RestartSec=5', 'RestartSecs=5'), 'misspelt.service')
    const warned = spawnSync('systemd-analyze', ['verify', '--man=no', misspelt], { encoding: 'utf8' })
    expect(warned.stderr).toMatch(/Unknown key 'RestartSecs' in section \[Service\]/)
    expect(warned.status).toBe(0)
  })

  it.skipIf(!systemdAnalyze)(`is hardened: systemd-analyze security rates its exposure 2.0 or lower${systemdAnalyze ? '' : ' (skipped: no systemd-analyze on this machine)'}`, () => {
    const security = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', checkedCopy(unitText)], { encoding: 'utf8' })
    const level = /Overall exposure level for \S+: (\d+\.\d+)/.exec(security.stdout)
    expect(Number(level?.[1])).toBeLessThanOrEqual(2)
    expect(security.status).toBe(0)
  })

  it('restarts on failure but not after a clean stop or a configuration error, and stops gracefully on SIGTERM', () => {
    expect(one('Restart')).toBe('on-failure')
    expect(one('RestartPreventExitStatus')).toBe('2') // main.ts exits 2 on a configuration error
    expect(readFileSync(join(deployDirectory, '..', 'src', 'main.ts'), 'utf8')).toMatch(/process\.exit\(2\)/)
    expect(one('KillSignal')).toBe('SIGTERM')
    expect(one('KillMode')).toBe('mixed')
    const timeoutStop = Number(one('TimeoutStopSec'))
    expect(timeoutStop).toBeGreaterThan(stopBudgetSeconds())
    // The same grace period as the Kubernetes Deployment's.
    const deployment = readYamlObject(join(deployDirectory, 'kubernetes', 'deployment.yaml')) as { spec: { template: { spec: { terminationGracePeriodSeconds: number } } } }
    expect(timeoutStop).toBe(deployment.spec.template.spec.terminationGracePeriodSeconds)
    expect(unit['Unit']?.['StartLimitBurst']).toEqual(['10'])
    expect(unit['Install']?.['WantedBy']).toEqual(['multi-user.target'])
  })

  it('migrates in ExecStartPre, then runs the deployed app with migrations off', () => {
    expect(one('WorkingDirectory')).toBe('/opt/cam-host-app')
    expect(one('ExecStartPre')).toBe('/usr/bin/node /opt/cam-host-app/node_modules/@cam/adapter-postgres/dist/cli.js migrate --schema ${CAM_DB_SCHEMA}')
    expect(one('ExecStart')).toBe('/usr/bin/node --enable-source-maps /opt/cam-host-app/dist/main.js')
    expect(environment['CAM_MIGRATE_ON_START']).toBe('false')
    expect(environment['CAM_DB_SCHEMA']).toBe('cam')
    expect(environment['PORT']).toBe('3000')
  })

  it('reads secrets from an EnvironmentFile and sets only variables the app reads', () => {
    expect(one('EnvironmentFile')).toBe('/etc/cam-host-app/cam-host-app.env')
    for (const name of [...Object.keys(environment), ...Object.keys(fileVariables)]) expect(knownVariables, name).toContain(name)
    for (const name of requiredVariables) expect([...Object.keys(environment), ...Object.keys(fileVariables)], name).toContain(name)
    expect(fileVariables['CAM_UNSUBSCRIBE_SECRET']).toBe(placeholder)
    expect(fileVariables['DATABASE_URL']).toContain(placeholder)
    for (const name of ['DATABASE_URL', 'CAM_UNSUBSCRIBE_SECRET']) expect(Object.keys(environment)).not.toContain(name)
  })

  it('drops privileges, keeps V8 able to JIT, and writes only to its state directory', () => {
    expect(one('DynamicUser')).toBe('yes')
    expect(service['User']).toBeUndefined()
    for (const key of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectControlGroups', 'RestrictSUIDSGID', 'LockPersonality']) {
      expect(one(key), key).toBe('yes')
    }
    expect(one('ProtectSystem')).toBe('strict')
    expect(one('CapabilityBoundingSet')).toBe('')
    expect(service['MemoryDenyWriteExecute']).toBeUndefined() // would kill node: V8's JIT writes executable memory
    expect(one('StateDirectory')).toBe('cam-host-app')
    expect(environment['CAM_OUTBOX_DIR']).toBe('%S/cam-host-app/outbox')
    expect(environment['CAM_MAILDIR']).toBe('%S/cam-host-app/Maildir')
  })
})
