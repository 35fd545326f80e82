/** The dashboard's only stylesheet, inlined (no network). Contrast ≥ 4.5:1 for text. */
export const DASHBOARD_CSS = `
:root {
  --ink: #1b2430; --muted: #4f5b69; --line: #d5dbe3; --paper: #ffffff; --canvas: #f3f5f8;
  --brand: #12355b; --brand-ink: #ffffff; --accent: #0072b2; --focus: #e69f00;
  --ok: #1e6b3a; --ok-bg: #e3f3e8; --warn: #7a4b00; --warn-bg: #fdf0d5; --bad: #9b1c1c; --bad-bg: #fde2e2;
}
* { box-sizing: border-box; }
html { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink); background: var(--canvas); }
body { margin: 0; line-height: 1.45; font-size: 15px; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; }
.skip:focus { left: 8px; top: 8px; background: var(--paper); padding: 8px 12px; z-index: 10; }
header.top { background: var(--brand); color: var(--brand-ink); }
header.top .bar { max-width: 1200px; margin: 0 auto; padding: 12px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header.top h1 { font-size: 20px; margin: 0; font-weight: 700; }
header.top .brand { font-weight: 700; letter-spacing: .02em; background: var(--brand-ink); color: var(--brand); border-radius: 6px; padding: 2px 8px; }
header.top .viewer { margin-left: auto; font-size: 13px; opacity: .92; }
header.top nav a { color: var(--brand-ink); font-weight: 600; border: 1px solid rgba(255,255,255,.6); border-radius: 6px; padding: 4px 10px; text-decoration: none; }
header.top nav a:hover { background: rgba(255,255,255,.14); }
main { max-width: 1200px; margin: 0 auto; padding: 16px 20px 40px; }
form.filters { display: flex; gap: 12px; align-items: end; flex-wrap: wrap; background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
form.filters label { display: grid; gap: 4px; font-size: 13px; color: var(--muted); font-weight: 600; }
form.filters select { font: inherit; padding: 6px 8px; border: 1px solid #8a96a3; border-radius: 6px; background: var(--paper); color: var(--ink); min-width: 12em; }
form.filters button { font: inherit; font-weight: 600; padding: 7px 16px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin: 16px 0; padding: 0; list-style: none; }
.kpis li { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.kpis .label { display: block; font-size: 13px; color: var(--muted); }
.kpis .value { display: block; font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
section.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; margin-bottom: 16px; }
section.card h2 { font-size: 17px; margin: 0 0 4px; color: var(--brand); }
section.card p.caption { margin: 0 0 8px; color: var(--muted); font-size: 13px; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
details { margin-top: 8px; font-size: 13px; }
details summary { cursor: pointer; color: var(--accent); font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #e8eef5; color: var(--ink); font-weight: 700; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #f8fafc; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 700; white-space: nowrap; }
.badge.open { background: var(--bad-bg); color: var(--bad); }
.badge.under_review { background: var(--warn-bg); color: var(--warn); }
.badge.resolved { background: var(--ok-bg); color: var(--ok); }
.neg { color: var(--bad); }
ul.downloads { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
ul.downloads li { display: flex; gap: 10px; flex-wrap: wrap; align-items: baseline; border-bottom: 1px solid var(--line); padding: 6px 0; }
ul.downloads .who { font-weight: 600; min-width: 16em; }
ul.downloads a { font-size: 13.5px; font-weight: 600; border: 1px solid var(--accent); border-radius: 6px; padding: 2px 8px; text-decoration: none; }
ul.downloads a:hover { background: #e6f1f8; }
p.note { color: var(--muted); font-size: 12.5px; }
.empty { color: var(--muted); font-style: italic; }
`;
