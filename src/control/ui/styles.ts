/** The dashboard's stylesheet. Colours keep a contrast of at least 4.5:1 on their backgrounds (WCAG AA);
 *  focus is always visible; below 60rem everything stacks in one column. */
export const STYLES = `
:root{color-scheme:light;--fg:#1b1f24;--muted:#4d5661;--line:#c9d1d9;--bg:#f4f6f8;--card:#fff;--accent:#0b5cad;
--ok:#116329;--ok-bg:#dcf5e3;--warn:#6b4500;--warn-bg:#fff1c7;--bad:#a40e26;--bad-bg:#ffe3e6;--info:#3b2a8c;--info-bg:#ece8ff}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.15rem;margin:0}h2{font-size:1.05rem;margin:0 0 .5rem}h3{font-size:1rem;margin:.25rem 0 .5rem}h4{font-size:.92rem;margin:.75rem 0 .3rem}
.mono,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.muted{color:var(--muted)}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.4rem}.skip:focus{left:.5rem;z-index:10}
.top{display:flex;flex-wrap:wrap;align-items:end;gap:.5rem 1.25rem;padding:.6rem 1rem;background:#1b2a3a;color:#fff}
.top h1{align-self:center}
.top label{color:#dbe7f5}
.top a{color:#cfe3ff;align-self:center}
main{padding:.75rem 1rem 2rem;display:grid;gap:1rem;max-width:110rem;margin:0 auto}
.row{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.3fr);gap:1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(24rem,1fr));gap:1rem;align-items:start}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem .9rem;min-width:0}
.field{display:flex;flex-direction:column;gap:.1rem}
.field label{font-size:.8rem;font-weight:600}
.hint{font-size:.75rem;color:var(--muted)}
.top .hint{color:#dbe7f5}
.inline{display:flex;flex-wrap:wrap;align-items:end;gap:.4rem .6rem;margin:.4rem 0}
.grid-form{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));gap:.4rem .6rem;align-items:end;margin-top:.6rem}
.buttons{display:flex;flex-wrap:wrap;gap:.4rem;margin:.4rem 0}
input,select,textarea,button{font:inherit;color:var(--fg)}
input,select,textarea{border:1px solid #8c959f;border-radius:4px;padding:.3rem .4rem;background:#fff;max-width:100%}
textarea{width:100%}
button{border:1px solid #0a4d91;background:var(--accent);color:#fff;border-radius:4px;padding:.3rem .7rem;cursor:pointer;min-height:2rem}
button:hover{background:#094b8d}
button.danger{background:#fff;color:var(--bad);border-color:var(--bad)}
button.danger:hover{background:var(--bad-bg)}
button.small{padding:.1rem .45rem;min-height:1.6rem;font-size:.85em}
button.link{background:none;border:0;color:var(--accent);padding:0;min-height:0;text-align:left;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;text-decoration:underline;word-break:break-all}
:focus-visible{outline:3px solid #ffbf47;outline-offset:1px}
button:disabled,input:disabled{opacity:.55;cursor:not-allowed}
fieldset{border:1px solid var(--line);border-radius:4px;padding:.3rem .5rem;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.1rem .8rem}
legend{font-size:.8rem;font-weight:600}
.check{font-size:.85rem;white-space:nowrap}
.kv{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.15rem .75rem;margin:.3rem 0}
.kv dt{font-weight:600;color:var(--muted)}.kv dd{margin:0;min-width:0}
.clock{font-size:1.35rem;font-weight:700;letter-spacing:.02em}
.badge{display:inline-block;border-radius:999px;padding:0 .55rem;font-size:.78rem;font-weight:700;background:#e6eaef;color:var(--fg);border:1px solid transparent}
.badge.ok{background:var(--ok-bg);color:var(--ok)}.badge.warn{background:var(--warn-bg);color:var(--warn)}
.badge.bad{background:var(--bad-bg);color:var(--bad)}.badge.info{background:var(--info-bg);color:var(--info)}
.top .badge{align-self:center}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.78rem;color:var(--muted);font-weight:700;background:#f7f9fb;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.wrap{white-space:pre-wrap;word-break:break-all}
.rows tbody tr{cursor:pointer}
.rows tbody tr:hover{background:#eef4fb}
.rows tbody tr.selected{background:#dbeafe}
.st{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700}
.s2{color:var(--ok)}.s3{color:var(--accent)}.s4{color:var(--bad)}.s5{color:var(--warn)}.s0{color:var(--muted)}
.why{color:var(--muted);font-size:.82em;display:block;max-width:36rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.split{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:1rem;align-items:start}
.journal-list{max-height:34rem;overflow:auto;border:1px solid var(--line);border-radius:6px}
.detail{border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem;min-height:8rem;max-height:46rem;overflow:auto;background:#fbfcfd}
pre{background:#f3f5f7;border:1px solid #e1e5ea;border-radius:4px;padding:.5rem;overflow:auto;margin:.3rem 0}
pre.body{max-height:24rem;white-space:pre-wrap;word-break:break-word}
ul.compact,ol.compact{margin:.1rem 0;padding-left:1.1rem}
.sub{border-top:1px dashed var(--line);margin-top:.6rem;padding-top:.3rem}
.locked{margin:0;padding:.6rem 1rem;background:var(--bad-bg);color:var(--bad);font-weight:600}
.toasts{position:fixed;right:1rem;bottom:1rem;display:flex;flex-direction:column;gap:.4rem;z-index:20;max-width:min(30rem,90vw)}
.toast{margin:0;padding:.5rem .75rem;border-radius:6px;background:#1b2a3a;color:#fff;box-shadow:0 2px 8px rgba(0,0,0,.25)}
.toast.error{background:var(--bad)}
.offscreen{position:fixed;left:-9999px}
@media (max-width:60rem){.row,.split{grid-template-columns:minmax(0,1fr)}.cards{grid-template-columns:minmax(0,1fr)}.journal-list{max-height:24rem}}
`
