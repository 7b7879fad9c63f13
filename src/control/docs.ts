import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { AnyPartner } from '../core/partner.js'
import { OPERATIONS as CORDELL_OPERATIONS } from '../partners/cordell/fields.js'
import { operationsOf, type Json } from './openapi-kit.js'
import { controlOpenApi, documentedPartners, partnerOpenApi } from './openapi.js'

/** One API on the docs page: its OpenAPI document, where the JSON lives, and an anchor. */
export interface DocsApi {
  id: string
  doc: Json
  jsonUrl: string
}

/** A SOAP service listed by its WSDL (Cordell): OpenAPI cannot describe it, the WSDL does. */
export interface DocsSoap {
  id: string
  title: string
  wsdlUrl: string
  endpoint: string
  operations: { name: string; path: string; input: readonly (readonly [string, string])[] }[]
}

type Html = HtmlEscapedString | Promise<HtmlEscapedString>

/** The readable API reference at /__sandbox/docs: every OpenAPI document rendered on the server into
 *  plain HTML (no script, no CDN: QA containers are often offline). hono/html escapes every value, so
 *  descriptions and schemas are shown as text. */
export function docsPage(apis: DocsApi[], soap: DocsSoap[], links: { dashboard: string }) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>partner-sandbox API docs</title>
<style>${raw(CSS)}</style></head>
<body>
<header><h1>partner-sandbox API docs</h1>
<nav aria-label="APIs"><ul>
${apis.map((a) => html`<li><a href="#${a.id}">${title(a.doc)}</a></li>`)}
${soap.map((s) => html`<li><a href="#${s.id}">${s.title}</a></li>`)}
<li><a href="${links.dashboard}">QA dashboard</a></li>
</ul></nav></header>
<main>
${apis.map((a) => apiSection(a))}
${soap.map((s) => soapSection(s))}
</main></body></html>`
}

function title(doc: Json): string {
  return String((doc.info as Json | undefined)?.title ?? 'API')
}

function apiSection(api: DocsApi): Html {
  const info = api.doc.info as { description?: string }
  const server = ((api.doc.servers as { url: string }[] | undefined) ?? [])[0]?.url ?? ''
  const ops = operationsOf(api.doc)
  return html`<section class="api" id="${api.id}" aria-labelledby="${api.id}-h">
<h2 id="${api.id}-h">${title(api.doc)}</h2>
<p>${info.description ?? ''}</p>
<p class="meta">Base URL <code>${server}</code> &middot; <a href="${api.jsonUrl}">OpenAPI 3.1 JSON</a> &middot; ${ops.length} operations</p>
${ops.map(({ method, path, op }) => operation(api, method, server, path, op))}
</section>`
}

function operation(api: DocsApi, method: string, server: string, path: string, op: Json): Html {
  const params = (op.parameters as Json[] | undefined) ?? []
  const body = op.requestBody as { content?: Record<string, { schema?: Json; example?: unknown }> } | undefined
  const responses = Object.entries((op.responses as Record<string, Json> | undefined) ?? {})
  const security = needs(op.security as Record<string, string[]>[] | undefined)
  return html`<details class="op">
<summary><span class="m ${method}">${method.toUpperCase()}</span> <code class="path">${path}</code> <span class="sum">${String(op.summary ?? '')}</span></summary>
<div class="body">
${op.description ? html`<p>${String(op.description)}</p>` : ''}
<p class="meta"><code>${method.toUpperCase()} ${server}${path}</code>${security ? html` &middot; needs ${security}` : ''}</p>
${params.length ? html`<h4>Parameters</h4><table><thead><tr><th scope="col">name</th><th scope="col">in</th><th scope="col">type</th><th scope="col">about</th></tr></thead><tbody>
${params.map((p) => html`<tr><td><code>${String(p.name)}</code>${p.required ? html` <span class="req">required</span>` : ''}</td><td>${String(p.in)}</td><td><code>${typeLabel(api.doc, p.schema as Json)}</code></td><td>${String(p.description ?? (p.schema as Json)?.description ?? '')}</td></tr>`)}
</tbody></table>` : ''}
${body?.content ? Object.entries(body.content).map(([type, media]) => html`<h4>Request body <code>${type}</code></h4>${schemaView(api.doc, media.schema ?? {})}${media.example !== undefined ? html`<p class="meta">Example</p><pre>${JSON.stringify(media.example, null, 2)}</pre>` : ''}`) : ''}
<h4>Responses</h4><ul class="responses">
${responses.map(([status, r]) => html`<li><span class="st s${status[0]}">${status}</span> ${String(r.description ?? '')}${mediaTypes(r)}</li>`)}
</ul></div></details>`
}

function mediaTypes(response: Json): Html | string {
  const types = Object.keys((response.content as Json | undefined) ?? {})
  return types.length ? html` <span class="meta">(${types.join(', ')})</span>` : ''
}

function needs(security: Record<string, string[]>[] | undefined): string {
  if (!security || security.length === 0) return ''
  const names = security.flatMap((s) => Object.entries(s).map(([scheme, roles]) => (roles.length ? `${scheme} (${roles.join(', ')})` : scheme)))
  return names.length ? names.join(' or ') : ''
}

function resolve(doc: Json, schema: Json): Json {
  const ref = schema.$ref
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema
  let at: unknown = doc
  for (const part of ref.slice(2).split('/')) at = (at as Json | undefined)?.[part]
  return (at as Json | undefined) ?? {}
}

/** A short type, like `string | null`, `array of Job`, `"a" | "b"`. */
function typeLabel(doc: Json, schema: Json | undefined, depth = 0): string {
  if (!schema || depth > 4) return 'any'
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? 'object'
  if ('const' in schema) return JSON.stringify(schema.const)
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ')
  const union = (schema.anyOf ?? schema.oneOf) as Json[] | undefined
  if (Array.isArray(union)) return union.map((s) => typeLabel(doc, s, depth + 1)).join(' | ')
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : typeof schema.type === 'string' ? schema.type : 'any'
  if (type === 'array') return `array of ${typeLabel(doc, schema.items as Json | undefined, depth + 1)}`
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : typeof schema.pattern === 'string' ? ` /${schema.pattern}/` : ''
  return `${type}${format}`
}

/** An object's fields as a table; anything else as its JSON Schema. */
function schemaView(doc: Json, schema: Json): Html {
  const target = resolve(doc, schema.type === 'array' ? ((schema.items as Json | undefined) ?? {}) : schema)
  const props = target.properties as Record<string, Json> | undefined
  if (!props) return html`<pre>${JSON.stringify(target, null, 2)}</pre>`
  const required = new Set((target.required as string[] | undefined) ?? [])
  return html`${schema.type === 'array' ? html`<p class="meta">A JSON array of:</p>` : ''}<table><thead><tr><th scope="col">field</th><th scope="col">type</th><th scope="col">about</th></tr></thead><tbody>
${Object.entries(props).map(([name, s]) => html`<tr><td><code>${name}</code>${required.has(name) ? html` <span class="req">required</span>` : ''}</td><td><code>${typeLabel(doc, s)}</code></td><td>${String(s.description ?? '')}${'default' in s ? html` <span class="meta">default <code>${JSON.stringify(s.default)}</code></span>` : ''}</td></tr>`)}
</tbody></table>`
}

function soapSection(s: DocsSoap): Html {
  return html`<section class="api" id="${s.id}" aria-labelledby="${s.id}-h">
<h2 id="${s.id}-h">${s.title}</h2>
<p>A SOAP 1.2 service: its contract is the WSDL, <a href="${s.wsdlUrl}">${s.wsdlUrl}</a> (point node-soap, SoapUI or
<code>dotnet-svcutil</code> at it). Post SOAP 1.2 envelopes (<code>application/soap+xml</code>) to <code>${s.endpoint}</code>,
or to each operation's own URL below; log in first with <code>POST ${s.endpoint}/Login</code>.</p>
<table><thead><tr><th scope="col">operation</th><th scope="col">URL</th><th scope="col">input</th></tr></thead><tbody>
${s.operations.map((o) => html`<tr><td><code>${o.name}</code></td><td><code>${o.path}</code></td><td>${o.input.map(([n, t]) => html`<code>${n}</code> ${t} `)}</td></tr>`)}
</tbody></table></section>`
}

const CSS = `
:root{color-scheme:light;--fg:#1b1f24;--muted:#4d5661;--line:#d0d7de;--bg:#fff;--code:#f3f5f7}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--fg);background:var(--bg)}
header{background:#1b2a3a;color:#fff;padding:1rem 1.25rem}
header h1{margin:0 0 .5rem;font-size:1.4rem}
header ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
header a{color:#cfe3ff}
header a:focus-visible,a:focus-visible,summary:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
main{max-width:72rem;margin:0 auto;padding:0 1.25rem 3rem}
h2{margin:2rem 0 .25rem;font-size:1.3rem;border-bottom:2px solid var(--line);padding-bottom:.25rem}
h4{margin:.75rem 0 .25rem;font-size:.95rem}
a{color:#0a58ca}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
pre{background:var(--code);padding:.6rem;overflow:auto;border-radius:4px}
.meta{color:var(--muted);font-size:.9em}
.op{border:1px solid var(--line);border-radius:6px;margin:.4rem 0;background:#fff}
.op>summary{cursor:pointer;padding:.45rem .6rem;display:flex;gap:.5rem;align-items:baseline;flex-wrap:wrap}
.op .body{padding:0 .9rem .7rem;border-top:1px solid var(--line)}
.path{font-weight:600;word-break:break-all}
.sum{color:var(--muted)}
.m{display:inline-block;min-width:4.2rem;text-align:center;font:700 .75rem/1.6 ui-monospace,monospace;border-radius:3px;color:#fff;background:#57606a}
.get{background:#0b5cad}.post{background:#116329}.put{background:#7d4e00}.delete{background:#a40e26}
table{border-collapse:collapse;width:100%;margin:.25rem 0;font-size:.92em}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:var(--code)}
td code{word-break:break-word}
.req{color:#a40e26;font-size:.8em;font-weight:600}
.responses{padding-left:1.1rem;margin:.25rem 0}
.st{font:700 .85em ui-monospace,monospace}.s2{color:#116329}.s3{color:#0b5cad}.s4{color:#a40e26}.s5{color:#7d4e00}
@media (max-width:40rem){table,thead,tbody,tr,th,td{font-size:.85em}th,td{padding:.2rem}}
`

/** The docs page of a sandbox: the control API, each REST partner served, and Cordell by its WSDL.
 *  `baseUrl` is the origin with any /__s/<id> prefix, so every link works as the reader reached it. */
export function sandboxDocs(partners: readonly AnyPartner[], baseUrl: string) {
  const apis: DocsApi[] = [
    { id: 'control', doc: controlOpenApi(partners), jsonUrl: `${baseUrl}/__sandbox/openapi.json` },
    ...documentedPartners(partners).map((name) => ({
      id: name,
      doc: partnerOpenApi(name, `${baseUrl}/${name}`)!,
      jsonUrl: `${baseUrl}/__sandbox/openapi/${name}.json`,
    })),
  ]
  const soap: DocsSoap[] = partners
    .filter((p) => p.name === 'cordell')
    .map((p) => ({
      id: p.name,
      title: p.title,
      wsdlUrl: `${baseUrl}/${p.name}/Costing?wsdl`,
      endpoint: `${baseUrl}/${p.name}/Costing`,
      operations: CORDELL_OPERATIONS.map((o) => ({ name: o.name, path: o.path, input: o.input })),
    }))
  return docsPage(apis, soap, { dashboard: `${baseUrl}/__sandbox/ui` })
}
