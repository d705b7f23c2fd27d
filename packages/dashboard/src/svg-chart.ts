import { html, type SafeHtml } from './html.js'

/** One series of a {@link barChart}: a value per day. */
export interface ChartSeries {
  key: string
  label: string
  /** Fill colour (an SVG presentation attribute, not a style: fine under the CSP). */
  color: string
  values: readonly number[]
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** Accessible title of the chart. */
  title: string
  /** `YYYY-MM-DD` labels, one per bar group. */
  days: readonly string[]
  series: readonly ChartSeries[]
  /** Stack the series in one bar per day (default: side by side). */
  stacked?: boolean
  /** Test hook. */
  name: string
}

const width = 760
const height = 220
const margin = { top: 12, right: 12, bottom: 28, left: 44 }

/** A round upper bound for the axis: 1, 2, 5 × 10ⁿ. */
function niceMax(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

const round = (value: number) => Math.round(value * 10) / 10

/**
 * A bar chart as inline SVG (no script, no external file): per day, the series side by side
 * or stacked, each bar with a `<title>` that browsers show on hover, the y axis with three
 * gridlines, every few days labelled. Values are numbers only, so nothing here needs escaping
 * but the labels, which the `html` tag escapes.
 */
export function barChart(options: BarChartOptions): SafeHtml {
  const { days, series } = options
  const stacked = options.stacked ?? false
  const totals = days.map((_, index) => (stacked ? series.reduce((sum, s) => sum + (s.values[index] ?? 0), 0) : Math.max(0, ...series.map((s) => s.values[index] ?? 0))))
  const max = niceMax(Math.max(0, ...totals))
  const plotWidth = width - margin.left - margin.right
  const plotHeight = height - margin.top - margin.bottom
  const slot = plotWidth / Math.max(1, days.length)
  const barGap = Math.min(4, slot * 0.2)
  const y = (value: number) => margin.top + plotHeight - (value / max) * plotHeight
  const labelEvery = Math.max(1, Math.ceil(days.length / 10))

  const grid = [0, 0.5, 1].map((fraction) => {
    const value = max * fraction
    return html`<line x1="${margin.left}" x2="${width - margin.right}" y1="${round(y(value))}" y2="${round(y(value))}" stroke="#dfe3ea" stroke-width="1"/><text x="${margin.left - 6}" y="${round(y(value) + 4)}" text-anchor="end">${Number.isInteger(value) ? value : value.toFixed(1)}</text>`
  })
  const bars = days.map((day, index) => {
    const x0 = margin.left + index * slot + barGap / 2
    const available = slot - barGap
    let stackBase = 0
    const rects = series.map((s, seriesIndex) => {
      const value = s.values[index] ?? 0
      if (value <= 0) return html``
      let x: number
      let barWidth: number
      let top: number
      let barHeight: number
      if (stacked) {
        x = x0
        barWidth = available
        top = y(stackBase + value)
        barHeight = y(stackBase) - top
        stackBase += value
      } else {
        barWidth = available / series.length
        x = x0 + seriesIndex * barWidth
        top = y(value)
        barHeight = y(0) - top
      }
      return html`<rect x="${round(x)}" y="${round(top)}" width="${round(Math.max(0.5, barWidth))}" height="${round(Math.max(0.5, barHeight))}" fill="${s.color}"><title>${day}: ${value} ${s.label}</title></rect>`
    })
    const label = index % labelEvery === 0 ? html`<text x="${round(margin.left + index * slot + slot / 2)}" y="${height - 10}" text-anchor="middle">${day.slice(5)}</text>` : ''
    return html`<g>${rects}${label}</g>`
  })
  return html`<figure class="chart-figure" data-chart="${options.name}">
<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${options.title}" xmlns="http://www.w3.org/2000/svg"><title>${options.title}</title>
${grid}<line x1="${margin.left}" x2="${width - margin.right}" y1="${round(y(0))}" y2="${round(y(0))}" stroke="#9aa3b2" stroke-width="1"/>${bars}</svg>
<figcaption class="legend">${series.map((s) => html`<span><svg width="11" height="11" aria-hidden="true"><rect width="11" height="11" rx="2" fill="${s.color}"/></svg> ${s.label}</span>`)}</figcaption></figure>`
}
