import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { ValidationError, loadConfigFromEnv } from '@cam/core'
import { hostAppEnvironmentVariables } from '../src/host-app-environment.js'
import { appPort, deployDirectory, healthPath, knownVariables, placeholder, readYamlDocuments, requiredVariables, secretVariables, stopBudgetSeconds } from './deploy-recipes.js'
import { findUnknownFields, validateAgainstSchema, type KubernetesObject } from './kubernetes-schema.js'

const directory = join(deployDirectory, 'kubernetes')
const files = readdirSync(directory).filter((name) => name.endsWith('.yaml')).sort()
const documents = files.flatMap((file) => readYamlDocuments(join(directory, file)).map((object) => ({ file, object: object as KubernetesObject })))
const objects = documents.filter(({ object }) => object.kind !== 'Kustomization').map(({ object }) => object)
const find = <T>(kind: string) => {
  const found = objects.filter((object) => object.kind === kind)
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`)
  return found[0] as unknown as T
}

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: unknown; fieldRef?: unknown } }
interface Probe { httpGet?: { path: string; port: string | number }; periodSeconds?: number; failureThreshold?: number }
interface Container {
  name: string
  image: string
  command?: string[]
  args?: string[]
  ports?: Array<{ name?: string; containerPort: number }>
  env?: EnvVar[]
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>
  livenessProbe?: Probe
  readinessProbe?: Probe
  startupProbe?: Probe
  lifecycle?: { preStop?: { exec?: { command: string[] } } }
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean; capabilities?: { drop?: string[] } }
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  volumeMounts?: Array<{ name: string; mountPath: string }>
}
interface PodSpec {
  terminationGracePeriodSeconds?: number
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } }
  initContainers?: Container[]
  containers: Container[]
  restartPolicy?: string
  volumes?: Array<{ name: string; emptyDir?: unknown }>
}
interface PodTemplate { metadata: { labels: Record<string, string> }; spec: PodSpec }
interface Deployment extends KubernetesObject { spec: { replicas: number; selector: { matchLabels: Record<string, string> }; strategy?: { rollingUpdate?: { maxUnavailable?: number | string } }; template: PodTemplate } }
interface Job extends KubernetesObject { spec: { template: PodTemplate } }
interface ConfigMap extends KubernetesObject { data: Record<string, string> }
interface Secret extends KubernetesObject { stringData?: Record<string, string>; data?: Record<string, string> }
interface Selecting extends KubernetesObject { spec: { selector: Record<string, string> | { matchLabels: Record<string, string> }; ports?: Array<{ targetPort: string | number }> } }

const deployment = find<Deployment>('Deployment')
const job = find<Job>('Job')
const configMap = find<ConfigMap>('ConfigMap')
const secret = find<Secret>('Secret')
const secretKeys = new Set(Object.keys({ ...secret.stringData, ...secret.data }))
const app = deployment.spec.template.spec.containers.find((container) => container.name === 'app')!
const migrateContainers = [...(deployment.spec.template.spec.initContainers ?? []), ...job.spec.template.spec.containers]
const allContainers = [...deployment.spec.template.spec.containers, ...migrateContainers]

/** The environment a container gets: its ConfigMap's data, then its own `env` (references as `<secret name/key>`). */
function environmentOf(container: Container): Record<string, string> {
  const environment: Record<string, string> = {}
  for (const source of container.envFrom ?? []) {
    expect(source.configMapRef?.name, `${container.name}: envFrom names the ConfigMap`).toBe(configMap.metadata?.name)
    Object.assign(environment, configMap.data)
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef
    environment[variable.name] = variable.value ?? (ref ? `<secret ${ref.name}/${ref.key}>` : '<reference>')
  }
  return environment
}

describe('deploy/kubernetes', () => {
  it('is valid YAML, and every object is valid against the Kubernetes schema of its kind', async () => {
    expect(files).toEqual(expect.arrayContaining(['configmap.yaml', 'secret.yaml', 'deployment.yaml', 'migrate-job.yaml', 'kustomization.yaml']))
    expect(objects.map((object) => object.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Job', 'PodDisruptionBudget', 'Secret', 'Service'])
    for (const object of objects) await validateAgainstSchema(object)
    // The check has teeth: a wrongly typed field and an unknown kind are refused.
    await expect(validateAgainstSchema({ ...deployment, spec: { ...deployment.spec, replicas: 'two' } } as KubernetesObject)).rejects.toThrow(/replicas must be integer/)
    await expect(validateAgainstSchema({ apiVersion: 'apps/v1', kind: 'Deploymnet' })).rejects.toThrow(/no schema/)
  })

  it('has no field that Kubernetes does not know (as kubectl --validate=strict)', () => {
    expect(findUnknownFields(objects)).toEqual([])
    const typo = structuredClone(deployment) as unknown as { spec: { template: { spec: Record<string, unknown> } } }
    typo.spec.template.spec['terminationGracePeriodSecond'] = 120
    expect(findUnknownFields([typo as unknown as KubernetesObject]).join('\n')).toMatch(/terminationGracePeriodSecond/)
  })

  it('runs 2+ replicas with /health probes on the app port and a grace period longer than a stop', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2)
    expect(deployment.spec.strategy?.rollingUpdate?.maxUnavailable).toBe(0)
    expect(configMap.data['PORT']).toBe(String(appPort))
    expect(configMap.data['HOST']).toBe('0.0.0.0') // reachable from the kubelet and the Service
    const http = app.ports?.find((port) => port.name === 'http')
    expect(http?.containerPort).toBe(appPort)
    for (const probe of [app.livenessProbe, app.readinessProbe, app.startupProbe]) {
      expect(probe?.httpGet?.path).toBe(healthPath)
      expect([appPort, 'http']).toContain(probe?.httpGet?.port)
    }
    const preStop = app.lifecycle?.preStop?.exec?.command ?? []
    const preStopSeconds = preStop[0] === 'sleep' ? Number(preStop[1]) : 0
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(stopBudgetSeconds() + preStopSeconds)
    // /health already waits 3 cycles + 30 s before it calls a heartbeat stale; liveness then waits
    // minutes more (a long cycle is not a dead process), readiness only seconds.
    const window = (probe: Probe) => (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3)
    expect(window(app.livenessProbe!)).toBeGreaterThanOrEqual(120)
    expect(window(app.readinessProbe!)).toBeLessThan(window(app.livenessProbe!))
  })

  it('runs every container as non-root with a read-only root filesystem and resource requests and limits', () => {
    for (const template of [deployment.spec.template, job.spec.template]) {
      expect(template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } })
      expect(template.spec.securityContext?.runAsUser).toBeGreaterThan(0)
    }
    for (const container of allContainers) {
      expect(container.securityContext, container.name).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })
      expect(Object.keys(container.resources?.requests ?? {}).sort(), container.name).toEqual(['cpu', 'memory'])
      expect(Object.keys(container.resources?.limits ?? {}), container.name).toContain('memory')
    }
    // The app writes its example pickup directory and Maildir under tmpdir: /tmp is a writable emptyDir.
    const tmp = app.volumeMounts?.find((mount) => mount.mountPath === '/tmp')
    expect(deployment.spec.template.spec.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined()
  })

  it('runs `cam-postgres migrate` on the app schema before the app (init container) and as a Job, from the same image', () => {
    const images = new Set(allContainers.map((container) => container.image))
    expect([...images]).toEqual(['cam-host-app:0.1.0'])
    expect(deployment.spec.template.spec.initContainers?.map((container) => container.name)).toEqual(['migrate'])
    expect(job.spec.template.spec.restartPolicy).toBe('Never')
    for (const container of migrateContainers) {
      const argv = [...(container.command ?? []), ...(container.args ?? [])]
      expect(argv).toEqual(['cam-postgres', 'migrate', '--schema', '$(CAM_DB_SCHEMA)'])
      // $(VAR) is expanded from the container's environment: the schema the app uses.
      expect(environmentOf(container)['CAM_DB_SCHEMA']).toBe(environmentOf(app)['CAM_DB_SCHEMA'])
      expect(environmentOf(container)['DATABASE_URL']).toBe(environmentOf(app)['DATABASE_URL'])
    }
    // The app itself only checks the schema: migrations ran before it.
    expect(environmentOf(app)['CAM_MIGRATE_ON_START']).toBe('false')
  })

  it('sets only variables the app reads, takes credentials from the Secret, and every Secret reference resolves', () => {
    for (const container of allContainers) {
      const environment = environmentOf(container)
      for (const name of Object.keys(environment)) expect(knownVariables, `${container.name}: ${name}`).toContain(name)
      for (const variable of container.env ?? []) {
        if (secretVariables.includes(variable.name)) expect(variable.valueFrom?.secretKeyRef, `${variable.name} comes from the Secret`).toBeDefined()
        const ref = variable.valueFrom?.secretKeyRef
        if (!ref) continue
        expect(ref.name).toBe(secret.metadata?.name)
        if (!ref.optional) expect(secretKeys, `${container.name}: ${variable.name} → ${ref.key}`).toContain(ref.key)
      }
    }
    for (const name of requiredVariables) expect(Object.keys(environmentOf(app))).toContain(name)
    for (const name of secretVariables) expect(Object.keys(configMap.data)).not.toContain(name)
  })

  it('ships placeholder credentials only, which the app refuses to start with', () => {
    const values = { ...secret.stringData, ...secret.data }
    expect(Object.keys(values).length).toBeGreaterThan(0)
    for (const [key, value] of Object.entries(values)) expect(value, key).toContain(placeholder)
    // The ConfigMap and Secret as the app container gets them, through the app's own config loader.
    const environment = { ...configMap.data, ...values }
    expect(() => loadConfigFromEnv(environment, hostAppEnvironmentVariables)).toThrow(ValidationError)
    expect(() => loadConfigFromEnv(environment, hostAppEnvironmentVariables)).toThrow(/CAM_UNSUBSCRIBE_SECRET/)
    // With real values in the Secret, every ConfigMap value is one the app accepts.
    const real = { ...environment, DATABASE_URL: 'postgres://cam:s3cret@postgres.cam.svc:5432/cam', CAM_UNSUBSCRIBE_SECRET: 'a-real-secret-of-32-characters!!' }
    const loaded = loadConfigFromEnv(real, hostAppEnvironmentVariables)
    expect(loaded.extra).toMatchObject({ PORT: appPort, HOST: '0.0.0.0', CAM_MIGRATE_ON_START: false, CAM_DB_SCHEMA: configMap.data['CAM_DB_SCHEMA'] })
  })

  it('selects the app pods from the Service and the PodDisruptionBudget, and lists the right files in kustomization.yaml', () => {
    const podLabels = deployment.spec.template.metadata.labels
    expect(podLabels).toMatchObject(deployment.spec.selector.matchLabels)
    for (const kind of ['Service', 'PodDisruptionBudget']) {
      const object = find<Selecting>(kind)
      const selector = 'matchLabels' in object.spec.selector ? (object.spec.selector.matchLabels as Record<string, string>) : object.spec.selector
      expect(podLabels, kind).toMatchObject(selector)
    }
    expect(find<Selecting>('Service').spec.ports?.[0]?.targetPort).toBe('http')
    // The migrate Job's pods are not app pods.
    expect(job.spec.template.metadata.labels).not.toMatchObject(deployment.spec.selector.matchLabels)
    const kustomization = documents.find(({ object }) => object.kind === 'Kustomization')!.object as unknown as { resources: string[]; images: Array<{ name: string }> }
    expect([...kustomization.resources].sort()).toEqual(files.filter((file) => !['kustomization.yaml', 'migrate-job.yaml'].includes(file)))
    expect(kustomization.images.map((image) => image.name)).toEqual(['cam-host-app'])
  })

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0
  it.skipIf(!kubectl)(`kubectl kustomize builds the set, with the image renamed${kubectl ? '' : ' (skipped: no kubectl on this machine)'}`, async () => {
    const built = spawnSync('kubectl', ['kustomize', directory], { encoding: 'utf8' })
    expect(built.stderr).toBe('')
    expect(built.status).toBe(0)
    const rendered = parseAllDocuments(built.stdout).map((document) => document.toJS() as KubernetesObject)
    expect(rendered.map((object) => object.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Secret', 'Service'])
    for (const object of rendered) await validateAgainstSchema(object)
    expect(built.stdout).toContain('image: registry.example.com/cam-host-app:0.1.0')
    expect(built.stdout).not.toMatch(/image: cam-host-app:/)
  })
})
