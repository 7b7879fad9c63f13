/** Cordell: how long a full download of a large dataset takes over a real socket, and its size, XML and
 *  JSON, then a delta after a few changes. Run: `npx tsx bench/cordell.ts [items per entry]`.
 *  It prints measurements; it asserts nothing. */
import { startSandbox } from '../src/sandbox.js'
import { cordell } from '../src/partners/cordell/index.js'

const itemsPerEntry = Number(process.argv[2] ?? 10)
const NS = 'http://www.cordell.com.au/Costing/'
const env = (token: string, body: string) =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><AuthHeader xmlns="${NS}"><AccessToken>${token}</AccessToken></AuthHeader></s:Header><s:Body>${body}</s:Body></s:Envelope>`

const t0 = performance.now()
const sb = await startSandbox({
  partners: [cordell],
  scenario: {
    clock: { start: '2026-01-14T16:00:00+05:00', frozen: true },
    partners: { cordell: { datasets: { generate: 1 }, categories: { generate: 100 }, entriesPerCategory: 10, itemsPerEntry, regions: [1, 2, 3] } },
  },
})
try {
  const base = `${sb.url}/cordell`
  const login = await (await fetch(`${base}/Costing/Login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"UserName":"qs","Password":"pass"}' })).json()
  const t1 = performance.now()
  const call = async (body: string, accept?: string) => {
    const start = performance.now()
    const res = await fetch(`${base}/Costing`, { method: 'POST', headers: { 'content-type': 'application/soap+xml; charset=utf-8', ...(accept ? { accept } : {}) }, body: env(login.AccessToken, body) })
    const bytes = (await res.arrayBuffer()).byteLength
    return { status: res.status, ms: Math.round(performance.now() - start), kib: Math.round(bytes / 1024) }
  }
  const full = await call(`<GetCategoryEntriesWithItems xmlns="${NS}"><DATASET>1</DATASET></GetCategoryEntriesWithItems>`)
  const empty = await call(`<GetCategoryEntriesWithItems xmlns="${NS}"><DATASET>1</DATASET></GetCategoryEntriesWithItems>`)
  await fetch(`${sb.url}/__sandbox/cordell/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ op: 'modify', table: 'items', count: 50 }) })
  const delta = await call(`<GetCategoryEntriesWithItems xmlns="${NS}"><DATASET>1</DATASET></GetCategoryEntriesWithItems>`)
  const json = await call(`<GetCategoryEntriesWithItems xmlns="${NS}"><DATASET>1</DATASET><COMPLETESET>1</COMPLETESET></GetCategoryEntriesWithItems>`, 'application/json')
  const costing = await call(`<GetItemCostingById xmlns="${NS}"><ITEMCODE>50.05.001</ITEMCODE><DATASETID>1</DATASETID></GetItemCostingById>`)
  const audit = await (await fetch(`${sb.url}/__sandbox/cordell/audit`)).json()
  console.log(JSON.stringify({
    items: 100 * 10 * itemsPerEntry,
    startAndFirstLoginMs: Math.round(t1 - t0),
    fullXml: full, emptyDelta: empty, deltaAfter50Changes: delta, completeSetJson: json, costingById: costing,
    auditRecords: audit.audit.map((a: { records: number }) => a.records),
  }, null, 2))
} finally {
  await sb.close()
}
