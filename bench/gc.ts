/** Garbage collection at full load: the sandbox (the built CLI, run with --trace-gc) answers 60,000 small
 *  calls after 20,000 to warm up, and this sums the main-thread pauses V8 reports for them, scavenges and
 *  mark-compacts apart. The journal's entries (kept off the JS heap, core/packed-entries.ts) and the
 *  partners' caches are what decide these. Counts, not speed: it asserts nothing.
 *  Run: npm run build && npx tsx bench/gc.ts [filter]. */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FILTER = process.argv[2] ?? ''
const WARM = 20_000
const MEASURED = 60_000

const proc = spawn(process.execPath, ['--trace-gc', join(ROOT, 'dist/main.js'), '--port', '0', '--scenario', join(ROOT, 'scenarios/default.yaml')], { stdio: ['ignore', 'pipe', 'inherit'] })
let out = ''
proc.stdout.on('data', (d: Buffer) => (out += d))
const base = await new Promise<string>((resolve, reject) => {
  const timer = setInterval(() => {
    const m = /control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/.exec(out)
    if (m) {
      clearInterval(timer)
      resolve(m[1]!)
    }
    if (proc.exitCode !== null) reject(new Error(`the sandbox did not start: ${out}`))
  }, 20)
})

try {
  const post = async (path: string, body: unknown) => (await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, string>>
  const das = await post('/__sandbox/das/tokens', { permissions: ['ReadApprenticeshipEvent'] })
  const cordell = await post('/cordell/Costing/Login', { UserName: 'qs', Password: 'pass' })
  const cases = [
    { name: 'envisionme', url: `${base}/envisionme/job?limit=10&access_token=envisionme-demo-token` },
    { name: 'das', url: `${base}/das/api/events/apprenticeships?pageSize=10`, headers: { authorization: `Bearer ${das.token}` } },
    {
      name: 'cordell',
      url: `${base}/cordell/Costing/GetDataset/`,
      method: 'POST' as const,
      body: '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetDataSet xmlns="http://www.cordell.com.au/Costing/"><COMPLETESET>1</COMPLETESET></GetDataSet></s:Body></s:Envelope>',
      headers: { authorization: `Bearer ${cordell.AccessToken}`, 'content-type': 'application/soap+xml; charset=utf-8' },
    },
  ].filter((c) => c.name.includes(FILTER))
  for (const c of cases) {
    await autocannon({ ...c, connections: 50, amount: WARM })
    const from = out.length
    const r = await autocannon({ ...c, connections: 50, amount: MEASURED })
    const log = out.slice(from)
    const sum = (kind: string) => {
      let n = 0
      let ms = 0
      for (const m of log.matchAll(new RegExp(`${kind}[^,]*, ([\\d.]+) /`, 'g'))) {
        n++
        ms += Number(m[1])
      }
      return `${n} (${ms.toFixed(0)} ms, ${((ms * 1000) / r.requests.total).toFixed(2)} µs a request)`
    }
    console.log(`${c.name.padEnd(11)} ${r.requests.total} requests${r.non2xx ? ` (${r.non2xx} non-2xx)` : ''}: scavenges ${sum('Scavenge')}; mark-compacts ${sum('Mark-Compact')}`)
  }
} finally {
  proc.kill('SIGTERM')
}
