"""The stylesheet of the HTML report (``rules.render.html``), inlined into every page.

Light and dark schemes through ``prefers-color-scheme``; colours chosen for WCAG AA contrast
(4.5:1 for text) on their backgrounds in both. No web fonts, no external resources: the system
font stacks and inline SVG only. Charts take their colours from the same custom properties, so
they follow the scheme too.
"""

from __future__ import annotations

STYLE = """
:root{color-scheme:light dark;
--bg:#f5f6f8;--surface:#fff;--sunken:#f0f2f5;--text:#1b1f24;--muted:#57606a;--border:#d5dae0;
--accent:#0a58b3;--track:#e6e9ee;--ex:#7d8590;
--critical:#b42318;--high:#bc4c00;--medium:#8a5d00;--low:#0a58b3;--info:#57606a;
--critical-bg:#fdecea;--high-bg:#fff1e5;--medium-bg:#fdf6dd;--low-bg:#e8f1fc;--info-bg:#eef0f3;
--a:#1a7f37;--b:#0f7085;--c:#8a5d00;--d:#bc4c00;--f:#b42318;
--a-fill:#2da44e;--b-fill:#1b95a8;--c-fill:#bf8700;--d-fill:#e0661b;--f-fill:#cf222e;
--pass:#116329;--pass-bg:#dcf5e3;--fail:#a40e26;--fail-bg:#fde7e9;--warn:#7a4d00;--warn-bg:#fdf1d6;
--shadow:0 1px 2px rgba(27,31,36,.06),0 1px 8px rgba(27,31,36,.04)}
@media (prefers-color-scheme:dark){:root{
--bg:#0d1117;--surface:#161b22;--sunken:#1c2129;--text:#e6edf3;--muted:#9ba5b0;--border:#30363d;
--accent:#6cb6ff;--track:#262c36;--ex:#768390;
--critical:#ff8078;--high:#f0883e;--medium:#e3b341;--low:#6cb6ff;--info:#9ba5b0;
--critical-bg:#3a1618;--high-bg:#3a2213;--medium-bg:#332a10;--low-bg:#132a45;--info-bg:#23282f;
--a:#4ac26b;--b:#3ec6d6;--c:#e3b341;--d:#f0883e;--f:#ff8078;
--a-fill:#3fb950;--b-fill:#39b8c6;--c-fill:#d29922;--d-fill:#e8803a;--f-fill:#f26d64;
--pass:#4ac26b;--pass-bg:#12301c;--fail:#ff8078;--fail-bg:#3a1618;--warn:#e3b341;--warn-bg:#332a10;
--shadow:none}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);
font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;
font-size:.86em}
code{background:var(--sunken);border:1px solid var(--border);border-radius:4px;padding:0 .3em;
overflow-wrap:anywhere}
a{color:var(--accent)}
a:focus-visible,summary:focus-visible,input:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
h1,h2,h3,h4{line-height:1.25;margin:0}
.wrap{max-width:70rem;margin:0 auto;padding:0 1.25rem}
.skip{position:absolute;left:-999px;top:0;background:var(--surface);padding:.5rem 1rem}
.skip:focus{left:1rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.muted{color:var(--muted)}
.top{border-bottom:1px solid var(--border);background:var(--surface)}
.top .wrap{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline;justify-content:space-between;
padding-top:.7rem;padding-bottom:.7rem}
.brand{font-weight:700;letter-spacing:.01em}
.brand span{color:var(--muted);font-weight:400}
.top .meta{color:var(--muted);font-size:.87rem}
main{display:block;padding-bottom:2rem}
main>section,main>aside,.pair{margin-top:1.25rem}
.card{background:var(--surface);border:1px solid var(--border);border-radius:12px;padding:1.25rem 1.4rem;
box-shadow:var(--shadow)}
.card>h2{font-size:1.15rem;margin-bottom:.8rem}
.hero{border-top:5px solid var(--verdict);display:grid;grid-template-columns:auto 1fr;gap:1.75rem;
align-items:center;margin-top:1.5rem}
.ring{width:9.5rem;height:9.5rem;display:block}
.ring .track{fill:none;stroke:var(--track);stroke-width:12}
.ring .value{fill:none;stroke:var(--band-fill);stroke-width:12;stroke-linecap:round}
.ring .letter{font-size:44px;font-weight:800;fill:var(--text)}
.ring .letter.long{font-size:24px}
.ring .of{font-size:14px;fill:var(--muted)}
.eyebrow{margin:0 0 .2rem;color:var(--muted);font-size:.8rem;letter-spacing:.06em;text-transform:uppercase;
font-weight:600}
.hero h1{font-size:1.9rem;font-weight:750}
.hero h1 .score{font-weight:500;color:var(--muted)}
.change{display:inline-block;font-size:.95rem;font-weight:600;vertical-align:middle;margin-left:.4rem;
padding:.1rem .5rem;border-radius:999px;background:var(--sunken)}
.change.up{color:var(--pass)}.change.down{color:var(--fail)}
.gate{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .8rem;margin:.7rem 0 .3rem}
.pill{display:inline-flex;align-items:center;gap:.35rem;font-weight:700;padding:.22rem .75rem;
border-radius:999px;font-size:.92rem}
.hero.passed{--verdict:var(--pass)}.hero.failed{--verdict:var(--fail)}.hero.overridden{--verdict:var(--warn)}
.pill.pass{color:var(--pass);background:var(--pass-bg)}
.pill.fail{color:var(--fail);background:var(--fail-bg)}
.pill.warn{color:var(--warn);background:var(--warn-bg)}
.policy{color:var(--muted);font-size:.87rem}
.reasons{margin:.3rem 0 .6rem;padding-left:1.2rem}
.reasons li{margin:.1rem 0;overflow-wrap:anywhere}
.summary{margin:.4rem 0 .6rem;max-width:52rem}
.facts{display:flex;flex-wrap:wrap;gap:.4rem .5rem;margin:0;padding:0;list-style:none;align-items:center}
.chip{display:inline-flex;align-items:center;gap:.35rem;padding:.12rem .6rem;border-radius:999px;
font-size:.85rem;font-weight:600;background:var(--sunken);color:var(--text);white-space:nowrap}
.chip.plain{font-weight:500;color:var(--muted)}
.dot{width:.6rem;height:.6rem;border-radius:50%;background:currentColor;display:inline-block}
.sev-critical{--sev:var(--critical);--sev-bg:var(--critical-bg)}
.sev-high{--sev:var(--high);--sev-bg:var(--high-bg)}
.sev-medium{--sev:var(--medium);--sev-bg:var(--medium-bg)}
.sev-low{--sev:var(--low);--sev-bg:var(--low-bg)}
.sev-info{--sev:var(--info);--sev-bg:var(--info-bg)}
.chip[class*=sev-]{color:var(--sev);background:var(--sev-bg)}
.notes{border-left:4px solid var(--accent);background:var(--surface);border-radius:8px;padding:.8rem 1.1rem}
.notes h2{font-size:1rem;margin-bottom:.3rem}
.notes ul{margin:0;padding-left:1.2rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.93rem}
th,td{text-align:left;padding:.5rem .6rem;border-bottom:1px solid var(--border);vertical-align:middle}
thead th{font-size:.78rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600}
tfoot th,tfoot td{border-bottom:0;font-weight:700}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.overview .task-name a{font-weight:600;text-decoration:none}
.overview .task-name a:hover{text-decoration:underline}
.overview .task-name .path{display:block;font-weight:400;color:var(--muted);font-size:.8rem}
.scorecell{display:flex;align-items:center;gap:.5rem;white-space:nowrap;font-variant-numeric:tabular-nums}
.minibar{width:6rem;height:.5rem;flex:none}
.minibar .track{fill:var(--track)}
.grade{display:inline-grid;place-items:center;min-width:2.2rem;height:1.7rem;padding:0 .35rem;border-radius:6px;
font-weight:800;color:#fff;background:var(--band);font-size:.9rem}
.band-a{--band:var(--a);--band-fill:var(--a-fill)}.band-b{--band:var(--b);--band-fill:var(--b-fill)}
.band-c{--band:var(--c);--band-fill:var(--c-fill)}.band-d{--band:var(--d);--band-fill:var(--d-fill)}
.band-f{--band:var(--f);--band-fill:var(--f-fill)}
@media (prefers-color-scheme:dark){.grade{color:#0d1117}}
.fill{fill:var(--band-fill)}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1.25rem;align-items:start}
.pair>section{margin:0}
.marks{list-style:none;margin:0;padding:0}
.marks li{position:relative;padding:.35rem 0 .35rem 1.7rem;border-top:1px solid var(--border);overflow-wrap:anywhere}
.marks li:first-child{border-top:0}
.marks li::before{position:absolute;left:0;top:.35rem;width:1.2rem;text-align:center;font-weight:800}
.marks.good li::before{content:"\\2713";color:var(--pass)}
.marks.bad li::before{content:"\\2717";color:var(--fail)}
.marks .who{font-weight:600}
.marks .where{color:var(--muted);font-size:.85rem}
.task{margin-top:1.5rem;scroll-margin-top:1rem}
.task-head{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem 1rem;padding-bottom:1rem;
border-bottom:1px solid var(--border)}
.task-head .grade{font-size:1.35rem;height:2.7rem;min-width:3.1rem;border-radius:10px}
.task-head h2{font-size:1.35rem;overflow-wrap:anywhere}
.task-head .path{margin:.1rem 0 0;color:var(--muted);font-size:.85rem;overflow-wrap:anywhere}
.task-head .title{flex:1 1 16rem;min-width:0}
.task-head .tally{text-align:right;font-variant-numeric:tabular-nums}
.task-head .tally b{font-size:1.5rem}
.tag{display:inline-block;font-size:.72rem;font-weight:700;text-transform:uppercase;letter-spacing:.05em;
padding:.05rem .45rem;border-radius:4px;background:var(--sunken);color:var(--muted);vertical-align:middle}
.tag.new{background:var(--low-bg);color:var(--low)}
.task-body{display:grid;grid-template-columns:minmax(0,30rem) minmax(0,1fr);gap:1.5rem 2.5rem;margin-top:1rem}
.chart{margin:0}
.chart svg{width:100%;height:auto;display:block}
.chart figcaption{color:var(--muted);font-size:.85rem;margin-top:.4rem}
.chart text{fill:var(--text);font-size:13px}
.chart .val{font-weight:700;font-variant-numeric:tabular-nums}
.chart .exv,.chart .legend text{fill:var(--muted);font-size:12px}
.chart .track{fill:var(--track)}
.chart .missing{fill:none;stroke:var(--f);stroke-dasharray:4 3}
.chart .ex{fill:var(--ex)}
.chart .rule{stroke:var(--border)}
.chart .total{font-weight:700}
.glance{margin:0;display:grid;grid-template-columns:auto 1fr;gap:.45rem .9rem;align-content:start;font-size:.92rem}
.glance dt{color:var(--muted)}
.glance dd{margin:0;overflow-wrap:anywhere}
.file-missing{color:var(--fail);font-weight:600}
.task h3{font-size:1.05rem;margin:1.5rem 0 .6rem}
.sev-group{margin:.5rem 0}
.sev-group>summary{cursor:pointer;padding:.3rem 0;list-style-position:inside}
.sev-group>summary h4{display:inline;font-size:.95rem;color:var(--sev)}
.sev-group>summary .count{color:var(--muted);font-weight:500}
.findings{list-style:none;margin:.3rem 0 0;padding:0;display:grid;gap:.55rem}
.finding{border:1px solid var(--border);border-left:4px solid var(--sev);border-radius:8px;padding:.6rem .85rem;
background:var(--surface)}
.f-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.2rem .55rem}
.rule-code{font-weight:700;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;
font-size:.85rem}
.f-name{color:var(--muted);font-size:.88rem}
.loc{margin-left:auto;font-size:.85rem;overflow-wrap:anywhere}
.f-msg{margin:.3rem 0 .2rem;overflow-wrap:anywhere}
.f-fix{margin:0;color:var(--muted);font-size:.92rem;overflow-wrap:anywhere}
.f-fix .label,.c-meta .label{font-weight:700;color:var(--text)}
.effort{white-space:nowrap;color:var(--muted);font-variant-numeric:tabular-nums}
.checklist{list-style:none;margin:0;padding:0;border:1px solid var(--border);border-radius:8px}
.checklist li{padding:.55rem .85rem;border-top:1px solid var(--border)}
.checklist li:first-child{border-top:0}
.checklist label{display:flex;gap:.6rem;align-items:flex-start;cursor:pointer}
.checklist input{margin:.3rem 0 0;width:1rem;height:1rem;flex:none;accent-color:var(--accent)}
.checklist input:checked+span{text-decoration:line-through;color:var(--muted)}
.c-meta{display:block;margin:.15rem 0 0 1.6rem;color:var(--muted);font-size:.85rem;overflow-wrap:anywhere}
.c-total{display:flex;justify-content:space-between;gap:1rem;padding:.55rem .85rem;background:var(--sunken);
border-radius:0 0 8px 8px;font-weight:600}
.scaffold{border:1px solid var(--border);border-radius:8px;margin:.5rem 0;background:var(--sunken)}
.scaffold>summary{cursor:pointer;padding:.55rem .85rem;font-weight:600}
.scaffold pre{margin:0;padding:.8rem .95rem;overflow-x:auto;border-top:1px solid var(--border);
background:var(--surface);border-radius:0 0 8px 8px;white-space:pre}
.scaffold pre code{background:none;border:0;padding:0;font-size:.85rem}
.delta-line{margin:.2rem 0 .8rem}
.fixed-list li{color:var(--muted)}
.fixed-list s{color:var(--text)}
.foot{color:var(--muted);font-size:.82rem;padding:1.5rem 1.25rem 2.5rem;border-top:1px solid var(--border);
margin-top:2rem}
.foot p{margin:.2rem 0;overflow-wrap:anywhere}
@media (max-width:760px){
.hero{grid-template-columns:1fr;justify-items:start;gap:1rem}
.ring{width:7.5rem;height:7.5rem}
.hero h1{font-size:1.5rem}
.pair,.task-body{grid-template-columns:1fr}
.card{padding:1rem}
.task-head .tally{text-align:left}
.loc{margin-left:0;flex-basis:100%}
.overview .minibar{display:none}
.chart text{font-size:15px}.chart .exv,.chart .legend text{font-size:14px}
}
@media print{body{background:#fff}.card{box-shadow:none}.skip{display:none}}
"""
