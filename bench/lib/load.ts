import { execFileSync, spawnSync } from 'node:child_process'
import autocannon from 'autocannon'

export interface Load {
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  tool: string
}

export interface Target {
  url: string
  method?: string
  headers?: Record<string, string>
  body?: string
}

/** Requests per second with autocannon (small bodies). */
export async function autocannonLoad(target: Target, connections: number, seconds: number): Promise<Load> {
  const result = await autocannon({
    url: target.url,
    method: (target.method ?? 'GET') as 'GET',
    headers: target.headers ?? {},
    ...(target.body !== undefined ? { body: target.body } : {}),
    connections,
    duration: seconds,
  })
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    tool: 'autocannon',
  }
}

export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined
}

/** Requests per second with wrk (big bodies: autocannon itself stalls near 30/s on 10 MB). */
export function wrkLoad(target: Target, connections: number, seconds: number): Load {
  const args = ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--latency']
  for (const [k, v] of Object.entries(target.headers ?? {})) args.push('-H', `${k}: ${v}`)
  args.push(target.url)
  const out = execFileSync('wrk', args, { encoding: 'utf8', timeout: (seconds + 30) * 1000 })
  const ms = (text: string | undefined) => {
    const m = /([\d.]+)(us|ms|s)/.exec(text ?? '')
    if (!m) return NaN
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1)
  }
  return {
    rps: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)),
    p50: ms(/50%\s+(\S+)/.exec(out)?.[1]),
    p99: ms(/99%\s+(\S+)/.exec(out)?.[1]),
    errors: Number(/Socket errors:.*?(\d+)/.exec(out)?.[1] ?? 0),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    tool: 'wrk',
  }
}

/** The middle value (the upper one of an even count): what repeated measurements on a busy host report. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN
}
