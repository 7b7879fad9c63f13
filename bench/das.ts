/** DAS paging cost: a large generated stream read page by page, by id and by date range, over a real
 *  socket. Run: npx tsx bench/das.ts [events=200000] [pageSize=10000]. Prints timings; asserts nothing. */
import jwt from 'jsonwebtoken'
import { startSandbox } from '../src/sandbox.js'
import { das } from '../src/partners/das/index.js'

const events = Number(process.argv[2] ?? 200_000)
const pageSize = Number(process.argv[3] ?? 10_000)
const start = '2026-01-14T11:00:00Z'
const sb = await startSandbox({
  partners: [das],
  scenario: { seed: 1, clock: { start, frozen: true }, partners: { das: { apprenticeships: { generate: events, every: '1m' } } } },
})
const now = Date.parse(start) / 1000
const token = jwt.sign({ data: 'ReadApprenticeshipEvent', iss: 'http://localhost:29638', aud: 'http://localhost/events', exp: now + 3600 }, 'das-sandbox-signing-key', { noTimestamp: true })
const headers = { authorization: `Bearer ${token}` }

async function walk(label: string, url: (page: number) => string) {
  const t0 = performance.now()
  let total = 0
  let bytes = 0
  for (let page = 1; ; page++) {
    const res = await fetch(url(page), { headers })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`${res.status} ${text}`)
    const n = (JSON.parse(text) as unknown[]).length
    total += n
    bytes += text.length
    if (n < pageSize) break
  }
  const ms = performance.now() - t0
  console.log(`${label}: ${total} events, ${(bytes / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms (${Math.round(total / (ms / 1000))} events/s)`)
}

try {
  await walk('by id', (p) => `${sb.url}/das/api/events/apprenticeships?fromEventId=1&pageSize=${pageSize}&pageNumber=${p}`)
  await walk('by date', (p) => `${sb.url}/das/api/events/apprenticeships?pageSize=${pageSize}&pageNumber=${p}`)
  const t0 = performance.now()
  const last = Math.ceil(events / pageSize)
  await (await fetch(`${sb.url}/das/api/events/apprenticeships?pageSize=${pageSize}&pageNumber=${last}`, { headers })).text()
  console.log(`last page alone (date order, page ${last}): ${(performance.now() - t0).toFixed(0)} ms`)
} finally {
  await sb.close()
}
