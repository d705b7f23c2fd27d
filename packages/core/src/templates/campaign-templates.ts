import { Liquid, Output, TypeGuards, type Template } from 'liquidjs'
import type { Campaign, SequenceStep } from '../domain/campaign.js'
import type { Lead, NewLead } from '../domain/lead.js'
import { errorMessage } from '../errors/cam-error.js'
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js'

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
 */
const textEngine = new Liquid({ strictFilters: true, ownPropertyOnly: true })
const htmlEngine = new Liquid({ strictFilters: true, ownPropertyOnly: true, outputEscape: 'escape' })

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

function compileField(engine: Liquid, source: string, path: string, issues: ValidationIssue[]): CompiledField | null {
  try {
    const templates = engine.parse(source)
    return { templates, required: requiredVariables(templates) }
  } catch (error) {
    issues.push({ path, message: `invalid template: ${errorMessage(error).split('\n')[0]}` })
    return null
  }
}

const cache = new Map<string, CompiledCampaignTemplates>()
const cacheLimit = 200

/**
 * Parses every template of a campaign's steps. Throws a `ValidationError` (code
 * `TEMPLATE_INVALID`) listing every template that does not parse, by path
 * (`steps.1.subject`).
 */
export function compileCampaignTemplates(steps: SequenceStep[]): CompiledCampaignTemplates {
  const key = JSON.stringify(steps)
  const cached = cache.get(key)
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
  if (issues.length > 0) throw new ValidationError('campaign templates', issues, { code: 'TEMPLATE_INVALID' })
  const result = { steps: compiled, required }
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value as string)
  cache.set(key, result)
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

/** Renders step `stepIndex` for `context`. Throws a `ValidationError` when a required variable is missing. */
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
  const render = (engine: Liquid, field: CompiledField) => engine.renderSync(field.templates, context) as string
  return {
    subject: step.subject ? render(textEngine, step.subject).replace(/[\r\n]+/g, ' ').trim() : null,
    text: render(textEngine, step.text),
    html: step.html ? render(htmlEngine, step.html) : null,
  }
}
