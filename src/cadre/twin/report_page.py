"""The page around the charts: style sheet, print rules and the small script that resizes charts to print."""

from __future__ import annotations

__all__ = ["PAGE", "SCRIPT", "STYLE"]

STYLE = """
:root {
  --ink: #222; --muted: #5c5b55; --rule: #d9d6cc; --paper: #fbfaf6; --card: #fff;
  --accent: #1f4e79; --outside: #9b2c2c; --outside-bg: #fbeceb; --inside-bg: #eef5ef; --inside: #2f6b45;
  --serif: Georgia, 'Iowan Old Style', 'Palatino Linotype', 'Book Antiqua', Palatino, 'DejaVu Serif', serif;
  --sans: 'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif;
}
* { box-sizing: border-box; }
html { background: var(--paper); }
body { margin: 0 auto; max-width: 1180px; padding: 2.2rem 2rem 4rem; color: var(--ink);
  font: 17px/1.55 var(--serif); font-variant-numeric: lining-nums; }
a { color: var(--accent); }
header.masthead { border-bottom: 3px double var(--ink); padding-bottom: 1.2rem; margin-bottom: 1.6rem; }
.kicker { font: 600 0.78rem/1 var(--sans); letter-spacing: 0.14em; text-transform: uppercase; color: var(--muted); }
h1 { font-size: 2.35rem; line-height: 1.15; font-weight: normal; margin: 0.45rem 0 0.5rem; text-wrap: balance; }
h2 { font-size: 1.55rem; font-weight: normal; border-bottom: 1px solid var(--rule); padding-bottom: 0.3rem;
  margin: 3rem 0 1rem; }
h2 .secnum { color: var(--muted); margin-right: 0.4rem; }
h3 { font-size: 1.18rem; margin: 0 0 0.6rem; font-weight: bold; }
h3 .fignum { font-weight: normal; color: var(--muted); margin-right: 0.3rem; }
.lead { font-size: 1.1rem; margin: 0 0 1rem; max-width: 52rem; }
.runs { border-collapse: collapse; font: 0.95rem/1.4 var(--sans); margin: 0.6rem 0 0; }
.runs th, .runs td { text-align: left; padding: 0.3rem 1.2rem 0.3rem 0; border-bottom: 1px solid var(--rule); }
.runs td.num, .runs th.num { text-align: right; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px; margin-right: 0.45em;
  vertical-align: -0.05em; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.readfirst { background: var(--card); border: 1px solid var(--rule); border-left: 4px solid var(--ink);
  padding: 0.9rem 1.2rem; margin: 1.4rem 0 0; max-width: 60rem; }
.readfirst p { margin: 0.3rem 0; }
.readfirst .key { font: 0.9rem/1.5 var(--sans); color: var(--muted); }
.rec { color: #111; font-size: 1.05em; }
nav.toc { font: 0.92rem/1.5 var(--sans); columns: 2; column-gap: 2.5rem; margin: 1.6rem 0 0; }
nav.toc h2 { column-span: all; font: 600 0.78rem/1 var(--sans); letter-spacing: 0.14em; text-transform: uppercase;
  color: var(--muted); border: 0; margin: 0 0 0.6rem; padding: 0; }
nav.toc ol { margin: 0; padding-left: 1.3rem; }
nav.toc li { break-inside: avoid; }
nav.toc ol ol { list-style: none; padding-left: 0.4rem; color: var(--muted); }
figure.chart { background: var(--card); border: 1px solid var(--rule); border-radius: 3px; margin: 0 0 1.8rem;
  padding: 1.1rem 1.2rem 0.9rem; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 0.95rem; color: var(--muted); max-width: 62rem; margin-top: 0.5rem; }
figcaption .note { font: italic 0.85rem/1.4 var(--sans); color: var(--muted); margin: 0.35rem 0 0; }
.nodata { border: 1px dashed var(--rule); padding: 2.5rem 1rem; text-align: center; color: var(--muted);
  font: 1rem var(--sans); }
details { margin-top: 0.6rem; font: 0.85rem/1.4 var(--sans); }
details summary { cursor: pointer; color: var(--accent); }
details .scroll { max-height: 22rem; overflow: auto; margin-top: 0.4rem; }
table { border-collapse: collapse; }
table.comparison { font: 0.9rem/1.35 var(--sans); width: 100%; }
table.data { font: 0.85rem/1.35 var(--sans); min-width: 50%; }
table.data th { font-weight: normal; }
table.data thead th { font-weight: 600; border-bottom: 1px solid var(--ink); }
table.glance { font: 0.9rem/1.35 var(--sans); margin-top: 1.6rem; min-width: 38rem; }
table.data th, table.data td { padding: 0.2rem 1.2rem 0.2rem 0; border-bottom: 1px solid #eee; text-align: left; }
table.glance caption { caption-side: top; text-align: left; color: var(--muted); font-size: 0.9rem;
  padding-bottom: 0.5rem; font-family: var(--serif); }
table.glance th, table.glance td, table.comparison th, table.comparison td { padding: 0.45rem 0.8rem;
  border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
table.glance thead th, table.comparison thead th { border-bottom: 2px solid var(--ink); font-weight: 600;
  vertical-align: bottom; }
table.glance tbody th, table.comparison tbody th { font-weight: normal; }
.num { text-align: right !important; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.record { font-weight: 600; }
td.none { color: #9a988f; font-style: italic; font-weight: normal; }
td.missing { color: #9a988f; font-style: italic; }
.ci { display: block; font-size: 0.8rem; color: var(--muted); }
.summary { font-size: 1rem; }
tr.outside td, tr.outside th { background: var(--outside-bg); }
tr.outside td.record { color: var(--outside); }
.badge { font: 600 0.75rem/1 var(--sans); padding: 0.2rem 0.45rem; border-radius: 2px; letter-spacing: 0.03em;
  white-space: nowrap; }
.badge.inside { color: var(--inside); background: var(--inside-bg); }
.badge.outside { color: #fff; background: var(--outside); }
.badge.nointerval { color: var(--muted); background: #f0efe9; }
code { font-size: 0.85em; }
footer { margin-top: 3rem; border-top: 1px solid var(--rule); padding-top: 0.8rem; font: 0.85rem/1.5 var(--sans);
  color: var(--muted); }
@media (max-width: 760px) { body { padding: 1rem; } nav.toc { columns: 1; } h1 { font-size: 1.8rem; } }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  html, body { background: #fff; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.toc, details, .modebar-container { display: none !important; }
  figure.chart { border: 0; padding: 0; margin-bottom: 1rem; }
  h2 { break-before: page; margin-top: 0; }
  h2.first { break-before: auto; }
  a { color: inherit; text-decoration: none; }
}
"""

# Plotly draws charts at the width of the window; a printed page is narrower, so charts are resized around
# printing and again afterwards.
SCRIPT = """
(function () {
  function resize() {
    document.querySelectorAll('.js-plotly-plot').forEach(function (el) { Plotly.Plots.resize(el); });
  }
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cadre twin report">
<title>{title}</title>
<style>{style}</style>
<script>{plotlyjs}</script>
</head>
<body>
{body}
<script>{script}</script>
</body>
</html>
"""
