import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { create } from 'xmlbuilder2'
import { startSandbox, type RunningSandbox } from '../../../src/sandbox.js'
import { cordell } from '../../../src/partners/cordell/index.js'
import { NS as COSTING_NS, SOAP12_NS, type OperationName } from '../../../src/partners/cordell/fields.js'
import { escapeText, resultEnvelope } from '../../../src/partners/cordell/soap.js'
import type { ResultSet } from '../../../src/partners/cordell/views.js'
import { authHeader, envelope, login, op, raw } from './support.js'

/** The Cordell hot path's caches: cached download bodies, remembered envelopes and base-URL prefixes,
 *  the envelope written as text, and the audit ring. Each cache must go when what it depends on changes. */

const START = '2026-01-14T16:00:00+05:00'
let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({
    partners: [cordell],
    scenario: {
      name: 'cordell-cache',
      seed: 11,
      clock: { start: START, frozen: true },
      partners: { cordell: { categories: { generate: 2 }, entriesPerCategory: 1, itemsPerEntry: 3, regions: [1], auditLimit: 5 } },
    },
  })
})
afterAll(() => sb.close())

let n = 0
const session = async () => {
  const id = `cordell-cache-${++n}`
  const s = { id, base: `${sb.url}/__s/${id}/cordell`, control: `${sb.url}/__s/${id}/__sandbox` }
  await post(`${s.control}/clock`, { set: START })
  return s
}
const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const bearer = (token: string, accept?: string) => ({ headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) } })
const dataSet = (base: string, token: string, accept?: string) => raw(base, envelope(op('GetDataSet', { COMPLETESET: 1 })), bearer(token, accept))

/** The envelope as xmlbuilder2 wrote it before the text writer replaced it. */
function xmlbuilder2Envelope(name: OperationName, result: ResultSet): string {
  const marker = '@@rows@@'
  const doc = create({ version: '1.0', encoding: 'utf-8' })
  doc.ele(SOAP12_NS, 's:Envelope').ele(SOAP12_NS, 's:Body').ele(COSTING_NS, `${name}Response`).ele(COSTING_NS, `${name}Result`).txt(marker)
  const rows = result.map((t) => t.rows.map((cells) => `<${t.row}>${cells.map(([k, v]) => `<${k}>${escapeText(String(v))}</${k}>`).join('')}</${t.row}>`).join('')).join('')
  return doc.end().replace(marker, rows)
}

describe('the result envelope', () => {
  it('writes the envelope xmlbuilder2 wrote, escaping every value', () => {
    const results: [OperationName, ResultSet][] = [
      ['GetDataSet', []],
      ['GetCategories', [{ row: 'Category', rows: [] }]],
      ['GetDataSet', [{ row: 'Dataset', rows: [[['DATASETID', 1], ['NAME', 'A & <B> "c" \'d\' ]]>\r\u0001\uD800']], [['DATASETID', -2.5]]] }]],
      ['GetCategoryEntriesWithItems', [{ row: 'Entry', rows: [[['ENTRYID', 3]]] }, { row: 'Items', rows: [] }, { row: 'Ingredients', rows: [[['ID', 4], ['QUANTITY', '1.50']]] }]],
    ]
    for (const [name, result] of results) expect(resultEnvelope(name, result)).toBe(xmlbuilder2Envelope(name, result))
  })
})

describe('cached download bodies', () => {
  it('serve the same bytes until a row changes, then the changed data, in XML and JSON', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'qs')
    const first = await dataSet(s.base, AccessToken)
    const json = await dataSet(s.base, AccessToken, 'application/json')
    expect((await dataSet(s.base, AccessToken)).text).toBe(first.text)
    expect((await dataSet(s.base, AccessToken, 'application/json')).text).toBe(json.text)
    expect(json.type).toBe('application/json')

    expect((await post(`${s.control}/cordell/changes`, { op: 'modify', table: 'datasets', id: 1, values: { NAME: 'Renamed & <new>' } })).status).toBe(200)
    const renamed = await dataSet(s.base, AccessToken)
    expect(renamed.text).not.toBe(first.text)
    expect(renamed.text).toContain('<NAME>Renamed &amp; &lt;new&gt;</NAME><DATASETSTATUS>Active</DATASETSTATUS>')
    expect(renamed.text).toContain('<DATEMODIFIED>2026-01-14T11:00:00.000Z</DATEMODIFIED>')
    expect(JSON.parse((await dataSet(s.base, AccessToken, 'application/json')).text).Dataset[0]).toMatchObject({ NAME: 'Renamed & <new>' })

    await post(`${s.control}/clock`, { advance: '10m' })
    await post(`${s.control}/cordell/changes`, { op: 'delete', table: 'datasets', id: 2 })
    const deleted = await dataSet(s.base, AccessToken)
    // COMPLETESET=1 gives the live rows: dataset 2 is gone.
    expect(deleted.text).toContain('<DATASETID>1</DATASETID>')
    expect(deleted.text).not.toContain('<DATASETID>2</DATASETID>')

    // The timeline's changes go through the same door as the control API's.
    await post(`${s.control}/cordell/changes`, { op: 'add', table: 'datasets', values: { NAME: 'Added' } })
    expect((await dataSet(s.base, AccessToken)).text).toContain('<NAME>Added</NAME>')
  })

  it('keep deltas apart by the download mark: an unchanged delta is empty, a changed one holds the change', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'estimator')
    const delta = () => raw(s.base, envelope(op('GetDataSet')), bearer(AccessToken))
    expect((await delta()).text).toContain('<DATASETID>2</DATASETID>')
    const empty = await delta()
    expect(empty.text).toContain('<GetDataSetResult></GetDataSetResult>')
    expect((await delta()).text).toBe(empty.text)
    await post(`${s.control}/cordell/changes`, { op: 'modify', table: 'datasets', id: 2 })
    const changed = await delta()
    expect(changed.text).toContain('<DATASETID>2</DATASETID>')
    expect(changed.text).not.toContain('<DATASETID>1</DATASETID>')
    expect((await delta()).text).toBe(empty.text)
    const audit = (await (await fetch(`${s.control}/cordell/audit?method=GetDataSet`)).json()).audit
    expect(audit.map((a: { mode: string; records: number }) => [a.mode, a.records])).toEqual([['full', 2], ['delta', 0], ['delta', 0], ['delta', 1], ['delta', 0]])
  })

  it('start a delta afresh once its marks are forgotten, for the user whose marks went and no other', async () => {
    const s = await session()
    const est = (await login(s.base, 'estimator')).AccessToken
    const qs = (await login(s.base, 'qs')).AccessToken
    const delta = (token: string) => raw(s.base, envelope(op('GetDataSet')), bearer(token))
    const full = await delta(est)
    expect(full.text).toContain('<DATASETID>2</DATASETID>')
    await delta(qs)
    const empty = await delta(est)
    expect(empty.text).toContain('<GetDataSetResult></GetDataSetResult>')
    const forget = await fetch(`${s.control}/cordell/downloads?user=estimator`, { method: 'DELETE' })
    expect(await forget.json()).toEqual({ deleted: 1 })
    // The very mark the last call moved on is gone: the next call is a first call again.
    expect((await delta(est)).text).toBe(full.text)
    expect((await delta(est)).text).toBe(empty.text)
    expect((await delta(qs)).text).toBe(empty.text)
    await fetch(`${s.control}/cordell/downloads`, { method: 'DELETE' })
    expect((await delta(qs)).text).toBe(full.text)
  })

  it('keep a privileged user\'s ingredients from a regular user, and each dataset apart', async () => {
    const s = await session()
    const qs = (await login(s.base, 'qs')).AccessToken
    const est = (await login(s.base, 'estimator')).AccessToken
    const entries = (token: string, dataset: number) => raw(s.base, envelope(op('GetCategoryEntriesWithItems', { DATASET: dataset, COMPLETESET: 1 })), bearer(token))
    const privileged = await entries(qs, 1)
    const regular = await entries(est, 1)
    expect(privileged.text).toContain('<Ingredients>')
    expect(regular.text).not.toContain('<Ingredients>')
    expect((await entries(qs, 1)).text).toBe(privileged.text)
    const other = await entries(qs, 2)
    expect(other.text).not.toBe(privileged.text)
    expect((await entries(est, 1)).text).toBe(regular.text)
  })

  it('are never served on a token that has expired on the session clock', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'qs')
    expect((await dataSet(s.base, AccessToken)).status).toBe(200)
    await post(`${s.control}/clock`, { advance: '61m' })
    const expired = await dataSet(s.base, AccessToken)
    expect(expired.status).toBe(400)
    expect(expired.text).toContain('c:TokenExpired')
  })

  it('belong to one session: a change in one leaves another\'s answers alone', async () => {
    const a = await session()
    const b = await session()
    // Tokens come from the session's seeded stream: A's second token is one B never issued.
    await login(a.base, 'qs')
    const ta = (await login(a.base, 'qs')).AccessToken
    const tb = (await login(b.base, 'qs')).AccessToken
    const before = (await dataSet(b.base, tb)).text
    expect((await dataSet(a.base, ta)).text).toBe(before)
    await post(`${a.control}/cordell/changes`, { op: 'modify', table: 'datasets', id: 1, values: { NAME: 'Only in A' } })
    expect((await dataSet(a.base, ta)).text).toContain('Only in A')
    expect((await dataSet(b.base, tb)).text).toBe(before)
    // A token of one session is not a token of the other, though the body is the same text.
    expect((await dataSet(b.base, ta)).text).toContain('c:InvalidToken')
  })
})

describe('remembered envelopes and base URLs', () => {
  it('check the URL, action and token of every call, though the body is one they have read before', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'qs')
    const body = envelope(op('GetDataSet', { COMPLETESET: 1 }), authHeader(AccessToken))
    expect((await raw(s.base, body, { path: '/Costing/GetDataset/' })).status).toBe(200)
    const wrongUrl = await raw(s.base, body, { path: '/Costing/GetCategories/' })
    expect([wrongUrl.status, wrongUrl.text]).toEqual([400, expect.stringContaining('a:ActionNotSupported')])
    const wrongAction = await raw(s.base, body, { action: `${COSTING_NS}GetCategories` })
    expect([wrongAction.status, wrongAction.text]).toEqual([400, expect.stringContaining('a:ActionNotSupported')])
    expect((await raw(s.base, body)).status).toBe(200)
    await post(`${s.control}/clock`, { advance: '2h' })
    expect((await raw(s.base, body)).text).toContain('c:TokenExpired')
    // A malformed body faults every time, not only the first.
    for (let i = 0; i < 2; i++) expect((await raw(s.base, envelope('<GetDataSet'))).text).toContain('c:MalformedXml')
  })

  it('route a session at its path prefix and at the root with a session header alike', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'qs')
    const prefixed = await dataSet(s.base, AccessToken)
    const res = await fetch(`${sb.url}/cordell/Costing/GetDataset/`, {
      method: 'POST',
      headers: { 'content-type': 'application/soap+xml; charset=utf-8', authorization: `Bearer ${AccessToken}`, 'x-sandbox-session': s.id },
      body: envelope(op('GetDataSet', { COMPLETESET: 1 })),
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(prefixed.text)
    const wsdl = await (await fetch(`${s.base}/Costing?wsdl`)).text()
    expect(wsdl).toContain(`${s.base}/Costing`)
  })
})

describe('the audit trail', () => {
  it('keeps the last auditLimit rows, oldest first, whenever it is read', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'qs')
    const trail = async () => (await (await fetch(`${s.control}/cordell/audit`)).json()) as { audit: { id: number; method: string }[]; total: number }
    for (let i = 0; i < 7; i++) await dataSet(s.base, AccessToken)
    // The login and 7 calls: 8 rows made, the 5 newest kept.
    let t = await trail()
    expect([t.total, t.audit.map((a) => a.id)]).toEqual([5, [4, 5, 6, 7, 8]])
    for (let i = 0; i < 3; i++) await dataSet(s.base, AccessToken)
    t = await trail()
    expect(t.audit.map((a) => a.id)).toEqual([7, 8, 9, 10, 11])
    expect((await (await fetch(`${s.control}/cordell/audit?limit=2`)).json()).audit.map((a: { id: number }) => a.id)).toEqual([10, 11])
    await dataSet(s.base, AccessToken)
    expect((await trail()).audit.map((a) => a.id)).toEqual([8, 9, 10, 11, 12])
  })
})
