import { describe, expect, it } from 'vitest'
import { createCsrfTokens, crossSiteRefusal } from '../src/csrf.js'
import { escapeHtml, html, raw, toHtmlString } from '../src/html.js'

describe('the html tag', () => {
  it('escapes every interpolation as text, in text and in quoted attributes', () => {
    const hostile = `<img src=x onerror=alert(1)>"' & \``
    const out = toHtmlString(html`<p title="${hostile}">${hostile}</p>`)
    expect(out).toBe('<p title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39; &amp; &#96;">&lt;img src=x onerror=alert(1)&gt;&quot;&#39; &amp; &#96;</p>')
    expect(escapeHtml('a&b')).toBe('a&amp;b')
  })

  it('inserts nested templates and raw() fragments as markup, arrays joined, nothing for null/undefined/false', () => {
    const items = ['<a>', 'b'].map((item) => html`<li>${item}</li>`)
    expect(toHtmlString(html`<ul>${items}</ul>${null}${undefined}${false}${0}${raw('<br>')}`)).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>0<br>')
  })

  it('does not take an object that merely looks like markup for markup', () => {
    const forged = { value: '<script>alert(1)</script>' } as unknown as string
    expect(toHtmlString(html`${forged}`)).toBe('[object Object]')
  })
})

describe('CSRF tokens', () => {
  const tokens = createCsrfTokens('a-secret-of-at-least-thirty-two-characters')
  const now = new Date('2026-03-02T10:00:00Z')

  it('verify for the actor they were issued to, within 24 hours', () => {
    const token = tokens.issue('ana', now)
    expect(tokens.verify('ana', token, now)).toBe(true)
    expect(tokens.verify('ana', token, new Date(now.getTime() + 23.9 * 3600_000))).toBe(true)
    expect(tokens.verify('ana', token, new Date(now.getTime() + 24.1 * 3600_000))).toBe(false)
    expect(tokens.verify('bob', token, now)).toBe(false)
    expect(createCsrfTokens('another-secret-of-at-least-thirty-two-chars').verify('ana', token, now)).toBe(false)
  })

  it('refuse tampered, future-dated and malformed tokens', () => {
    const token = tokens.issue('ana', now)
    const [version, issuedAt, mac] = token.split('.')
    expect(tokens.verify('ana', `${version}.${Number(issuedAt) + 1}.${mac}`, now)).toBe(false)
    expect(tokens.verify('ana', tokens.issue('ana', new Date(now.getTime() + 3600_000)), now)).toBe(false)
    for (const bad of [null, undefined, '', 'v1..', `${token}x`, token.replace('v1', 'v2'), 'x'.repeat(500)]) expect(tokens.verify('ana', bad, now)).toBe(false)
  })

  it('a random key per instance when no secret is given: tokens of one are refused by another', () => {
    const token = createCsrfTokens(null).issue('ana', now)
    expect(createCsrfTokens(null).verify('ana', token, now)).toBe(false)
  })
})

describe('the same-origin check', () => {
  const post = (headers: Record<string, string>) => new Request('http://cam.internal:3000/admin/cam/x', { method: 'POST', headers })
  it('accepts same-origin, a matching Origin host (any scheme: TLS ends at a proxy), a trusted origin, and no header at all', () => {
    expect(crossSiteRefusal(post({ 'sec-fetch-site': 'same-origin' }), [])).toBeNull()
    expect(crossSiteRefusal(post({ origin: 'https://cam.internal:3000' }), [])).toBeNull()
    expect(crossSiteRefusal(post({ origin: 'https://ops.acme.io' }), ['https://ops.acme.io'])).toBeNull()
    expect(crossSiteRefusal(post({}), [])).toBeNull()
  })
  it('refuses cross-site, same-site (a sibling subdomain), another Origin and an opaque one', () => {
    expect(crossSiteRefusal(post({ 'sec-fetch-site': 'cross-site' }), [])).toMatch(/cross-site/)
    expect(crossSiteRefusal(post({ 'sec-fetch-site': 'same-site' }), [])).toMatch(/same-site/)
    expect(crossSiteRefusal(post({ origin: 'https://evil.example' }), [])).toMatch(/another site/)
    expect(crossSiteRefusal(post({ origin: 'null' }), [])).toMatch(/not a URL/)
  })
})
