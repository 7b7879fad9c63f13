import type { z } from 'zod'
import type { Bytes } from '../../core/answer-cache.js'
import { NS, operationNamed, type Field, type Operation, type OperationName } from './fields.js'
import { CordellFault } from './errors.js'
import { completeSetParams, costingParams, entriesParams, type CordellUser, type Table } from './schema.js'
import { resultEnvelope, subcodes } from './soap.js'
import { type CordellStore, type Row } from './store.js'
import { cells, ingredientPrice, resultJson, type ResultSet } from './views.js'
import { childElements, textOf, type XmlElement } from './xml.js'

/** The four web methods of seed 004, apart from the wire: each takes its validated parameters and the
 *  caller, applies the licence and delta rules, and returns its tables of rows. */

export interface CallResult {
  /** The response body: the SOAP envelope, or the JSON form when `json`, as UTF-8. */
  body: Bytes
  records: number
  mode: 'full' | 'complete' | 'delta' | 'lookup'
  /** The delta's start (ms, session clock), or null. */
  since: number | null
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance'

/** The operation element's parameters as text, by the document's names. A parameter may be qualified
 *  with the service namespace (as the WSDL says) or unqualified (as hand-written clients often send it);
 *  `xsi:nil="true"` counts as absent. Unknown elements are ignored, as .NET's XmlSerializer does. */
export function readParams(op: Operation, el: XmlElement, accept: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const child of childElements(el)) {
    if (child.ns !== NS && child.ns !== '') continue
    if (!op.input.some(([name]) => name === child.local)) continue
    if (child.local in out) {
      throw new CordellFault(
        { code: 'Sender', subcode: subcodes.deserializationFailed, reason: `The formatter threw an exception while trying to deserialize the message: the parameter ${NS}:${child.local} was given more than once.` },
        accept,
        `${op.name}: ${child.local} given twice`,
      )
    }
    if (!hasXsiNil(child)) out[child.local] = textOf(child)
  }
  return out
}

function hasXsiNil(el: XmlElement): boolean {
  // The attribute's prefix must be bound to XSI; the reader keeps declarations as attributes.
  return Object.entries(el.attrs).some(([k, v]) => {
    if (!k.endsWith(':nil') || (v !== 'true' && v !== '1')) return false
    const prefix = k.slice(0, k.indexOf(':'))
    return el.attrs[`xmlns:${prefix}`] === XSI || prefix === 'xsi'
  })
}

function parse<S extends z.ZodType>(schema: S, op: OperationName, raw: Record<string, string>, accept: string | undefined): z.output<S> {
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const name = String(issue.path[0] ?? 'input')
  if (!(name in raw)) {
    throw new CordellFault(
      { code: 'Sender', subcode: subcodes.missingParameter, reason: `${op}: the parameter ${name} is required. ${issue.message}.` },
      accept,
      `${op}: ${name} missing`,
    )
  }
  throw new CordellFault(
    {
      code: 'Sender',
      subcode: subcodes.deserializationFailed,
      reason: `The formatter threw an exception while trying to deserialize the message: There was an error while trying to deserialize parameter ${NS}:${name}. The value '${raw[name]}' ${issue.message}.`,
    },
    accept,
    `${op}: ${name}=${JSON.stringify(raw[name])} ${issue.message}`,
  )
}

function licensed(user: CordellUser, dataset: number, op: OperationName, accept: string | undefined): void {
  if (user.datasets.includes(dataset)) return
  // Seed 004: "If they don't have access to dataset they requested for we will return a message to
  // contact Cordell representative."
  throw new CordellFault(
    { code: 'Sender', subcode: subcodes.datasetNotLicensed, reason: `You do not have access to dataset ${dataset}. Please contact your Cordell representative.` },
    accept,
    `${op}: ${user.username} is licensed for dataset${user.datasets.length === 1 ? '' : 's'} ${user.datasets.join(', ') || '(none)'}, not ${dataset}`,
  )
}

/** The body of a result in the form asked for. */
function serialise(op: OperationName, result: ResultSet, json: boolean): Bytes {
  return UTF8.encode(json ? JSON.stringify(resultJson(result)) : resultEnvelope(op, result))
}

const UTF8 = new TextEncoder()

/** The delta rule: the first call (no mark) and COMPLETESET=1 return every live row; a later call returns
 *  the rows changed since the last download of this (user, method[, dataset]). The time is recorded either way.
 *
 *  The body is cached in the store (`CordellStore.download`): it depends only on the rows, which rows the
 *  delta mark selects (its sequence number), the dataset and whether ingredients are included, and the
 *  cache is emptied by any change to the rows. */
function download(
  store: CordellStore, user: CordellUser, op: Operation, complete: number | undefined, dataset: number | undefined, json: boolean,
  tables: (since: number | undefined) => { row: string; rows: Row[] }[],
): CallResult {
  const mark = store.mark(user.username, op.name, dataset)
  const full = complete === 1 || !mark
  const since = full ? undefined : mark.seq
  const entry = store.download(op.name, since, dataset, user.privileged)
  let body = json ? entry.json : entry.xml
  if (body === undefined || entry.records < 0) {
    const result: ResultSet = []
    let records = 0
    for (const t of tables(since)) {
      const fields = op.tables.find((r) => r.row === t.row)!.fields
      const rows = t.rows.map((r) => cells(r, fields))
      records += rows.length
      result.push({ row: t.row, rows })
    }
    entry.records = records
    body = serialise(op.name, result, json)
    store.keepBody(entry, json ? 'json' : 'xml', body)
  }
  const result: CallResult = { body, records: entry.records, mode: complete === 1 ? 'complete' : mark ? 'delta' : 'full', since: full ? null : mark.at }
  store.recordDownload(user.username, op.name, dataset, mark)
  return result
}

/** COMPLETESET as completeSetParams reads it, without zod for the usual values (absent, or plain digits:
 *  at most nine, so always an Int32); anything else goes through the schema and its messages. */
function completeSet(op: OperationName, raw: Record<string, string>, accept: string | undefined): number | undefined {
  const value = raw.COMPLETESET
  if (value === undefined) return undefined
  if (value.length <= 9 && /^\d+$/.test(value)) return Number(value)
  return parse(completeSetParams, op, raw, accept).COMPLETESET
}

export function call(store: CordellStore, user: CordellUser, opName: OperationName, raw: Record<string, string>, accept: string | undefined, json: boolean): CallResult {
  const op = operationNamed(opName)!
  switch (opName) {
    case 'GetDataSet':
    case 'GetCategories': {
      // "It will not check any user license details."
      const COMPLETESET = completeSet(opName, raw, accept)
      const table: Table = opName === 'GetDataSet' ? 'datasets' : 'categories'
      return download(store, user, op, COMPLETESET, undefined, json, (since) => [{ row: op.tables[0]!.row, rows: store.select(table, since) }])
    }
    case 'GetCategoryEntriesWithItems': {
      const { DATASET, COMPLETESET } = parse(entriesParams, opName, raw, accept)
      licensed(user, DATASET, opName, accept)
      const inDataset = (r: Row) => r.dataset === DATASET
      return download(store, user, op, COMPLETESET, DATASET, json, (since) => [
        { row: 'Entry', rows: store.select('entries', since, inDataset) },
        { row: 'Items', rows: store.select('items', since, inDataset) },
        // "The ingredients … will be given only to the privileged users".
        ...(user.privileged ? [{ row: 'Ingredients', rows: store.select('ingredients', since, inDataset) }] : []),
      ])
    }
    case 'GetItemCostingById': {
      const { ITEMCODE, DATASETID, REGIONID } = parse(costingParams, opName, raw, accept)
      licensed(user, DATASETID, opName, accept)
      const result = costing(store, user, ITEMCODE, DATASETID, REGIONID, op.tables[0]!.fields)
      return { body: serialise(opName, result, json), records: result[0]!.rows.length, mode: 'lookup', since: null }
    }
  }
}

/** GetItemCostingById: a lookup, not a download, so no delta (the document gives it no COMPLETESET).
 *  Normal users get one row per price summary (region, sector) of the item; privileged users get, for an
 *  item with ingredients, one row per ingredient with the ingredient's price in the same region and
 *  sector. An unknown item code gives an empty result, as a query that finds nothing does. */
function costing(store: CordellStore, user: CordellUser, code: string, dataset: number, region: number | undefined, fields: readonly Field[]): ResultSet {
  let item: Row | undefined
  for (const r of store.rows('items')) {
    if (r.dataset !== dataset || r.values.ITEMCODE !== code) continue
    if (!item || (item.deleted !== undefined && (r.deleted === undefined || r.deleted > item.deleted))) item = r
  }
  const rows: ReturnType<typeof cells>[] = []
  if (item) {
    // A deleted item shows its prices as deleted too, so the client learns it is gone.
    const prices = store
      .childrenOf('prices', 'ITEMID', item.id)
      .filter((p) => (region === undefined || p.values.REGIONID === region) && (item!.deleted !== undefined || p.deleted === undefined))
      .sort((a, b) => Number(a.values.REGIONID) - Number(b.values.REGIONID) || Number(a.values.PRICESECTORID) - Number(b.values.PRICESECTORID) || a.id - b.id)
    const ingredients = user.privileged ? store.childrenOf('ingredients', 'ITEMID', item.id).filter((i) => i.deleted === undefined) : []
    for (const price of prices) {
      if (ingredients.length === 0) {
        rows.push(cells(price, fields))
        continue
      }
      for (const ing of ingredients) {
        const own = store
          .childrenOf('prices', 'ITEMID', Number(ing.values.INGREDIENTID))
          .find((p) => p.deleted === undefined && p.values.REGIONID === price.values.REGIONID && p.values.PRICESECTORID === price.values.PRICESECTORID)
        rows.push(cells(price, fields, own ? ingredientPrice(own) : { INGREDIENTITEMID: ing.values.INGREDIENTID!, INGREDIENTDATASETID: dataset, INGREDIENTITEMCODE: ing.values.INGREDIENTITEMCODE! }))
      }
    }
  }
  return [{ row: 'PriceSummary', rows }]
}
