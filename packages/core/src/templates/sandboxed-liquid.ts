import { Liquid, Tag, type FS, type TagToken, type TopLevelToken } from 'liquidjs'

/**
 * Limits every campaign template runs under. Campaign authors are not always the
 * operator, so a template must never freeze or crash the worker that renders it.
 *
 * The values leave real emails far from the edge (a 5 KB template with a few loops
 * renders in well under a millisecond and allocates a few thousand characters) while a
 * hostile template fails within a fraction of a second.
 */
export const templateLimits = {
  /** Longest template source accepted, in characters (one subject, text or HTML body). */
  maxTemplateLength: 500_000,
  /**
   * Wall-clock budget for rendering one step for one lead (subject, text and HTML
   * together), in milliseconds. Checked by LiquidJS before each tag, output and loop
   * iteration.
   */
  renderTimeMs: 250,
  /**
   * Characters and array items LiquidJS may create while rendering one field: ranges
   * `(1..n)` count `n`, string filters (`append`, `escape`, `split`, `date` padding, …)
   * count the length they produce. Checked before allocating, so a `(1..1000000000)`
   * range fails at once instead of exhausting the heap.
   */
  memoryUnits: 1_000_000,
  /** Longest rendered field, in characters. */
  maxOutputLength: 1_000_000,
} as const

/** Which limit a failed render ran into. */
export type TemplateLimit = 'time' | 'memory' | 'output'

/** Tags that would read another template from disk: CAM has no partials or layouts. */
const fileTags = ['include', 'render', 'layout'] as const

function forbiddenFileTag(name: string) {
  return class ForbiddenFileTag extends Tag {
    constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
      super(token, remainTokens, liquid)
      throw new Error(`the {% ${name} %} tag is not allowed: templates cannot read files (CAM has no partials or layouts)`)
    }
    // Never reached: construction always throws.
    *render(): Generator<unknown, void, unknown> {}
  }
}

/** A file system that holds nothing: a second fence behind the removed tags. */
const noFileSystem: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => {
    throw new Error('templates cannot read files')
  },
  readFileSync: () => {
    throw new Error('templates cannot read files')
  },
  resolve: (_dir, file) => file,
  contains: async () => false,
  containsSync: () => false,
}

/**
 * A LiquidJS engine with no access to files, the environment or the network, and with
 * {@link templateLimits} applied.
 *
 * - `include`, `render` and `layout` are rejected when the template is parsed, and the
 *   engine's file system holds nothing.
 * - Only the values passed to a render are visible (`ownPropertyOnly`: no prototype
 *   members such as `constructor`); there are no globals.
 * - `date` renders in UTC with English names, whatever the host's time zone and locale.
 */
export function createSandboxedLiquid(options: { escapeHtml: boolean }): Liquid {
  const engine = new Liquid({
    strictFilters: true,
    ownPropertyOnly: true,
    ...(options.escapeHtml ? { outputEscape: 'escape' as const } : {}),
    fs: noFileSystem,
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    globals: {},
    timezoneOffset: 0,
    locale: 'en-US',
    parseLimit: templateLimits.maxTemplateLength,
    renderLimit: templateLimits.renderTimeMs,
    memoryLimit: templateLimits.memoryUnits,
  })
  for (const name of fileTags) engine.registerTag(name, forbiddenFileTag(name))
  return engine
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = []
  let current: unknown = error
  while (current !== null && typeof current === 'object' && chain.length < 5 && !chain.includes(current)) {
    chain.push(current)
    current = (current as { originalError?: unknown }).originalError
  }
  return chain
}

/** The limit a LiquidJS render error reports, or null for any other error. */
export function templateLimitOf(error: unknown): TemplateLimit | null {
  for (const item of causes(error)) {
    if (!(item instanceof Error)) continue
    if (item.message.startsWith('template render limit exceeded')) return 'time'
    if (item.message.startsWith('memory alloc limit exceeded')) return 'memory'
    if (item instanceof RangeError && item.message.startsWith('Invalid string length')) return 'output'
  }
  return null
}

/** A sentence naming `limit` and its value, for error messages. */
export function describeTemplateLimit(limit: TemplateLimit): string {
  switch (limit) {
    case 'time':
      return `the render time limit (${templateLimits.renderTimeMs} ms per step)`
    case 'memory':
      return `the render memory limit (${templateLimits.memoryUnits.toLocaleString('en-US')} characters or items created per field)`
    case 'output':
      return `the output limit (${templateLimits.maxOutputLength.toLocaleString('en-US')} characters per field)`
  }
}
