import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { readFileSync } from 'node:fs'

export interface Child {
  proc: ChildProcess
  /** Resident set size now, in MB, from /proc. */
  rssMb(): number
  stop(): Promise<void>
}

export function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round((kb / 1024) * 10) / 10
}

/** Starts a command and resolves once `ready` matches its output, with what matched. `onOutput`, when
 *  given, sees all of its stdout, before and after ready; otherwise what comes after is dropped. */
export function startChild(command: string, args: string[], ready: RegExp, env: Record<string, string> = {}, onOutput?: (text: string) => void, timeoutMs = 60_000): Promise<{ child: Child; match: RegExpExecArray; startedAt: number }> {
  const startedAt = performance.now()
  const proc = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} did not start: ${out}`)), timeoutMs)
    const onData = (d: Buffer) => {
      out += d
      onOutput?.(String(d))
      const m = ready.exec(out)
      if (m) {
        clearTimeout(timer)
        proc.stdout!.off('data', onData)
        if (onOutput) proc.stdout!.on('data', (more: Buffer) => onOutput(String(more)))
        else proc.stdout!.resume()
        resolve({
          match: m,
          startedAt,
          child: {
            proc,
            rssMb: () => rssMbOf(proc.pid!),
            stop: () =>
              new Promise<void>((done) => {
                if (proc.exitCode !== null) return done()
                proc.once('exit', () => done())
                proc.kill('SIGTERM')
                setTimeout(() => proc.kill('SIGKILL'), 8_000).unref()
              }),
          },
        })
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', (d: Buffer) => (out += d))
    proc.once('exit', (code) => reject(new Error(`${command} exited ${code}: ${out}`)))
  })
}

/** Puts every thread of each process on its own CPUs, as a load test should run: the load generator
 *  (this process) on CPU 0, the server under test on CPU 1, so neither is measured while the scheduler
 *  moves it onto the other's core. Both servers of a comparison get the same. Returns a function that
 *  gives this process all CPUs back, or undefined when it cannot pin (one CPU, no `taskset`). */
export function pinApart(serverPids: number[]): (() => void) | undefined {
  if (availableParallelism() < 2) return undefined
  const all = `0-${availableParallelism() - 1}`
  const set = (cpus: string, pid: number) => spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0
  if (!set('0', process.pid)) return undefined
  if (!serverPids.every((pid) => set('1', pid))) {
    set(all, process.pid)
    return undefined
  }
  return () => {
    set(all, process.pid)
    for (const pid of serverPids) set(all, pid)
  }
}
