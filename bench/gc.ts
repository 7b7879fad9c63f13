/** Garbage collection at full load: the sandbox (the built CLI, run with --trace-gc) answers 60,000 of
 *  each small call after 20,000 to warm up, and this sums the main-thread pauses V8 reports for them,
 *  scavenges and mark-compacts apart. The journal's entries (kept off the JS heap, core/packed-entries.ts)
 *  and the partners' caches are what decide these. Counts, not speed: it asserts nothing.
 *  Run: npm run build && npx tsx bench/gc.ts [filter]. */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { startChild } from './lib/processes.js'
import { smallCalls } from './lib/small-calls.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FILTER = process.argv[2] ?? ''
const WARM = 20_000
const MEASURED = 60_000

let out = ''
const { child, match } = await startChild(
  process.execPath,
  ['--trace-gc', join(ROOT, 'dist/main.js'), '--port', '0', '--scenario', join(ROOT, 'scenarios/default.yaml')],
  /control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/,
  {},
  (text) => (out += text),
)
const base = match[1]!

/** Pauses of one kind in a stretch of --trace-gc output, and their total per request. */
function pauses(log: string, kind: string, requests: number): string {
  let n = 0
  let ms = 0
  for (const m of log.matchAll(new RegExp(`${kind}[^,]*, ([\\d.]+) /`, 'g'))) {
    n++
    ms += Number(m[1])
  }
  return `${n} (${ms.toFixed(0)} ms, ${((ms * 1000) / requests).toFixed(2)} µs a request)`
}

try {
  for (const c of (await smallCalls(base)).filter((x) => x.key.includes(FILTER))) {
    const target = { url: `${base}${c.path}`, method: c.method ?? 'GET', headers: c.headers, ...(c.body ? { body: c.body } : {}), connections: 50 }
    await autocannon({ ...target, amount: WARM })
    const from = out.length
    const r = await autocannon({ ...target, amount: MEASURED })
    const log = out.slice(from)
    const total = r.requests.total
    console.log(`${c.key.padEnd(11)} ${total} requests${r.non2xx ? ` (${r.non2xx} non-2xx)` : ''}: scavenges ${pauses(log, 'Scavenge', total)}; mark-compacts ${pauses(log, 'Mark-Compact', total)}`)
  }
} finally {
  await child.stop()
}
