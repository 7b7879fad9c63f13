/** User-space instructions per request of each small call, the sandbox against bare node:http sending the
 *  same bytes, counted by valgrind's callgrind. Unlike requests/s or CPU time, a count does not move with
 *  the host's speed, so a change of 1% shows: the figure to compare builds by while optimising. Kernel
 *  time (the socket writes, a third of a small call) is not in it, so the ratio here is stricter than the
 *  bench's. Needs valgrind (`apt-get install -y valgrind`); takes a few minutes, as everything runs about
 *  fifty times slower under it. Time-keyed caches (one per millisecond, say) therefore miss more often
 *  here than at full speed.
 *  Run: npm run build && npx tsx bench/instructions.ts [filter]. Asserts nothing. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { startChild, type Child } from './lib/processes.js'
import { captureToFile, smallCalls, type SmallCall } from './lib/small-calls.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FILTER = process.argv[2] ?? ''
/** Enough for V8 to have optimised the hot path before counting starts. */
const WARM_UP = Number(process.env.WARM_UP ?? 20_000)
/** Requests a round counts; the fewest instructions of ROUNDS rounds is the figure: a round that V8
 *  spent optimising or collecting in counts thousands more a request. */
const COUNTED = Number(process.env.COUNTED ?? 5_000)
const ROUNDS = 3
const START_TIMEOUT_MS = 300_000

if (spawnSync('callgrind_control', ['--version']).status !== 0) {
  console.log('valgrind is not installed: apt-get install -y valgrind')
  process.exit(0)
}

/** A node process under callgrind, counting from the start; `counted()` zeroes the count, runs `work`,
 *  and reads the count back from the dump it asks for. */
async function underCallgrind(args: string[], ready: RegExp): Promise<{ child: Child; match: RegExpExecArray; counted(work: () => Promise<number>): Promise<number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'callgrind-'))
  const { child, match } = await startChild(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${dir}/cg.%p`, '--smc-check=all-non-file', process.execPath, ...args],
    ready,
    {},
    undefined,
    START_TIMEOUT_MS,
  )
  const pid = String(child.proc.pid)
  const control = (flag: string) => {
    const r = spawnSync('callgrind_control', [flag, pid], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`callgrind_control ${flag} ${pid}: ${r.stderr}`)
  }
  return {
    child,
    match,
    async counted(work) {
      control('-z')
      const requests = await work()
      control('-d')
      const dumps = readdirSync(dir).filter((f) => f.startsWith(`cg.${pid}.`))
      const newest = dumps.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())).pop()!
      const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, newest), 'utf8'))
      if (!totals) throw new Error(`no totals in ${newest}`)
      return Number(totals[1]) / requests
    },
  }
}

async function load(url: string, c: SmallCall, amount: number): Promise<number> {
  const r = await autocannon({ url, connections: 20, amount, timeout: 60, method: (c.method ?? 'GET') as 'GET', headers: c.headers, ...(c.body ? { body: c.body } : {}) })
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`)
  return r.requests.total
}

// BENCH_MAIN names another build's dist/main.js, to compare two builds call for call.
const sandbox = await underCallgrind([process.env.BENCH_MAIN ?? join(ROOT, 'dist/main.js'), '--port', '0', '--scenario', join(ROOT, 'scenarios/default.yaml')], /control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/)
let bare: Awaited<ReturnType<typeof underCallgrind>> | undefined
try {
  const base = sandbox.match[1]!
  const cases = (await smallCalls(base)).filter((c) => c.key.includes(FILTER))
  const file = await captureToFile(base, cases)
  bare = await underCallgrind([join(ROOT, 'bench/lib/bare-server.mjs'), file], /^(\d+)\n/m)
  const bareBase = `http://127.0.0.1:${bare.match[1]}`
  console.log(`user-space instructions per request (callgrind; ${WARM_UP} requests to warm up, then the fewest of ${ROUNDS} rounds of ${COUNTED})`)
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  for (const c of cases) {
    const per: number[][] = []
    for (const [server, url] of [[bare, `${bareBase}${c.path}`], [sandbox, `${base}${c.path}`]] as const) {
      await load(url, c, WARM_UP)
      const rounds: number[] = []
      for (let round = 0; round < ROUNDS; round++) rounds.push(await server.counted(() => load(url, c, COUNTED)))
      per.push(rounds)
    }
    const [b, s] = per.map((rounds) => Math.min(...rounds)) as [number, number]
    console.log(`${c.key.padEnd(11)} sandbox ${fmt(s)} (rounds ${per[1]!.map(fmt).join(', ')}) | bare ${fmt(b)} (rounds ${per[0]!.map(fmt).join(', ')}) | ratio ${(b / s).toFixed(2)}`)
  }
} finally {
  await bare?.child.stop()
  await sandbox.child.stop()
}
