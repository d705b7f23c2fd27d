/**
 * Validation of Kubernetes objects without a cluster, for test/deploy-kubernetes.test.ts:
 *
 * - `validateAgainstSchema` — the object against the JSON schema of its kind from the
 *   Kubernetes OpenAPI definitions, as compiled by the `kubernetes-models` package (types,
 *   required fields, enums, quantity and int-or-string formats);
 * - `findUnknownFields` — what `kubectl --validate=strict` adds: a field the API does not
 *   know (a typo such as `terminationGracePeriodSecond`, which the schema lets through and
 *   the API server would drop). The objects are type-checked by TypeScript against the
 *   same package's interfaces, whose excess-property checks name such a field.
 */
import { join } from 'node:path'
import ts from 'typescript'
import { hostAppDirectory } from './deploy-recipes.js'

/** A Kubernetes object as read from YAML. */
export interface KubernetesObject {
  apiVersion: string
  kind: string
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  [field: string]: unknown
}

/** The module of `kubernetes-models` that holds a kind: `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`. */
function modelModule(object: KubernetesObject): string {
  if (!/^([a-z0-9.-]+\/)?v\d+(alpha\d+|beta\d+)?$/.test(object.apiVersion) || !/^[A-Z][A-Za-z]+$/.test(object.kind)) {
    throw new Error(`not a Kubernetes apiVersion/kind: ${object.apiVersion} ${object.kind}`)
  }
  return `kubernetes-models/${object.apiVersion}/${object.kind}`
}

/** Throws with the schema's messages when `object` is not a valid object of its kind (an unknown apiVersion/kind throws too). */
export async function validateAgainstSchema(object: KubernetesObject): Promise<void> {
  let module: Record<string, unknown>
  try {
    module = (await import(modelModule(object))) as Record<string, unknown>
  } catch (error) {
    throw new Error(`no schema for ${object.apiVersion} ${object.kind}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const Model = module[object.kind] as new (data: unknown) => { validate(): void }
  new Model(object).validate()
}

/**
 * TypeScript's diagnostics for the objects typed as their kinds' interfaces: one message per
 * object that has a field of the wrong type or a field its kind does not have (TypeScript
 * names the first such field of each object).
 */
export function findUnknownFields(objects: KubernetesObject[]): string[] {
  const file = join(hostAppDirectory, 'test', '__kubernetes_strict_check__.ts')
  const lines = objects.map((object, index) => {
    return `import type { I${object.kind} as Kind${index} } from '${modelModule(object)}'\nexport const object${index}: Kind${index} = ${JSON.stringify(object)}`
  })
  const source = `${lines.join('\n')}\n`
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  const fileExists = host.fileExists.bind(host)
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest))
  host.fileExists = (name) => name === file || fileExists(name)
  const program = ts.createProgram([file], options, host)
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : -1
    const object = objects[Math.floor(line / 2)]
    const where = object ? `${object.kind} ${object.metadata?.name ?? ''}`.trim() : 'manifest'
    return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`
  })
}
