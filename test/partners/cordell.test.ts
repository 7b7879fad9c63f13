import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { cordell } from '../../src/partners/cordell/index.js'
import { CATEGORY_FIELDS, DATASET_FIELDS, ENTRY_FIELDS, INGREDIENT_FIELDS, INGREDIENT_PRICE_FIELDS, ITEM_FIELDS, PRICE_FIELDS } from '../../src/partners/cordell/fields.js'
import { authHeader, client, envelope, faultOf, login, NS, op, raw, rows } from './cordell/support.js'
import { Xsd } from './cordell/xsd.js'

const START = '2026-01-14T16:00:00+05:00'
let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({
    partners: [cordell],
    scenario: {
      name: 'cordell-test',
      seed: 7,
      clock: { start: START, frozen: true },
      partners: {
        cordell: {
          users: [
            { username: 'estimator', password: 'pass', datasets: [1] },
            { username: 'qs', password: 'pass', datasets: [1, 2], privileged: true },
          ],
          categories: { generate: 3 },
          entriesPerCategory: 2,
          itemsPerEntry: 3,
          regions: [1, 2],
        },
      },
      timeline: [{ at: '+1d', do: 'cordell.change', with: { op: 'modify', table: 'categories', id: 2, values: { DESCRIPTION: 'Demolition & Removal' } } }],
    },
  })
})
afterAll(() => sb.close())

// Each test has a session of its own, through the path prefix, so node-soap needs no extra header and the
// WSDL's address keeps the session.
// The clock is set to the start exactly: a frozen clock made from `start` can be a millisecond past it,
// because the core's Clock reads real time twice (see the report).
let n = 0
const session = async () => {
  const id = `cordell-${++n}`
  const s = { id, base: `${sb.url}/__s/${id}/cordell`, control: `${sb.url}/__s/${id}/__sandbox` }
  await post(`${s.control}/clock`, { set: START })
  return s
}
const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
// Per dataset: 3 categories × 2 entries; × 3 items; 2 ingredients (the components) per recipe.
const ENTRIES = 6
const ITEMS = 18
const INGREDIENTS = 12

describe('login', () => {
  it('issues a new token per login as JSON with issue and expiry times on the session clock', async () => {
    const s = await session()
    const a = await login(s.base, 'qs')
    const b = await login(s.base, 'qs')
    expect(a.AccessToken).not.toBe(b.AccessToken)
    expect(a.IssueTime).toBe('2026-01-14T11:00:00.000Z')
    expect(a.ExpireTime).toBe('2026-01-14T12:00:00.000Z')
    expect(a.ExpiresIn).toBe(3600)
    // Both tokens work at once (seed 004: one user, several logins, several tokens).
    for (const token of [a.AccessToken, b.AccessToken]) {
      const res = await raw(s.base, envelope(op('GetDataSet'), authHeader(token)))
      expect(res.status).toBe(200)
    }
    // The token in the SOAP header is masked in the journal.
    const calls = sb.session(s.id).journal.list({ path: '/Costing' })
    expect(calls).toHaveLength(2)
    for (const e of calls) expect(e.body).not.toContain(a.AccessToken.slice(0, 20))
  })

  it('takes a form too, and refuses a wrong password with 401 and a reason in the journal', async () => {
    const s = await session()
    const form = await fetch(`${s.base}/Costing/Login`, { method: 'POST', body: new URLSearchParams({ username: 'estimator', password: 'pass' }) })
    expect(form.status).toBe(200)
    const bad = await fetch(`${s.base}/Costing/Login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"UserName":"qs","Password":"nope"}' })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({ error: 'The user name or password is incorrect.' })
    const missing = await fetch(`${s.base}/Costing/Login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"UserName":"qs"}' })
    expect(missing.status).toBe(400)
    const entries = sb.session(s.id).journal.list({ path: '/Costing/Login' })
    expect(entries.map((e) => e.refusal)).toEqual([null, 'wrong password for user "qs"', expect.stringContaining('password')])
    // The password never reaches the journal.
    expect(entries.some((e) => e.body.includes('nope'))).toBe(false)
  })

  it('faults an expired token after tokenTtl of session time, and a new login works', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'estimator')
    const c = await client(s.base, AccessToken)
    await c.GetDataSetAsync({})
    await post(`${s.control}/clock`, { advance: '61m' })
    const error = await c.GetDataSetAsync({}).then(() => undefined, (e: Error) => e)
    expect(error?.message).toMatch(/s:Sender: c:TokenExpired: The access token expired at 2026-01-14T12:00:00.000Z/)
    const again = await login(s.base, 'estimator')
    const res = await raw(s.base, envelope(op('GetDataSet')), { headers: { authorization: `Bearer ${again.AccessToken}` } })
    expect(res.status).toBe(200)
  })
})

describe('WSDL and node-soap', () => {
  it('describes one SOAP 1.2 port at the dispatching endpoint, with every field of the document in its XSD', async () => {
    const s = await session()
    const res = await fetch(`${s.base}/Costing?wsdl`)
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text.match(/<wsdl:port /g)).toHaveLength(1)
    expect(text).toContain(`<soap12:address location="${s.base}/Costing"/>`)
    expect(text).not.toMatch(/schemas\.xmlsoap\.org\/wsdl\/soap\/"/)
    const xsd = new Xsd(text)
    const names = xsd.allNames()
    for (const [name] of [...DATASET_FIELDS, ...CATEGORY_FIELDS, ...ENTRY_FIELDS, ...ITEM_FIELDS, ...INGREDIENT_FIELDS, ...PRICE_FIELDS, ...INGREDIENT_PRICE_FIELDS]) {
      expect(names, name).toContain(name)
    }
    for (const input of ['COMPLETESET', 'DATASET', 'ITEMCODE', 'DATASETID', 'REGIONID', 'AccessToken']) expect(names).toContain(input)
    const c = await client(s.base)
    expect(Object.keys(c.describe().Costing.CostingSoap12).sort()).toEqual(['GetCategories', 'GetCategoryEntriesWithItems', 'GetDataSet', 'GetItemCostingById'])
  })

  it('answers every method through node-soap', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'qs')
    const c = await client(s.base, AccessToken)
    const [datasets] = await c.GetDataSetAsync({})
    expect(rows(datasets.GetDataSetResult, 'Dataset').map((d) => d.DATASETID)).toEqual([1, 2])
    expect(rows(datasets.GetDataSetResult, 'Dataset')[0]).toMatchObject({ NAME: 'Cordell Commercial & Industrial Building Cost Guide', DATASETSTATUS: 'Active' })
    const [categories] = await c.GetCategoriesAsync({ COMPLETESET: 1 })
    const cats = rows(categories.GetCategoriesResult, 'Category')
    expect(cats.map((x) => x.CODE)).toEqual(['01', '02', '03'])
    expect(cats[0]).toHaveProperty('TIPID')
    expect(cats[1]).not.toHaveProperty('TIPID')
    const [entries] = await c.GetCategoryEntriesWithItemsAsync({ DATASET: '2' })
    const result = entries.GetCategoryEntriesWithItemsResult
    expect([rows(result, 'Entry').length, rows(result, 'Items').length, rows(result, 'Ingredients').length]).toEqual([ENTRIES, ITEMS, INGREDIENTS])
    const recipe = rows<{ ITEMCODE: string }>(result, 'Items')[0]!
    const [costing] = await c.GetItemCostingByIdAsync({ ITEMCODE: recipe.ITEMCODE, DATASETID: 2, REGIONID: 2 })
    const prices = rows(costing.GetItemCostingByIdResult, 'PriceSummary')
    // A recipe with two ingredients: one row per ingredient, each with the ingredient's own price.
    expect(prices).toHaveLength(2)
    for (const p of prices) {
      expect(p).toMatchObject({ ITEMCODE: recipe.ITEMCODE, DATASETID: 2, REGIONID: 2, INGREDIENTREGIONID: 2, INGREDIENTDATASETID: 2 })
      const total = ['LABOUR', 'MATERIAL', 'PLANT', 'SUBCONTRACT'].reduce((sum, k) => sum + Number(p[k]), 0)
      expect(Number(p.TOTALBAPRICE)).toBeCloseTo(total, 2)
    }
  })

  it('reads a fault as an error with Code, Subcode and Reason', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'estimator')
    const c = await client(s.base, AccessToken)
    const error = (await c.GetCategoryEntriesWithItemsAsync({ DATASET: '2' }).then(() => undefined, (e: unknown) => e)) as Error & { root?: any }
    expect(error.message).toBe('s:Sender: c:DatasetNotLicensed: You do not have access to dataset 2. Please contact your Cordell representative.')
    expect(error.root.Envelope.Body.Fault.Reason.Text.attributes['xml:lang']).toBe('en-US')
  })
})

describe('delta downloads', () => {
  it('gives everything first, nothing unchanged, then exactly what changed; COMPLETESET=1 gives all and records the time', async () => {
    const s = await session()
    const c = await client(s.base, (await login(s.base, 'estimator')).AccessToken)
    const get = async (args: Record<string, unknown> = {}) => (await c.GetCategoryEntriesWithItemsAsync({ DATASET: '1', ...args }))[0]?.GetCategoryEntriesWithItemsResult
    const first = await get()
    expect([rows(first, 'Entry').length, rows(first, 'Items').length, rows(first, 'Ingredients').length]).toEqual([ENTRIES, ITEMS, 0])
    expect([rows(await get(), 'Entry').length, rows(await get(), 'Items').length]).toEqual([0, 0])

    await post(`${s.control}/clock`, { advance: '30m' })
    const changed = await post(`${s.control}/cordell/changes`, { op: 'modify', table: 'items', id: 5, values: { DESCRIPTION: 'Hardwood beam 190 x 45' } })
    expect(changed.status).toBe(200)
    const delta = await get()
    expect(rows(delta, 'Entry')).toEqual([])
    expect(rows(delta, 'Items')).toEqual([expect.objectContaining({ ITEMID: 5, DESCRIPTION: 'Hardwood beam 190 x 45', ITEMSTATUS: 'Active', DATEMODIFIED: '2026-01-14T11:30:00.000Z' })])

    await post(`${s.control}/cordell/changes`, { op: 'delete', table: 'items', id: 7 })
    const deleted = rows(await get(), 'Items')
    expect(deleted).toEqual([expect.objectContaining({ ITEMID: 7, ITEMSTATUS: 'Deleted', DATEDELETED: '2026-01-14T11:30:00.000Z' })])

    const all = await get({ COMPLETESET: 1 })
    expect(rows(all, 'Items')).toHaveLength(ITEMS - 1)
    expect(rows(await get(), 'Items')).toEqual([])
    const audit = await (await fetch(`${s.control}/cordell/audit?method=GetCategoryEntriesWithItems`)).json()
    expect(audit.audit.map((a: { mode: string; records: number }) => [a.mode, a.records])).toEqual([
      ['full', ENTRIES + ITEMS], ['delta', 0], ['delta', 0], ['delta', 1], ['delta', 1], ['complete', ENTRIES + ITEMS - 1], ['delta', 0],
    ])
  })

  it('shares the seed rows between sessions but never a change: a change in one session shows in no other', async () => {
    const [a, b] = [await session(), await session()]
    const itemsOf = async (s: { base: string }) => {
      const c = await client(s.base, (await login(s.base, 'qs')).AccessToken)
      const result = (await c.GetCategoryEntriesWithItemsAsync({ DATASET: '1', COMPLETESET: 1 }))[0]?.GetCategoryEntriesWithItemsResult
      return { items: rows(result, 'Items'), ingredients: rows(result, 'Ingredients') }
    }
    const before = await itemsOf(b)
    // An item changed in a: its own row, and the ingredients that repeat its code, description and unit.
    const recipe = before.ingredients[0] as { INGREDIENTID: number }
    expect((await post(`${a.control}/cordell/changes`, { op: 'modify', table: 'items', id: recipe.INGREDIENTID, values: { ITEMCODE: 'CHANGED.1', DESCRIPTION: 'Changed in a' } })).status).toBe(200)
    const inA = await itemsOf(a)
    expect(inA.items.find((i) => i.ITEMID === recipe.INGREDIENTID)).toMatchObject({ ITEMCODE: 'CHANGED.1', DESCRIPTION: 'Changed in a' })
    expect(inA.ingredients.filter((i) => i.INGREDIENTID === recipe.INGREDIENTID).every((i) => i.DESCRIPTION === 'Changed in a')).toBe(true)
    // b, and a session made afterwards, still have the seed's rows.
    expect(await itemsOf(b)).toEqual(before)
    expect(await itemsOf(await session())).toEqual(before)
  })

  it('keeps each user\'s and each dataset\'s last download apart', async () => {
    const s = await session()
    const est = await client(s.base, (await login(s.base, 'estimator')).AccessToken)
    const qs = await client(s.base, (await login(s.base, 'qs')).AccessToken)
    const items = async (c: typeof est, dataset: string) => rows((await c.GetCategoryEntriesWithItemsAsync({ DATASET: dataset }))[0]?.GetCategoryEntriesWithItemsResult, 'Items').length
    expect(await items(est, '1')).toBe(ITEMS)
    expect(await items(est, '1')).toBe(0)
    // qs has not downloaded dataset 1 yet: a first call, whatever estimator did.
    expect(await items(qs, '1')).toBe(ITEMS)
    expect(await items(qs, '2')).toBe(ITEMS)
    await post(`${s.control}/cordell/changes`, { changes: [{ op: 'add', table: 'items', values: { ENTRYID: 1, ITEMCODE: 'NEW.1' } }, { op: 'modify', table: 'items', count: 2, dataset: 2 }] })
    expect(await items(est, '1')).toBe(1)
    expect(await items(qs, '1')).toBe(1)
    expect(await items(qs, '2')).toBe(2)
    const marks = await (await fetch(`${s.control}/cordell/downloads`)).json()
    expect(marks.downloads).toHaveLength(3)
  })

  it('sends deleted rows with their status and DATEDELETED, and privileged users the ingredients that went with them', async () => {
    const s = await session()
    const qs = await client(s.base, (await login(s.base, 'qs')).AccessToken)
    const get = async () => (await qs.GetCategoryEntriesWithItemsAsync({ DATASET: '1' }))[0]?.GetCategoryEntriesWithItemsResult
    await get()
    // Entry 1 holds items 1-3; item 1 is the recipe of ingredients 1 and 2.
    await post(`${s.control}/cordell/changes`, { op: 'delete', table: 'entries', id: 1 })
    const delta = await get()
    expect(rows(delta, 'Entry')).toEqual([expect.objectContaining({ ENTRYID: 1, ENTRYSTATUS: 'Deleted', DATEDELETED: '2026-01-14T11:00:00.000Z' })])
    expect(rows(delta, 'Items').map((i) => [i.ITEMID, i.ITEMSTATUS])).toEqual([[1, 'Deleted'], [2, 'Deleted'], [3, 'Deleted']])
    expect(rows(delta, 'Ingredients').map((i) => [i.ID, i.INGREDIENTSTATUS])).toEqual([[1, 'Deleted'], [2, 'Deleted']])
  })

  it('follows GetDataSet and GetCategories deltas through the scenario timeline, days of session time in one call', async () => {
    const s = await session()
    let c = await client(s.base, (await login(s.base, 'qs')).AccessToken)
    const categories = async () => rows((await c.GetCategoriesAsync({}))[0]?.GetCategoriesResult, 'Category')
    expect(await categories()).toHaveLength(3)
    await post(`${s.control}/cordell/changes`, { op: 'add', table: 'datasets', values: { NAME: 'Cordell Estimator Data' } })
    await post(`${s.control}/clock`, { advance: '3d' })
    // Three days on, the old token has expired; the marks belong to the user, not the token.
    c = await client(s.base, (await login(s.base, 'qs')).AccessToken)
    expect(await categories()).toEqual([expect.objectContaining({ CATEGORYID: 2, DESCRIPTION: 'Demolition & Removal', DATEMODIFIED: '2026-01-15T11:00:00.000Z' })])
    const [ds] = await c.GetDataSetAsync({})
    expect(rows(ds.GetDataSetResult, 'Dataset')).toHaveLength(3)
    const [again] = await c.GetDataSetAsync({})
    expect(rows(again?.GetDataSetResult, 'Dataset')).toEqual([])
  })

  it('gives two sessions of one scenario byte-identical data', async () => {
    const a = await session()
    const b = await session()
    const bodies = await Promise.all([a, b].map(async (s) => {
      const { AccessToken } = await login(s.base, 'qs')
      return (await raw(s.base, envelope(op('GetCategoryEntriesWithItems', { DATASET: 2 }), authHeader(AccessToken)))).text
    }))
    expect(bodies[0]!.length).toBeGreaterThan(5_000)
    expect(bodies[0]).toBe(bodies[1])
  })
})

describe('licences and privileges', () => {
  it('checks the dataset licence for entries and costing, not for datasets and categories', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'estimator')
    const h = authHeader(AccessToken)
    expect((await raw(s.base, envelope(op('GetDataSet'), h))).status).toBe(200)
    expect((await raw(s.base, envelope(op('GetCategories'), h))).status).toBe(200)
    for (const body of [op('GetCategoryEntriesWithItems', { DATASET: 2 }), op('GetItemCostingById', { ITEMCODE: '01.01.001', DATASETID: 2, REGIONID: 1 })]) {
      const res = await raw(s.base, envelope(body, h))
      expect(res.status).toBe(400)
      expect(faultOf(res.text)).toMatchObject({ code: 's:Sender', subcode: 'c:DatasetNotLicensed', reason: expect.stringContaining('contact your Cordell representative') })
    }
  })

  it('gives regular users entries, items and prices without ingredients, privileged users the ingredients too', async () => {
    const s = await session()
    const est = await client(s.base, (await login(s.base, 'estimator')).AccessToken)
    const qs = await client(s.base, (await login(s.base, 'qs')).AccessToken)
    const [plain] = await est.GetItemCostingByIdAsync({ ITEMCODE: '01.01.001', DATASETID: 1 })
    const plainRows = rows(plain.GetItemCostingByIdResult, 'PriceSummary')
    expect(plainRows.map((r) => r.REGIONID)).toEqual([1, 2])
    for (const r of plainRows) expect(Object.keys(r).filter((k) => k.startsWith('INGREDIENT'))).toEqual([])
    // A component item's price is open to regular users too (seed 004, "Details Required").
    const [component] = await est.GetItemCostingByIdAsync({ ITEMCODE: '01.01.002', DATASETID: 1, REGIONID: 1 })
    expect(rows(component.GetItemCostingByIdResult, 'PriceSummary')).toHaveLength(1)
    const [priv] = await qs.GetItemCostingByIdAsync({ ITEMCODE: '01.01.001', DATASETID: 1, REGIONID: 1 })
    expect(rows(priv.GetItemCostingByIdResult, 'PriceSummary').map((r) => r.INGREDIENTITEMCODE)).toEqual(['01.01.002', '01.01.003'])
    const [unknown] = await qs.GetItemCostingByIdAsync({ ITEMCODE: 'NOPE', DATASETID: 1 })
    expect(rows(unknown?.GetItemCostingByIdResult, 'PriceSummary')).toEqual([])
  })
})

describe('the SOAP 1.2 wire', () => {
  it('answers SOAP 1.1 (text/xml) with 415 and an empty body, and says why in the journal', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'qs')
    const soap11 = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${op('GetDataSet')}</soap:Body></soap:Envelope>`
    const res = await raw(s.base, soap11, { contentType: 'text/xml; charset=utf-8', headers: { SOAPAction: `"${NS}GetDataSet"`, authorization: `Bearer ${AccessToken}` } })
    expect(res.status).toBe(415)
    expect(res.text).toBe('')
    expect(sb.session(s.id).journal.list({ status: '415' })[0]?.refusal).toMatch(/text\/xml is SOAP 1.1/)
  })

  it('serves each method at the document\'s URL, matched without regard to case, and checks the action', async () => {
    const s = await session()
    const h = authHeader((await login(s.base, 'qs')).AccessToken)
    const ok = await raw(s.base, envelope(op('GetDataSet'), h), { path: '/Costing/GetDataset/', action: `${NS}GetDataSet` })
    expect(ok.status).toBe(200)
    expect(ok.type).toBe('application/soap+xml; charset=utf-8')
    expect(ok.text).toContain(`<GetDataSetResponse xmlns="${NS}"><GetDataSetResult><Dataset><DATASETID>1</DATASETID>`)
    expect((await raw(s.base, envelope(op('GetItemCostingById', { ITEMCODE: '01.01.001', DATASETID: 1 }), h), { path: '/projects/getitemcostingbyid' })).status).toBe(200)
    expect((await raw(s.base, envelope(op('GetCategories'), h), { path: '/Costing/GetCategories/' })).status).toBe(200)
    expect((await raw(s.base, envelope(op('GetCategoryEntriesWithItems', { DATASET: 1 }), h), { path: '/Costing/GetCategoryEntriesWithItems/' })).status).toBe(200)
    const wrongUrl = await raw(s.base, envelope(op('GetCategories'), h), { path: '/Costing/GetDataset/' })
    expect(faultOf(wrongUrl.text).subcode).toBe('a:ActionNotSupported')
    const wrongAction = await raw(s.base, envelope(op('GetCategories'), h), { action: `${NS}GetDataSet` })
    expect(faultOf(wrongAction.text)).toMatchObject({ code: 's:Sender', subcode: 'a:ActionNotSupported', reason: expect.stringContaining('ContractFilter mismatch') })
    expect((await fetch(`${s.base}/Costing/GetDataset/`)).status).toBe(405)
  })

  it('answers JSON to a client that asks for it', async () => {
    const s = await session()
    const h = authHeader((await login(s.base, 'qs')).AccessToken)
    const res = await raw(s.base, envelope(op('GetDataSet'), h), { headers: { accept: 'application/json' } })
    expect(res.type).toMatch(/^application\/json/)
    const body = JSON.parse(res.text)
    expect(body.Dataset.map((d: { DATASETID: number }) => d.DATASETID)).toEqual([1, 2])
    const fault = await raw(s.base, envelope(op('GetDataSet')), { headers: { accept: 'application/json' } })
    expect(fault.status).toBe(400)
    expect(JSON.parse(fault.text)).toMatchObject({ code: 'Sender', subcode: 'c:MissingToken' })
  })

  it('faults bad input as a .NET SOAP 1.2 service does, Sender and 400, never a 500', async () => {
    const s = await session()
    const token = (await login(s.base, 'qs')).AccessToken
    const h = authHeader(token)
    const cases: [string, string, string, string][] = [
      ['not XML', 'hello', 's:Sender', 'c:MalformedXml'],
      ['unclosed element', envelope(`<GetDataSet xmlns="${NS}">`, h), 's:Sender', 'c:MalformedXml'],
      ['mismatched tags', `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body></s:Envelope>`, 's:Sender', 'c:MalformedXml'],
      ['unbound prefix', envelope('<x:GetDataSet/>', h), 's:Sender', 'c:MalformedXml'],
      ['no envelope', op('GetDataSet'), 's:Sender', 'c:InvalidEnvelope'],
      ['empty body', envelope('', h), 's:Sender', 'c:InvalidEnvelope'],
      ['SOAP 1.1 envelope as soap+xml', `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>${op('GetDataSet')}</e:Body></e:Envelope>`, 's:VersionMismatch', ''],
      ['unknown method', envelope(op('GetEverything'), h), 's:Sender', 'a:ActionNotSupported'],
      ['method in another namespace', envelope('<GetDataSet xmlns="http://tempuri.org/"/>', h), 's:Sender', 'a:ActionNotSupported'],
      ['bad integer', envelope(op('GetDataSet', { COMPLETESET: 'yes' }), h), 's:Sender', 'a:DeserializationFailed'],
      ['missing DATASET', envelope(op('GetCategoryEntriesWithItems'), h), 's:Sender', 'c:MissingParameter'],
      ['bad DATASET', envelope(op('GetCategoryEntriesWithItems', { DATASET: 'one' }), h), 's:Sender', 'a:DeserializationFailed'],
      ['missing ITEMCODE', envelope(op('GetItemCostingById', { DATASETID: 1 }), h), 's:Sender', 'c:MissingParameter'],
      ['no token', envelope(op('GetDataSet')), 's:Sender', 'c:MissingToken'],
      ['unknown token', envelope(op('GetDataSet'), authHeader('00000000-0000-4000-8000-000000000000')), 's:Sender', 'c:InvalidToken'],
      ['undefined entity', envelope(op('GetCategoryEntriesWithItems', { DATASET: '&one;' }), h), 's:Sender', 'c:DtdProhibited'],
    ]
    for (const [what, body, code, subcode] of cases) {
      const res = await raw(s.base, body)
      expect(res.status, what).toBe(400)
      expect(res.type, what).toBe('application/soap+xml; charset=utf-8')
      const fault = faultOf(res.text)
      expect(fault.code, what).toBe(code)
      if (subcode) expect(fault.subcode, what).toBe(subcode)
      expect(fault.lang, what).toBe('en-US')
      expect(fault.reason, what).toBeTruthy()
    }
    const journal = sb.session(s.id).journal.list({ status: '400' })
    expect(journal).toHaveLength(cases.length)
    expect(journal.every((e) => e.refusal && !e.refusal.startsWith('refused with'))).toBe(true)
  })

  it('refuses XXE and entity-expansion bombs without reading a DTD', async () => {
    const s = await session()
    const h = authHeader((await login(s.base, 'qs')).AccessToken)
    const xxe = `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + envelope(op('GetCategoryEntriesWithItems', { DATASET: '&xxe;' }), h).replace(/^<\?xml[^>]*\?>/, '')
    const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>` + envelope(op('GetCategoryEntriesWithItems', { DATASET: '&lol9;' }), h)
    for (const body of [xxe, lol]) {
      const res = await raw(s.base, body)
      expect(res.status).toBe(400)
      expect(faultOf(res.text)).toMatchObject({ code: 's:Sender', subcode: 'c:DtdProhibited' })
      expect(res.text).not.toMatch(/root:|lollol/)
    }
  })
})

describe('responses against the WSDL\'s XSD', () => {
  it('validates every method\'s response, deleted rows included, and the checker itself catches a bad one', async () => {
    const s = await session()
    const xsd = new Xsd(await (await fetch(`${s.base}/Costing?wsdl`)).text())
    const h = authHeader((await login(s.base, 'qs')).AccessToken)
    await raw(s.base, envelope(op('GetCategoryEntriesWithItems', { DATASET: 1 }), h))
    await post(`${s.control}/cordell/changes`, { changes: [{ op: 'delete', table: 'entries', id: 2 }, { op: 'modify', table: 'categories', id: 1, values: { TIPDESCRIPTION: 'New tip' } }] })
    const bodies = [
      op('GetDataSet'),
      op('GetCategories', { COMPLETESET: 1 }),
      op('GetCategoryEntriesWithItems', { DATASET: 1 }), // the delta, with deleted rows
      op('GetCategoryEntriesWithItems', { DATASET: 1, COMPLETESET: 1 }),
      op('GetItemCostingById', { ITEMCODE: '01.01.001', DATASETID: 1 }),
      op('GetItemCostingById', { ITEMCODE: '01.01.002', DATASETID: 1, REGIONID: 2 }),
    ]
    let deletedSeen = false
    for (const body of bodies) {
      const res = await raw(s.base, envelope(body, h))
      expect(res.status).toBe(200)
      expect(xsd.validateEnvelope(res.text), body).toEqual([])
      deletedSeen ||= res.text.includes('<DATEDELETED>')
    }
    expect(deletedSeen).toBe(true)
    const good = (await raw(s.base, envelope(op('GetDataSet', { COMPLETESET: 1 }), h))).text
    const swapped = good.replace(/<DATASETID>1<\/DATASETID><NAME>([^<]*)<\/NAME>/, '<NAME>$1</NAME><DATASETID>1</DATASETID>')
    expect(swapped).not.toBe(good)
    expect(xsd.validateEnvelope(swapped).length).toBeGreaterThan(0)
    expect(xsd.validateEnvelope(good.replace('<DATASETID>2</DATASETID>', '<DATASETID>two</DATASETID>'))).toEqual([expect.stringContaining('not an xs:int')])
  })
})

describe('control calls and the audit trail', () => {
  it('keeps every call with user, time, IP, method, parameters and records', async () => {
    const s = await session()
    const { AccessToken } = await login(s.base, 'estimator')
    await raw(s.base, envelope(op('GetCategoryEntriesWithItems', { DATASET: 1, COMPLETESET: 1 }), authHeader(AccessToken)))
    await raw(s.base, envelope(op('GetCategoryEntriesWithItems', { DATASET: 2 }), authHeader(AccessToken)))
    const res = await fetch(`${s.control}/cordell/audit?user=estimator`)
    const { audit, total } = await res.json()
    expect(total).toBe(3)
    expect(audit[0]).toMatchObject({ method: 'Login', user: 'estimator', outcome: 'ok' })
    expect(audit[1]).toMatchObject({
      user: 'estimator', ip: expect.stringMatching(/127\.0\.0\.1/), method: 'GetCategoryEntriesWithItems', at: '2026-01-14T11:00:00.000Z',
      parameters: { DATASET: '1', COMPLETESET: '1' }, mode: 'complete', records: ENTRIES + ITEMS, outcome: 'ok',
    })
    expect(audit[2]).toMatchObject({ records: 0, outcome: expect.stringContaining('c:DatasetNotLicensed') })
  })

  it('refuses a change it cannot apply, saying why, and changes nothing', async () => {
    const s = await session()
    const bad = await post(`${s.control}/cordell/changes`, { op: 'modify', table: 'items' })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.code).toBe('invalid_request')
    const missing = await post(`${s.control}/cordell/changes`, { op: 'delete', table: 'items', id: 99_999 })
    expect(missing.status).toBe(409)
    expect((await missing.json()).error.message).toBe('items has no row ITEMID=99999')
    const field = await post(`${s.control}/cordell/changes`, { op: 'modify', table: 'prices', id: 1, values: { TOTALBAPRICE: 1 } })
    expect((await field.json()).error.message).toMatch(/TOTALBAPRICE cannot be set; use LABOUR, MATERIAL/)
    const c = await client(s.base, (await login(s.base, 'qs')).AccessToken)
    const [r] = await c.GetItemCostingByIdAsync({ ITEMCODE: '01.01.002', DATASETID: 1, REGIONID: 1 })
    const price = rows(r.GetItemCostingByIdResult, 'PriceSummary')[0]!
    expect(price).not.toHaveProperty('DATEMODIFIED')
    await post(`${s.control}/cordell/changes`, { op: 'modify', table: 'prices', id: price.PRICESUMMARYID, values: { LABOUR: 10, MATERIAL: '20.5', PLANT: 0, SUBCONTRACT: 0, ADJUSTMENTPERCENTAGE: 10 } })
    const [after] = await c.GetItemCostingByIdAsync({ ITEMCODE: '01.01.002', DATASETID: 1, REGIONID: 1 })
    expect(rows(after.GetItemCostingByIdResult, 'PriceSummary')[0]).toMatchObject({ LABOUR: '10.00', MATERIAL: '20.50', TOTALBAPRICE: '30.50', PUBLISHEDPRICE: '33.55', DATEMODIFIED: '2026-01-14T11:00:00.000Z' })
  })
})

describe('scenario records', () => {
  it('adds the scenario\'s own datasets and categories after the generated ones, with the ids given or the next free', async () => {
    const own = await startSandbox({
      partners: [cordell],
      scenario: {
        partners: {
          cordell: {
            users: [{ username: 'qs', password: 'pass', datasets: [1, 2, 9, 10], privileged: true }],
            datasets: { generate: 1, records: [{ NAME: 'Given A' }, { DATASETID: 9, NAME: 'Given B' }, { NAME: 'Given C' }] },
            categories: { generate: 1, records: [{ DESCRIPTION: 'Own category', TIPDESCRIPTION: 'A tip' }] },
          },
        },
      },
    })
    try {
      const base = `${own.url}/cordell`
      const c = await client(base, (await login(base, 'qs')).AccessToken)
      const datasets = rows((await c.GetDataSetAsync({}))[0]?.GetDataSetResult, 'Dataset')
      expect(datasets.map((d) => [d.DATASETID, d.NAME])).toEqual([[1, expect.any(String)], [2, 'Given A'], [9, 'Given B'], [10, 'Given C']])
      const categories = rows((await c.GetCategoriesAsync({}))[0]?.GetCategoriesResult, 'Category')
      expect(categories[1]).toMatchObject({ CATEGORYID: 2, CODE: '02', DESCRIPTION: 'Own category', LINENO: '20', TIPID: 1002, TIPDESCRIPTION: 'A tip' })
    } finally {
      await own.close()
    }
  })
})

describe('the cordell-delta-sync scenario', () => {
  it('loads, and its timeline brings each day\'s changes to the next delta', async () => {
    const own = await startSandbox({ partners: [cordell], scenario: 'scenarios/cordell-delta-sync.yaml' })
    try {
      const base = `${own.url}/cordell`
      // Tokens live a day in this scenario, so the client logs in again each day, as a daily sync would.
      const items = async () => {
        const c = await client(base, (await login(base, 'estimator')).AccessToken)
        return rows((await c.GetCategoryEntriesWithItemsAsync({ DATASET: '1' }))[0]?.GetCategoryEntriesWithItemsResult, 'Items')
      }
      expect(await items()).toHaveLength(8 * 3 * 4)
      await post(`${own.url}/__sandbox/clock`, { advance: '1d' })
      expect((await items()).map((i) => i.ITEMSTATUS)).toEqual(['Active', 'Active'])
      await post(`${own.url}/__sandbox/clock`, { advance: '1d' })
      expect(await items()).toHaveLength(2)
      const timeline = await (await fetch(`${own.url}/__sandbox/timeline`)).json()
      expect(timeline.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'done', 'pending', 'pending', 'pending'])
    } finally {
      await own.close()
    }
  })
})
