import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative } from 'node:path'
import { Liquid } from 'liquidjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CamError, ValidationError, createCamClient, type SequenceStep } from '../src/index.js'
import { compileCampaignTemplates, renderStep, templateContext } from '../src/templates/campaign-templates.js'
import { createMemoryStore } from '../src/testing/index.js'

/** The error `run` throws (fails the test when it throws nothing). */
function thrown(run: () => unknown): ValidationError {
  try {
    run()
  } catch (error) {
    expect(ValidationError.isInstance(error), `expected a ValidationError, got ${String(error)}`).toBe(true)
    return error as ValidationError
  }
  throw new Error('expected an error, nothing was thrown')
}

const step = (text: string, extra: Partial<SequenceStep> = {}): SequenceStep => ({ subject: 'Hello', text, delayDays: 0, ...extra })

/** Renders the only step of a one-step campaign for a lead with `variables`. */
function renderFor(text: string, variables: Record<string, string> = {}) {
  const compiled = compileCampaignTemplates([step(text)])
  return renderStep(compiled, 0, templateContext({ email: 'lead@prospect.example', firstName: 'Ana', lastName: null, company: null, variables }, { sender: { email: 'ana@sender.example', name: 'Ana' } }))
}

describe('templates cannot read files', () => {
  const secret = `secret-${randomUUID()}`
  // A real file in the working directory (what `{% include '.env' %}` would read) and one at an absolute path.
  const localFile = join(process.cwd(), `.template-sandbox-${randomUUID()}.env`)
  const directory = mkdtempSync(join(tmpdir(), 'cam-template-sandbox-'))
  const absoluteFile = join(directory, 'secret.txt')

  beforeAll(() => {
    writeFileSync(localFile, `API_KEY=${secret}\n`)
    writeFileSync(absoluteFile, `${secret}\n`)
  })
  afterAll(() => {
    rmSync(localFile, { force: true })
    rmSync(directory, { recursive: true, force: true })
  })

  it('rejects include, render and layout when the campaign is compiled, naming every field at once', () => {
    const local = basename(localFile)
    const error = thrown(() =>
      compileCampaignTemplates([
        step(`{% include '${local}' %}`, { subject: `{% render '${absoluteFile}' %}` }),
        step(`{% layout '${local}' %}Hi`, { subject: undefined, html: `<p>{% render '${relative(process.cwd(), absoluteFile)}' %}</p>` }),
        step('{% liquid\n  include file\n%}', { subject: undefined }),
        step(`Hi {%- include "${absoluteFile}" -%}`, { subject: undefined }),
      ]),
    )
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.issues.map((issue) => issue.path)).toEqual(['steps.0.subject', 'steps.0.text', 'steps.1.text', 'steps.1.html', 'steps.2.text', 'steps.3.text'])
    expect(error.issues.map((issue) => issue.message.match(/\{% (\w+) %\} tag is not allowed: templates cannot read files/)?.[1])).toEqual([
      'render',
      'include',
      'layout',
      'render',
      'include',
      'include',
    ])
    expect(error.message).not.toContain(secret)
  })

  it('createCampaign refuses a template that includes a file and stores nothing', async () => {
    const store = createMemoryStore()
    const client = createCamClient({ store })
    const error = await client
      .createCampaign({ name: 'Leaky', sender: { email: 'ana@sender.example' }, steps: [step(`Hi {% include '${basename(localFile)}' %}`)] })
      .catch((e: unknown) => e)
    expect(CamError.isInstance(error, 'TEMPLATE_INVALID')).toBe(true)
    expect((error as ValidationError).issues).toEqual([{ path: 'steps.0.text', message: expect.stringContaining('{% include %} tag is not allowed') }])
    expect(String((error as Error).message)).not.toContain(secret)
    expect(await client.listCampaigns()).toEqual([])
  })

  it('a file name taken from lead data cannot reach a file either', () => {
    // With dynamic partials the file name would come from the lead: the tag itself is refused.
    const error = thrown(() => renderFor('{% include file %}', { file: basename(localFile) }))
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.message).not.toContain(secret)
  })
})

describe('templates cannot reach the environment', () => {
  const secret = `env-secret-${randomUUID()}`
  beforeAll(() => {
    process.env.CAM_TEMPLATE_SANDBOX_SECRET = secret
  })
  afterAll(() => {
    delete process.env.CAM_TEMPLATE_SANDBOX_SECRET
  })

  it('sees only the lead, sender and unsubscribe values: no process, globals or prototype members', () => {
    const probes = [
      'process.env.CAM_TEMPLATE_SANDBOX_SECRET',
      'env.CAM_TEMPLATE_SANDBOX_SECRET',
      'global.process.env.CAM_TEMPLATE_SANDBOX_SECRET',
      'globalThis.process.env.CAM_TEMPLATE_SANDBOX_SECRET',
      'sender.constructor.name',
      'sender.email.constructor.name',
      'firstName.constructor',
      '__proto__.constructor',
    ]
    const { text } = renderFor(probes.map((probe) => `[{{ ${probe} | default: "-" }}]`).join(''))
    expect(text).toBe('[-]'.repeat(probes.length))
    expect(text).not.toContain(secret)
  })

  it('renders dates in UTC with English names, whatever the host time zone', () => {
    const hostZone = process.env.TZ
    process.env.TZ = 'Pacific/Auckland'
    try {
      expect(new Date('2026-03-02T23:30:00Z').getTimezoneOffset()).not.toBe(0) // the host zone really changed
      const { text } = renderFor('{{ at | date: "%Y-%m-%d %H:%M %z %A %B" }}', { at: '2026-03-02T23:30:00Z' })
      expect(text).toBe('2026-03-02 23:30 +0000 Monday March')
    } finally {
      if (hostZone === undefined) delete process.env.TZ
      else process.env.TZ = hostZone
    }
  })
})

describe('templates cannot freeze or crash the worker', () => {
  it('refuses at compile time a template that exceeds the time limit without any lead data', () => {
    const error = thrown(() => compileCampaignTemplates([step('{% for i in (1..100000) %}{% for j in (1..100000) %}x{% endfor %}{% endfor %}')]))
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.issues).toEqual([{ path: 'steps.0.text', message: expect.stringMatching(/^template exceeded the render (time|memory) limit .* even without lead data$/) }])
  })

  it('refuses at compile time a range of 10^9 (which would otherwise end the process)', () => {
    const error = thrown(() => compileCampaignTemplates([step('Hi', { subject: '{% for i in (1..1000000000) %}{% endfor %}' })]))
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.issues).toEqual([{ path: 'steps.0.subject', message: expect.stringContaining('template exceeded the render memory limit') }])
  })

  it('refuses a template longer than the length limit', () => {
    const error = thrown(() => compileCampaignTemplates([step('x'.repeat(500_001))]))
    expect(error.issues).toEqual([{ path: 'steps.0.text', message: 'template is 500001 characters long; at most 500000 are allowed' }])
  })

  it('stops a range driven by lead data at the memory limit, naming the field', () => {
    const error = thrown(() => renderFor('Hi {% for i in (1..n) %}.{% endfor %}', { n: '1000000000' }))
    expect(error.code).toBe('TEMPLATE_RENDER_LIMIT')
    expect(error.issues).toEqual([{ path: 'steps.0.text', message: expect.stringContaining('template exceeded the render memory limit (1,000,000 characters or items created per field)') }])
  })

  it('stops nested loops over lead data at the time limit — an error the send step retries, not a ValidationError (a stalled process runs out of time too)', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i).join(',')
    let error: unknown = null
    try {
      renderFor('{% assign list = items | split: "," %}{% for a in list %}{% for b in list %}{% for c in list %}{% endfor %}{% endfor %}{% endfor %}', { items })
    } catch (caught) {
      error = caught
    }
    expect(CamError.isInstance(error, 'TEMPLATE_RENDER_LIMIT')).toBe(true)
    expect(ValidationError.isInstance(error)).toBe(false)
    expect((error as Error).message).toMatch(/steps\.0\.text: template exceeded the render time limit \(250 ms per step\)/)
  })

  it('stops a string that doubles on every iteration at the memory limit', () => {
    const error = thrown(() => renderFor('{% assign s = seed %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}done', { seed: 'xxxxxxxxxx' }))
    expect(error.code).toBe('TEMPLATE_RENDER_LIMIT')
    expect(error.issues[0]?.message).toContain('render memory limit')
  })

  it('stops date padding (`%900000000d`) at the memory limit', () => {
    const error = thrown(() => renderFor('{{ "2026-01-01" | date: format }}', { format: '%900000000d' }))
    expect(error.code).toBe('TEMPLATE_RENDER_LIMIT')
    expect(error.issues[0]?.message).toContain('render memory limit')
  })

  it('refuses rendered output above the output limit', () => {
    const error = thrown(() => renderFor(`{% for i in (1..n) %}${'y'.repeat(1000)}{% endfor %}`, { n: '2000' }))
    expect(error.code).toBe('TEMPLATE_RENDER_LIMIT')
    expect(error.issues).toEqual([{ path: 'steps.0.text', message: 'template exceeded the output limit (1,000,000 characters per field)' }])
  })

  it('reports other render failures as permanent template errors naming the field', () => {
    const error = thrown(() => renderFor('{{ firstName | append }}'))
    expect(error.code).toBe('TEMPLATE_INVALID')
    expect(error.issues).toEqual([{ path: 'steps.0.text', message: expect.stringContaining('template failed to render: append expect 2 arguments') }])
  })
})

describe('real emails render as before', () => {
  // About 5 KB: greeting, loops over a handful of items, conditions, filters, an HTML body.
  const paragraph = 'We help teams like yours send fewer, better emails and hear back from the people who matter. '
  const text = [
    'Hi {{ firstName | default: "there" }},',
    '',
    '{% if company %}I noticed {{ company }} is growing{% else %}I noticed your team is growing{% endif %}. ' + paragraph.repeat(10),
    '{% assign tools = stack | split: "," %}{% for tool in tools %}- {{ tool | strip | capitalize }}{% unless forloop.last %}\n{% endunless %}{% endfor %}',
    '{% for i in (1..3) %}Point {{ i }}: {{ paragraph | truncate: 60 }}\n{% endfor %}',
    paragraph.repeat(30),
    'Best,\n{{ sender.name }}{% if unsubscribeUrl %}\nUnsubscribe: {{ unsubscribeUrl }}{% endif %}',
  ].join('\n')
  const html = `<p>Hi {{ firstName | default: "there" }},</p>${'<p>' + paragraph.repeat(10) + '</p>'}<ul>{% assign tools = stack | split: "," %}{% for tool in tools %}<li>{{ tool | strip }}</li>{% endfor %}</ul><p>{{ company | upcase }}</p>`
  const subject = 'Quick question about {{ company | default: "your team" }}, {{ firstName }}'
  const lead = { email: 'ana@prospect.example', firstName: 'Ana', lastName: 'Lopez', company: 'Acme & Sons', variables: { stack: 'hubspot, salesforce ,<b>pipedrive</b>', paragraph } }
  const campaign = { sender: { email: 'sam@sender.example', name: 'Sam' } }

  it('gives exactly what an unrestricted LiquidJS engine gives', () => {
    expect(text.length + html.length).toBeGreaterThan(5000)
    const context = templateContext(lead, campaign, { unsubscribeUrl: 'https://example.com/u?token=abc' })
    const rendered = renderStep(compileCampaignTemplates([{ subject, text, html, delayDays: 0 }]), 0, context)
    const plain = new Liquid({ strictFilters: true, ownPropertyOnly: true })
    const escaping = new Liquid({ strictFilters: true, ownPropertyOnly: true, outputEscape: 'escape' })
    expect(rendered).toEqual({
      subject: plain.parseAndRenderSync(subject, context),
      text: plain.parseAndRenderSync(text, context),
      html: escaping.parseAndRenderSync(html, context),
    })
    expect(rendered.subject).toBe('Quick question about Acme & Sons, Ana')
    expect(rendered.text).toContain('- Hubspot\n- Salesforce\n- <b>pipedrive</b>')
    expect(rendered.html).toContain('<li>&lt;b&gt;pipedrive&lt;/b&gt;</li>')
  })
})
