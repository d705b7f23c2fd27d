import { createHash } from 'node:crypto'

/**
 * The dashboard's only stylesheet, served by the dashboard itself (`<basePath>/assets/…`) so
 * the Content-Security-Policy can say `style-src 'self'`: no inline style, no CDN.
 */
export const stylesheet = `
:root { --fg:#1d2330; --muted:#5d6675; --line:#dfe3ea; --bg:#f6f7f9; --card:#fff; --accent:#2f5fd0; --ok:#1c7c4a; --warn:#b7791f; --bad:#c0392b; color-scheme: light; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
header.top { background:#172036; color:#fff; padding:0 1.25rem; display:flex; align-items:center; gap:1.5rem; flex-wrap:wrap; }
header.top .brand { font-weight:700; letter-spacing:.02em; padding:.75rem 0; color:#fff; }
header.top nav a { color:#c9d3ea; padding:.75rem .5rem; display:inline-block; }
header.top nav a.current { color:#fff; border-bottom:2px solid #7fa2ff; }
header.top .actor { margin-left:auto; color:#9fb0d6; font-size:12px; }
main { padding:1.25rem; max-width:1280px; margin:0 auto; }
h1 { font-size:20px; margin:.25rem 0 1rem; } h2 { font-size:16px; margin:1.5rem 0 .5rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1rem; overflow-x:auto; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:.4rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
.muted { color:var(--muted); } .small { font-size:12px; }
.badge { display:inline-block; padding:.05rem .45rem; border-radius:999px; font-size:12px; background:#eef1f6; border:1px solid var(--line); white-space:nowrap; }
.badge.active, .badge.delivered, .badge.positive, .badge.ok, .badge.interested, .badge.sent { background:#e5f5ec; border-color:#b9e2c9; color:var(--ok); }
.badge.paused, .badge.pending, .badge.delivering, .badge.question, .badge.out_of_office { background:#fdf3e1; border-color:#f0d6a6; color:var(--warn); }
.badge.bad, .badge.negative, .badge.bounce, .badge.complaint, .badge.unsubscribe, .badge.failed, .badge.quarantined, .badge.not_interested, .badge.unsubscribed, .badge.bounced, .badge.in_doubt, .badge.cancelled { background:#fbeaea; border-color:#efc2bd; color:var(--bad); }
.over { color:var(--bad); font-weight:600; }
.funnel { display:flex; gap:.5rem; flex-wrap:wrap; }
.funnel .stage { flex:1 1 8rem; background:#f1f4fa; border:1px solid var(--line); border-radius:6px; padding:.5rem .75rem; }
.funnel .stage .value { font-size:20px; font-weight:700; font-variant-numeric: tabular-nums; }
.funnel .stage .label { font-size:12px; color:var(--muted); }
.reply-text { min-width:18rem; white-space:pre-wrap; word-break:break-word; max-width:48rem; background:#fafbfc; border-left:3px solid var(--line); padding:.4rem .6rem; margin:.25rem 0; }
form.inline { display:inline-flex; gap:.35rem; align-items:center; margin:0; flex-wrap:wrap; }
form.stack { display:flex; gap:.5rem; align-items:flex-end; flex-wrap:wrap; }
label { font-size:12px; color:var(--muted); display:flex; flex-direction:column; gap:.15rem; }
input[type=text], input[type=email], input[type=search], select { font:inherit; padding:.3rem .45rem; border:1px solid #c7cdd8; border-radius:5px; background:#fff; min-width:10rem; }
button { font:inherit; padding:.3rem .7rem; border-radius:5px; border:1px solid #b8c2d6; background:#fff; cursor:pointer; }
button:hover { background:#eef2fb; } button.primary { background:var(--accent); color:#fff; border-color:var(--accent); }
button.danger { color:var(--bad); border-color:#e3b1ab; }
.notice { background:#e8f0ff; border:1px solid #bcd0fb; padding:.6rem .8rem; border-radius:6px; margin-bottom:1rem; }
.error { background:#fbeaea; border:1px solid #efc2bd; padding:.6rem .8rem; border-radius:6px; margin-bottom:1rem; }
.pager { display:flex; gap:1rem; margin-top:.75rem; }
.filters { display:flex; gap:.4rem; flex-wrap:wrap; margin-bottom:.75rem; }
.filters a { padding:.15rem .55rem; border:1px solid var(--line); border-radius:999px; background:#fff; }
.filters a.current { background:var(--accent); color:#fff; border-color:var(--accent); }
svg.chart { width:100%; height:auto; max-width:900px; display:block; }
svg.chart text { font-size:11px; fill:var(--muted); }
.legend { display:flex; gap:1rem; font-size:12px; color:var(--muted); margin-top:.25rem; flex-wrap:wrap; }
.swatch { display:inline-block; width:.8rem; height:.8rem; border-radius:2px; vertical-align:-1px; margin-right:.3rem; }
.swatch.sent { background:#2f5fd0; } .swatch.replied { background:#1c7c4a; } .swatch.bounced { background:#c0392b; }
.swatch.positive { background:#27ae60; } .swatch.negative { background:#8e44ad; } .swatch.other { background:#95a5a6; }
.grid { display:grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap:1rem; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.2rem 1rem; margin:0; } dl.facts dt { color:var(--muted); }
`.trim()

/** File name with a content hash: cached for a year, replaced by a new name when it changes. */
export const stylesheetFileName = `dashboard-${createHash('sha256').update(stylesheet).digest('hex').slice(0, 12)}.css`
