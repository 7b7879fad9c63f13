import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { cordell } from '../../src/partners/cordell/index.js'
import { authHeader, envelope, login, op, raw } from '../partners/cordell/support.js'
import { controlOf, copySession, sameAnswer } from './support.js'

let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({
    partners: [cordell],
    scenario: {
      name: 'cordell-snapshot',
      seed: 7,
      clock: { start: '2026-01-14T16:00:00+05:00', frozen: true },
      partners: {
        cordell: {
          users: [{ username: 'qs', password: 'pass', datasets: [1, 2], privileged: true }],
          categories: { generate: 3 },
          entriesPerCategory: 2,
          itemsPerEntry: 3,
          regions: [1, 2],
        },
      },
    },
  })
})
afterAll(() => sb.close())

describe('Cordell snapshot', () => {
  it('keeps changed rows, tokens, per-user download marks and the audit trail; deltas answer the same', async () => {
    const base = (s: string) => `${sb.url}/__s/${s}/cordell`
    const { AccessToken } = await login(base('cor-a'), 'qs')
    const call = (s: string, name: string, params: Record<string, string | number> = {}) => raw(base(s), envelope(op(name, params), authHeader(AccessToken)))
    expect((await call('cor-a', 'GetCategoryEntriesWithItems', { DATASET: '1' })).status).toBe(200)
    const control = controlOf(sb, 'cor-a')
    await control.post('/clock', { advance: '30m' })
    const changed = await control.post('/cordell/changes', {
      changes: [
        { op: 'add', table: 'items', values: { ENTRYID: 1, ITEMCODE: 'NEW.1' } },
        { op: 'modify', table: 'items', count: 2, dataset: 1 },
        { op: 'delete', table: 'entries', id: 2 },
        { op: 'modify', table: 'categories', id: 1, values: { TIPDESCRIPTION: 'A tip' } },
      ],
    })
    expect(changed.status).toBe(200)

    const snap = await copySession(sb, 'cor-a', 'cor-b')
    const data = snap.partners.cordell!.data as { rows: unknown[]; tokens: unknown[]; marks: unknown[]; audit: unknown[] }
    expect(data.tokens).toHaveLength(1)
    expect(data.marks).toHaveLength(1)
    expect(data.audit.length).toBeGreaterThan(0)
    // Only changed rows: the generated ones are the seed's.
    expect(data.rows.length).toBeLessThan(60)

    await sameAnswer(sb, 'cor-a', 'cor-b', '/__sandbox/cordell/audit')
    await sameAnswer(sb, 'cor-a', 'cor-b', '/__sandbox/cordell/downloads')
    // The token from before works in the copy, and the delta since the mark is the same rows.
    const a = await call('cor-a', 'GetCategoryEntriesWithItems', { DATASET: '1' })
    const b = await call('cor-b', 'GetCategoryEntriesWithItems', { DATASET: '1' })
    expect(a.status).toBe(200)
    expect(b).toEqual(a)
    // Random picks go on alike: a modify by count picks the same rows in both.
    const pickA = await (await controlOf(sb, 'cor-a').post('/cordell/changes', { op: 'modify', table: 'prices', count: 3 })).json()
    const pickB = await (await controlOf(sb, 'cor-b').post('/cordell/changes', { op: 'modify', table: 'prices', count: 3 })).json()
    expect(pickB).toEqual(pickA)
    const loginA = await login(base('cor-a'), 'qs')
    const loginB = await login(base('cor-b'), 'qs')
    expect(loginB.AccessToken).toBe(loginA.AccessToken)
  })

  it('refuses an audit row whose time is not an ISO time, and changes nothing', async () => {
    const control = controlOf(sb, 'cor-d')
    await login(`${sb.url}/__s/cor-d/cordell`, 'qs')
    const snap = await control.snapshot()
    for (const [field, value] of [['at', 'yesterday'], ['since', '2026-13-45']] as const) {
      const bad = structuredClone(snap)
      ;(bad.partners.cordell!.data as { audit: Record<string, unknown>[] }).audit[0]![field] = value
      const res = await control.put('/snapshot', bad)
      expect(res.status, field).toBe(400)
      expect(JSON.stringify(await res.json())).toContain(`audit.0.${field}`)
    }
    expect(await control.snapshot()).toEqual(snap)
    expect((await fetch(`${sb.url}/__s/cor-d/__sandbox/cordell/audit`)).status).toBe(200)
  })

  it('refuses a row whose key disagrees with its id, and changes nothing', async () => {
    const control = controlOf(sb, 'cor-c')
    await control.post('/cordell/changes', { op: 'add', table: 'datasets', values: { NAME: 'X' } })
    const snap = await control.snapshot()
    const bad = structuredClone(snap)
    ;(bad.partners.cordell!.data as { rows: { id: number }[] }).rows[0]!.id = 999
    const res = await control.put('/snapshot', bad)
    expect(res.status).toBe(400)
    expect(JSON.stringify(await res.json())).toMatch(/datasets row 999 has DATASETID/)
    expect(await control.snapshot()).toEqual(snap)
  })
})
