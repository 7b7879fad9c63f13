import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliSpawner } from './support/cli.js'

const spawner = cliSpawner()
afterEach(() => spawner.killAll())
const cli = (args: string[], env: Record<string, string> = {}) => spawner.run(args, env)

function scenarioFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'))
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

describe('CLI', () => {
  it('starts with the default scenario, prints where everything is, serves health, and exits 0 on SIGTERM', async () => {
    const run = cli(['--port', '0'])
    const m = await run.waitFor(/control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/)
    expect(m, run.err()).not.toBeNull()
    expect(run.out()).toMatch(/scenario "default" \(seed 1234\)/)
    const base = m![1]!
    const health = await (await fetch(`${base}/__sandbox/health`)).json()
    expect(health).toMatchObject({ status: 'ok', scenario: 'default' })

    // An open event stream must not hold shutdown.
    const events = await fetch(`${base}/__sandbox/events`)
    const reader = events.body!.getReader()
    await reader.read()
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    expect(run.out()).toMatch(/SIGTERM: finishing requests in flight/)
  })

  it('takes its settings from the environment too (PORT, SANDBOX_SCENARIO, SANDBOX_SEED)', async () => {
    const file = scenarioFile('env.yaml', 'name: from-env\nseed: 5\n')
    const run = cli([], { PORT: '0', SANDBOX_SCENARIO: file, SANDBOX_SEED: '77' })
    const m = await run.waitFor(/control API\s+(http:\/\/127\.0\.0\.1:\d+)/)
    expect(m, run.err()).not.toBeNull()
    expect(run.out()).toMatch(/scenario "from-env" \(seed 77\)/)
    run.child.kill('SIGINT')
    expect(await run.exited).toBe(0)
  })

  it('refuses to start on a bad scenario, listing every problem with the file name, exit 1', async () => {
    const file = scenarioFile('bad.yaml', 'seed: -1\nclock: { start: never }\n')
    const run = cli(['--scenario', file, '--port', '0'])
    expect(await run.exited).toBe(1)
    expect(run.err()).toContain(`${file}: seed:`)
    expect(run.err()).toContain(`${file}: clock.start:`)
  })

  it('validate: ok for good files, every problem for bad ones, exit 1 if any is bad', async () => {
    const good = scenarioFile('good.yaml', 'name: fine\n')
    const bad = scenarioFile('bad.json', '{"name": 3, "faults": [{}]}')
    const ok = cli(['validate', good])
    expect(await ok.exited).toBe(0)
    expect(ok.out()).toContain(`${good}: ok (scenario "fine")`)
    const both = cli(['validate', good, bad])
    expect(await both.exited).toBe(1)
    expect(both.err()).toContain(`${bad}: name:`)
    expect(both.err()).toContain(`${bad}: faults.0.partner:`)
  })

  it('token das prints a token the DAS partner accepts, and refuses a call without permissions', async () => {
    const jwt = await import('jsonwebtoken')
    const run = cli(['token', 'das', '--permissions', 'ReadApprenticeshipEvent,StoreAccountEvent', '--expires-in', '2h'])
    expect(await run.exited).toBe(0)
    const token = run.out().trim()
    const claims = jwt.default.verify(token, 'das-sandbox-signing-key', { audience: 'http://localhost/events', issuer: 'http://localhost:29638' }) as { data: string; exp: number; nbf: number }
    expect(claims.data).toBe('ReadApprenticeshipEvent StoreAccountEvent')
    expect(claims.exp - claims.nbf).toBe(7_200)
    expect(run.err()).toMatch(/expires/)
    const none = cli(['token', 'das'])
    expect(await none.exited).toBe(2)
    expect(none.err()).toMatch(/--permissions/)
  })

  it('explains itself with --help and refuses unknown flags and bad values with exit 2', async () => {
    const help = cli(['--help'])
    expect(await help.exited).toBe(0)
    expect(help.out()).toMatch(/Usage:/)
    expect(help.out()).toMatch(/--scenario FILE/)
    expect(help.out()).toMatch(/SANDBOX_ADMIN_TOKEN/)
    const unknown = cli(['--colour', 'red'])
    expect(await unknown.exited).toBe(2)
    expect(unknown.err()).toMatch(/colour/)
    const badPort = cli(['--port', 'eighty'])
    expect(await badPort.exited).toBe(2)
    expect(badPort.err()).toMatch(/--port/)
  })
})
