import { html, raw } from 'hono/html'

type Json = Record<string, unknown>

/** A readable page of an OpenAPI document, self-contained (QA containers are often offline). */
export function docsPage(spec: Json) {
  const info = spec.info as { title: string; description: string }
  const paths = spec.paths as Record<string, Record<string, { summary?: string; requestBody?: unknown; parameters?: { name: string; in: string; description?: string }[] }>>
  const rows = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(
      ([method, op]) => html`<section>
        <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>/__sandbox${path}</code></h3>
        <p>${op.summary ?? ''}</p>
        ${(op.parameters ?? []).length ? html`<ul>${(op.parameters ?? []).map((p) => html`<li><code>${p.name}</code> (${p.in}) ${p.description ?? ''}</li>`)}</ul>` : ''}
        ${op.requestBody ? html`<details><summary>Request body schema</summary><pre>${JSON.stringify(op.requestBody, null, 2)}</pre></details>` : ''}
      </section>`,
    ),
  )
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${info.title}</title>
<style>${raw(`body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code,pre{font-family:ui-monospace,monospace}pre{background:#f4f4f4;padding:.75rem;overflow:auto}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4.5rem;font-size:.8rem;padding:.1rem .4rem;border-radius:3px;color:#fff;background:#555}
.get{background:#1f6feb}.post{background:#1a7f37}.put{background:#9a6700}.delete{background:#cf222e}`)}</style></head>
<body><h1>${info.title}</h1><p>${info.description}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
${rows}
</body></html>`
}
