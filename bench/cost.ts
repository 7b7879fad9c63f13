/** CPU cost per request of each small call, at full load: the sandbox's process (every thread, kernel
 *  time included) against bare node:http sending the same bytes, from /proc/<pid>/stat, in pairs of
 *  1 s slices, the median pair's ratio reported. Steadier than requests/s on a busy machine, so it is
 *  the figure to watch while optimising. Run: npm run build && npx tsx bench/cost.ts [pairs=8] [filter]. Asserts nothing. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { median } from './lib/load.js'
import { pinApart, startChild, type Child } from './lib/processes.js'
import { captureToFile, smallCalls, type SmallCall } from './lib/small-calls.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const READY = /control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/
const ROUNDS = Number(process.argv[2] ?? 8)
const SLICE_SECONDS = 1
const FILTER = process.argv[3] ?? ''
const TICK_US = 1e6 / 100 // USER_HZ is 100 on Linux

function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * TICK_US
}

async function costOf(child: Child, url: string, c: SmallCall, seconds: number) {
  const before = cpuUs(child.proc.pid!)
  const t0 = performance.now()
  const r = await autocannon({ url, connections: 50, duration: seconds, method: (c.method ?? 'GET') as 'GET', headers: c.headers, ...(c.body ? { body: c.body } : {}) })
  const ms = performance.now() - t0
  return { us: (cpuUs(child.proc.pid!) - before) / r.requests.total, rps: (r.requests.total / ms) * 1000, non2xx: r.non2xx }
}


const { child, match } = await startChild(process.execPath, [join(ROOT, 'dist/main.js'), '--port', '0', '--scenario', join(ROOT, 'scenarios/default.yaml')], READY)
const base = match[1]!
try {
  const cases = (await smallCalls(base)).filter((c) => c.key.includes(FILTER))
  const file = await captureToFile(base, cases)
  const bare = await startChild(process.execPath, [join(ROOT, 'bench/lib/bare-server.mjs'), file], /^(\d+)\n/m)
  // As the bench runs them: autocannon on one CPU, the server on the other.
  const unpin = pinApart([child.proc.pid!, bare.child.proc.pid!])
  if (!unpin) console.log('(not pinned to CPUs: one CPU, or no taskset)')
  try {
    for (const c of cases) {
      const onBare = `http://127.0.0.1:${bare.match[1]}${c.path}`
      await costOf(bare.child, onBare, c, 1)
      await costOf(child, `${base}${c.path}`, c, 1)
      const b: { us: number; rps: number }[] = []
      const s: { us: number; rps: number; non2xx: number }[] = []
      // Pairs of short slices, bare and sandbox back to back in alternating order: the host's speed
      // swings within seconds, and a pair's ratio is taken before it can move one side only.
      for (let round = 0; round < ROUNDS; round++) {
        const bareSlice = () => costOf(bare.child, onBare, c, SLICE_SECONDS)
        const sandboxSlice = () => costOf(child, `${base}${c.path}`, c, SLICE_SECONDS)
        if (round % 2 === 0) {
          b.push(await bareSlice())
          s.push(await sandboxSlice())
        } else {
          s.push(await sandboxSlice())
          b.push(await bareSlice())
        }
      }
      const [bUs, sUs] = [median(b.map((x) => x.us)), median(s.map((x) => x.us))]
      const [bRps, sRps] = [median(b.map((x) => x.rps)), median(s.map((x) => x.rps))]
      const costRatio = median(b.map((x, i) => x.us / s[i]!.us))
      const rpsRatio = median(s.map((x, i) => x.rps / b[i]!.rps))
      const non2xx = s.reduce((n, x) => n + x.non2xx, 0)
      console.log(
        `${c.key.padEnd(11)} sandbox ${sUs.toFixed(1)} µs/req, ${Math.round(sRps)} req/s${non2xx ? ` (${non2xx} non-2xx)` : ''} | bare ${bUs.toFixed(1)} µs/req, ${Math.round(bRps)} req/s | cost ratio ${costRatio.toFixed(2)}, req/s ratio ${rpsRatio.toFixed(2)} (medians of ${ROUNDS} pairs)`,
      )
    }
  } finally {
    unpin?.()
    await bare.child.stop()
  }
} finally {
  await child.stop()
}
