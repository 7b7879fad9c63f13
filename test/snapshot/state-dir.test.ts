import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliSpawner } from '../support/cli.js'

const spawner = cliSpawner()
afterEach(() => spawner.killAll())

/** The CLI on a free port with `--state-dir dir`; resolves with its base URL once it is ready. */
async function start(dir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; base: string; out: () => string }> {
  const run = spawner.run(['--port', '0', ...(env.SANDBOX_STATE_DIR ? [] : ['--state-dir', dir])], env)
  await run.waitFor(/Ready\./)
  const m = /control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/.exec(run.out())
  expect(m, run.all()).not.toBeNull()
  return { child: run.child, base: m![1]!, out: run.all }
}

const killed = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())))

interface Snapshot {
  partners: {
    das?: { data: { streams: { generic: { events: [number, number, { Type: string; Payload: string }][] } } } }
    cordell?: { data: { rows: { table: string; id: number; values: Record<string, unknown> }[] } }
  }
}

describe('--state-dir', () => {
  it('keeps every acknowledged write across kill -9 and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-dir-'))
    const first = await start(dir)
    expect(first.out()).toMatch(/state dir\s+.*: 0 saved sessions/)
    const json = { 'content-type': 'application/json' }
    const minted = await fetch(`${first.base}/__sandbox/das/tokens`, { method: 'POST', headers: json, body: JSON.stringify({ permissions: ['WriteGenericEvent', 'ReadGenericEvent'] }) })
    const { token } = (await minted.json()) as { token: string }

    // Writers in two sessions: DAS events (partner POSTs) and Cordell changes (control calls).
    const acked = { das: new Set<string>(), cordell: new Set<number>() }
    let stop = false
    const das = async (worker: number, session: string) => {
      for (let i = 0; !stop; i++) {
        const payload = `${session}/${worker}/${i}`
        try {
          const res = await fetch(`${first.base}/das/api/events/create`, {
            method: 'POST',
            headers: { ...json, authorization: `Bearer ${token}`, 'X-Sandbox-Session': session },
            body: JSON.stringify({ type: 'Stream', payload }),
          })
          if (res.status === 201) acked.das.add(payload)
          else throw new Error(`DAS answered ${res.status}`)
        } catch (error) {
          if (!stop) throw error
        }
      }
    }
    const cordell = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${first.base}/__sandbox/cordell/changes`, {
            method: 'POST',
            headers: { ...json, 'X-Sandbox-Session': 'writer-B' },
            body: JSON.stringify({ op: 'add', table: 'datasets', values: { NAME: 'Streamed' } }),
          })
          const body = (await res.json()) as { applied: { id: number }[] }
          if (res.status === 200 || res.status === 201) for (const a of body.applied) acked.cordell.add(a.id)
          else throw new Error(`Cordell answered ${res.status}`)
        } catch (error) {
          if (!stop) throw error
        }
      }
    }
    const writers = Promise.all([das(1, 'writer-A'), das(2, 'writer-A'), das(3, 'writer-B'), cordell()])
    // Mid-stream: once enough are acknowledged, with requests still in flight.
    while (acked.das.size < 150 || acked.cordell.size < 20) await new Promise((r) => setTimeout(r, 5))
    first.child.kill('SIGKILL')
    stop = true
    await killed(first.child)
    await writers
    const counted = { das: acked.das.size, cordell: acked.cordell.size }

    expect(readdirSync(join(dir, 'sessions')).sort()).toEqual(expect.arrayContaining(['writer-~a.json', 'writer-~b.json']))
    const second = await start(dir)
    expect(second.out()).toMatch(/state dir\s+.*: [2-9] saved sessions/)
    const stored = new Set<string>()
    const datasets = new Set<number>()
    for (const session of ['writer-A', 'writer-B']) {
      const res = await fetch(`${second.base}/__sandbox/snapshot`, { headers: { 'X-Sandbox-Session': session } })
      const snap = (await res.json()) as Snapshot
      for (const [, , row] of snap.partners.das?.data.streams.generic.events ?? []) stored.add(row.Payload)
      for (const row of snap.partners.cordell?.data.rows ?? []) if (row.table === 'datasets') datasets.add(row.id)
    }
    const lostDas = [...acked.das].filter((p) => !stored.has(p))
    const lostCordell = [...acked.cordell].filter((id) => !datasets.has(id))
    expect({ lostDas, lostCordell }).toEqual({ lostDas: [], lostCordell: [] })
    expect(counted.das).toBeGreaterThanOrEqual(150)
    // At most the writes in flight at the kill were saved without being acknowledged.
    expect(stored.size - counted.das).toBeLessThanOrEqual(3)

    // The restored sessions keep working: the next event follows the last one.
    const more = await fetch(`${second.base}/das/api/events/create`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}`, 'X-Sandbox-Session': 'writer-A' },
      body: JSON.stringify({ type: 'Stream', payload: 'after' }),
    })
    expect(more.status).toBe(201)
    second.child.kill('SIGTERM')
    await killed(second.child)
  }, 60_000)

  it('takes SANDBOX_STATE_DIR too, and forgets a deleted session on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-dir-env-'))
    const first = await start(dir, { SANDBOX_STATE_DIR: dir })
    const post = await fetch(`${first.base}/__sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Sandbox-Session': 'gone' }, body: '{"frozen":true}' })
    expect(post.status).toBe(200)
    expect(readdirSync(join(dir, 'sessions'))).toContain('gone.json')
    const deleted = await fetch(`${first.base}/__sandbox/sessions/gone`, { method: 'DELETE' })
    expect(deleted.status).toBe(200)
    expect(readdirSync(join(dir, 'sessions'))).not.toContain('gone.json')
    first.child.kill('SIGTERM')
    await killed(first.child)
  }, 30_000)
})
