import { Output, TypeGuards, type Liquid, type Template } from 'liquidjs'
import type { Campaign, SequenceStep } from '../domain/campaign.js'
import type { Lead, NewLead } from '../domain/lead.js'
import { CamError, errorMessage } from '../errors/cam-error.js'
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js'
import { createSandboxedLiquid, describeTemplateLimit, templateLimitOf, templateLimits, type TemplateLimit } from './sandboxed-liquid.js'

/**
 * Templates are LiquidJS (https://liquidjs.com). Variables available to every step:
 * `firstName`, `lastName`, `fullName`, `company`, `email`, every custom lead variable,
 * `sender.name`, `sender.email` and `unsubscribeUrl` (when unsubscribe links are
 * configured). A fallback is written with Liquid's `default` filter:
 * `{{ firstName | default: "there" }}`.
 *
 * A variable printed outside any `{% if %}`/`{% unless %}`/`{% for %}` block without a
 * `default` filter is **required**: a lead lacking it is rejected when added, so an
 * email never goes out with a blank or literal `{{ … }}`.
 *
 * Templates are sandboxed (see `sandboxed-liquid.ts`): no `include`/`render`/`layout`,
 * no files, environment or network, and parse, time, memory and output limits.
 */
const textEngine = createSandboxedLiquid({ escapeHtml: false })
const htmlEngine = createSandboxedLiquid({ escapeHtml: true })

/** Variables CAM itself always provides (never required from leads). */
const providedVariables = new Set(['sender', 'unsubscribeUrl', 'email'])

type TemplateField = 'subject' | 'text' | 'html'

interface CompiledField {
  templates: Template[]
  required: string[]
}

interface CompiledStep {
  subject: CompiledField | null
  text: CompiledField
  html: CompiledField | null
}

/** Parsed templates of a campaign plus the variables each step requires. */
export interface CompiledCampaignTemplates {
  steps: CompiledStep[]
  /** Variables some step requires, with the first place each is used (for error messages). */
  required: Map<string, string>
}

/** The values a template sees when rendering for a lead. */
export interface TemplateContext {
  [name: string]: unknown
}

function requiredVariables(templates: Template[]): string[] {
  const names = new Set<string>()
  for (const template of templates) {
    // Only top-level outputs: anything inside a tag block is the author's explicit handling.
    if (!(template instanceof Output)) continue
    if (template.value.filters.some((filter) => filter.name === 'default')) continue
    const postfix = [...template.value.initial.postfix]
    if (postfix.length !== 1) continue
    const token = postfix[0]
    if (!token || !TypeGuards.isPropertyAccessToken(token)) continue
    const name = token.getText().split(/[.[]/)[0]?.trim()
    if (name && !providedVariables.has(name)) names.add(name)
  }
  return [...names]
}

/** "at line 3, col 7" from a LiquidJS error message, or "" when it names no position. */
function positionOf(error: unknown): string {
  const match = /line:(\d+), col:(\d+)/.exec(errorMessage(error))
  return match ? ` at line ${match[1]}, col ${match[2]}` : ''
}

function limitMessage(limit: TemplateLimit, error: unknown): string {
  return `template exceeded ${describeTemplateLimit(limit)}${positionOf(error)}`
}

/**
 * Renders `templates` once without lead data, so a template that exceeds a limit
 * whatever the lead (`{% for i in (1..100000) %}{% for j in (1..100000) %}`) is refused
 * when the campaign is created rather than when its emails are sent. Returns the limit
 * message, or null; other render errors are left to render time (the lead data decides).
 */
function trialRenderProblem(engine: Liquid, templates: Template[]): string | null {
  try {
    const output = engine.renderSync(templates, {}) as string
    return output.length > templateLimits.maxOutputLength ? limitMessage('output', null) : null
  } catch (error) {
    const limit = templateLimitOf(error)
    return limit ? `${limitMessage(limit, error)} even without lead data` : null
  }
}

function compileField(engine: Liquid, source: string, path: string, issues: ValidationIssue[]): CompiledField | null {
  if (source.length > templateLimits.maxTemplateLength) {
    issues.push({ path, message: `template is ${source.length} characters long; at most ${templateLimits.maxTemplateLength} are allowed` })
    return null
  }
  let templates: Template[]
  try {
    templates = engine.parse(source)
  } catch (error) {
    issues.push({ path, message: `invalid template: ${errorMessage(error).split('\n')[0]}` })
    return null
  }
  const problem = trialRenderProblem(engine, templates)
  if (problem) {
    issues.push({ path, message: problem })
    return null
  }
  return { templates, required: requiredVariables(templates) }
}

const cache = new Map<string, CompiledCampaignTemplates | ValidationError>()
const cacheLimit = 200

/**
 * Parses every template of a campaign's steps. Throws a `ValidationError` (code
 * `TEMPLATE_INVALID`) listing every template that does not parse, by path
 * (`steps.1.subject`): syntax errors, unknown filters, the file tags `include`,
 * `render` and `layout`, templates longer than the length limit, and templates that
 * exceed a render limit even without lead data.
 */
export function compileCampaignTemplates(steps: SequenceStep[]): CompiledCampaignTemplates {
  const key = JSON.stringify(steps)
  const cached = cache.get(key)
  if (cached instanceof ValidationError) throw cached
  if (cached) return cached
  const issues: ValidationIssue[] = []
  const compiled: CompiledStep[] = []
  const required = new Map<string, string>()
  steps.forEach((step, index) => {
    const fields: Record<TemplateField, CompiledField | null> = {
      subject: step.subject === undefined ? null : compileField(textEngine, step.subject, `steps.${index}.subject`, issues),
      text: compileField(textEngine, step.text, `steps.${index}.text`, issues),
      html: step.html === undefined ? null : compileField(htmlEngine, step.html, `steps.${index}.html`, issues),
    }
    for (const field of ['subject', 'text', 'html'] as const) {
      for (const name of fields[field]?.required ?? []) if (!required.has(name)) required.set(name, `steps.${index}.${field}`)
    }
    compiled.push({ subject: fields.subject, text: fields.text ?? { templates: [], required: [] }, html: fields.html })
  })
  const result = issues.length > 0 ? new ValidationError('campaign templates', issues, { code: 'TEMPLATE_INVALID' }) : { steps: compiled, required }
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value as string)
  // Refusals are kept too: the trial render of a hostile template is not repeated per email.
  cache.set(key, result)
  if (result instanceof ValidationError) throw result
  return result
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '')
}

/** Builds the variables a template sees for `lead`. */
export function templateContext(
  lead: Pick<Lead | NewLead, 'firstName' | 'lastName' | 'company' | 'email' | 'variables'>,
  campaign: Pick<Campaign, 'sender'>,
  extra: { unsubscribeUrl?: string } = {},
): TemplateContext {
  const context: TemplateContext = { ...lead.variables }
  if (present(lead.firstName)) context.firstName = lead.firstName
  if (present(lead.lastName)) context.lastName = lead.lastName
  const fullName = [lead.firstName, lead.lastName].filter(present).join(' ')
  if (fullName) context.fullName = fullName
  if (present(lead.company)) context.company = lead.company
  context.email = lead.email
  context.sender = { name: campaign.sender.name ?? '', email: campaign.sender.email }
  if (extra.unsubscribeUrl) context.unsubscribeUrl = extra.unsubscribeUrl
  return context
}

/**
 * Lists the required variables `lead` lacks, one issue per variable naming where it
 * is used. Empty when the lead can receive every step.
 */
export function missingTemplateVariables(compiled: CompiledCampaignTemplates, context: TemplateContext): Array<{ variable: string; usedIn: string }> {
  const missing: Array<{ variable: string; usedIn: string }> = []
  for (const [variable, usedIn] of compiled.required) {
    if (!present(context[variable])) missing.push({ variable, usedIn })
  }
  return missing
}

/** A step rendered for one lead. */
export interface RenderedStep {
  /** Null when the step has no subject of its own (a threaded follow-up). */
  subject: string | null
  text: string
  html: string | null
}

/**
 * Renders step `stepIndex` for `context`. Throws a `ValidationError` when a required
 * variable is missing (code `TEMPLATE_VARIABLE_MISSING`), when a field exceeds a
 * template limit for this lead (`TEMPLATE_RENDER_LIMIT`: memory or output size, naming
 * the field, e.g. `steps.0.text`) or fails to render otherwise (`TEMPLATE_INVALID`) —
 * each permanent: rendering again gives the same result. Running out of the render time
 * alone throws a plain `CamError` (`TEMPLATE_RENDER_LIMIT`), which the send step retries:
 * a paused or overloaded process can cause it too.
 */
export function renderStep(compiled: CompiledCampaignTemplates, stepIndex: number, context: TemplateContext): RenderedStep {
  const step = compiled.steps[stepIndex]
  if (!step) throw new RangeError(`stepIndex: expected 0…${compiled.steps.length - 1}, got ${stepIndex}`)
  const missing = missingTemplateVariables(compiled, context)
  if (missing.length > 0) {
    throw new ValidationError(
      'lead for this campaign',
      missing.map((m) => ({ path: m.variable, message: `template variable "${m.variable}" (used in ${m.usedIn}) is missing and has no default` })),
      { code: 'TEMPLATE_VARIABLE_MISSING' },
    )
  }
  // One time budget for the whole step, so one email never blocks the worker for longer.
  const deadline = performance.now() + templateLimits.renderTimeMs
  const issues: ValidationIssue[] = []
  let limitReached = false
  // Only the time limit was hit: a stalled or loaded process can cause that, not just the template.
  let onlyTimeLimit = true
  const render = (engine: Liquid, field: CompiledField, name: TemplateField): string => {
    const path = `steps.${stepIndex}.${name}`
    const remainingMs = deadline - performance.now()
    if (remainingMs <= 0) {
      // The budget went to earlier fields; report it here unless an earlier field failed.
      if (issues.length === 0) issues.push({ path, message: limitMessage('time', null) })
      limitReached = true
      return ''
    }
    try {
      const output = engine.renderSync(field.templates, context, { renderLimit: remainingMs }) as string
      if (output.length > templateLimits.maxOutputLength) {
        limitReached = true
        onlyTimeLimit = false
        issues.push({ path, message: limitMessage('output', null) })
        return ''
      }
      return output
    } catch (error) {
      const limit = templateLimitOf(error)
      if (limit) limitReached = true
      if (limit !== 'time') onlyTimeLimit = false
      issues.push({ path, message: limit ? limitMessage(limit, error) : `template failed to render: ${errorMessage(error).split('\n')[0]}` })
      return ''
    }
  }
  const subject = step.subject ? render(textEngine, step.subject, 'subject') : null
  const text = render(textEngine, step.text, 'text')
  const html = step.html ? render(htmlEngine, step.html, 'html') : null
  if (issues.length > 0) {
    if (limitReached && onlyTimeLimit) {
      // Not a ValidationError: the send is retried later (up to maxSendAttempts), since a
      // paused or overloaded process runs out of time on a template that normally fits.
      throw new CamError('TEMPLATE_RENDER_LIMIT', `Email for this lead not rendered in time:\n${issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n')}`)
    }
    throw new ValidationError('email for this lead', issues, { code: limitReached ? 'TEMPLATE_RENDER_LIMIT' : 'TEMPLATE_INVALID' })
  }
  return {
    subject: subject === null ? null : subject.replace(/[\r\n]+/g, ' ').trim(),
    text,
    html,
  }
}
