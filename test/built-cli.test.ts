import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// What `npm start` and the Docker image run: the launcher (dist/main.js), the CLI bundle and its code cache.
describe('the built CLI', () => {
  it('builds with its code cache, starts from it and serves the default scenario', async () => {
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'pipe', timeout: 180_000 })
    expect(existsSync('dist/cli.cjs')).toBe(true)
    expect(existsSync('dist/cli.cjs.cache')).toBe(true)
    // What start-up no longer pays for: zod's 40-odd other languages (namespace imports let esbuild drop
    // them; the bundle was half as big again with them).
    const bundle = readFileSync('dist/cli.cjs', 'latin1')
    expect(bundle).not.toContain('Ung\\xFCltig')
    expect(bundle).toContain('Invalid input')
    const child = spawn(process.execPath, ['dist/main.js', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PARTNER_SANDBOX_CODE_CACHE_REPORT: '1' } })
    let out = ''
    try {
      const base = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d
          const m = /control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/.exec(out)
          if (m) resolve(m[1]!)
        })
        child.stderr.on('data', (d: Buffer) => (out += d))
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
      })
      // V8 takes the cache only under the flags it was made with: the CLI sets its own once it serves.
      expect(out).toContain('code cache: used')
      expect((await fetch(`${base}/__sandbox/health`)).status).toBe(200)
      const jobs = await fetch(`${base}/envisionme/job?limit=2&access_token=envisionme-demo-token`)
      expect(jobs.status).toBe(200)
      expect(((await jobs.json()) as unknown[]).length).toBe(2)
      // It finds its own package.json (the version) from the bundle's place.
      expect(execFileSync(process.execPath, ['dist/main.js', '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/)
    } finally {
      child.kill('SIGTERM')
    }
  }, 240_000)
})
