import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
const READY = /control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/

/** The CLI as a user starts it (`node src/main.ts …` through tsx), with every setting's environment
 *  twin cleared so the machine's own cannot leak in. Call `killAll` after each test. */
export function cliSpawner() {
  const children: ChildProcess[] = []
  return {
    run(args: string[], env: Record<string, string> = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, PORT: '', HOST: '', SANDBOX_SCENARIO: '', SANDBOX_SEED: '', SANDBOX_ADMIN_TOKEN: '', SANDBOX_STATE_DIR: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      children.push(child)
      let stdout = ''
      let stderr = ''
      let all = ''
      child.stdout!.on('data', (d: Buffer) => ((stdout += d), (all += d)))
      child.stderr!.on('data', (d: Buffer) => ((stderr += d), (all += d)))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      /** Resolves with the match once stdout shows `pattern`, or null if the process ends or 15 s pass. */
      const waitFor = async (pattern: RegExp) => {
        for (let i = 0; i < 300 && !pattern.test(stdout) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50))
        return pattern.exec(stdout)
      }
      /** The sandbox's base URL once it says it is ready. */
      const base = async () => {
        const m = await waitFor(READY)
        if (!m) throw new Error(`the CLI did not start: ${all}`)
        return m[1]!
      }
      return { child, exited, waitFor, base, out: () => stdout, err: () => stderr, all: () => all }
    },
    killAll() {
      for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}
