import type { Field } from './fields.js'
import type { Values } from './fixtures.js'
import type { Table } from './schema.js'
import { iso, type Row } from './store.js'

/** A row of the costing database as the document's fields, in the document's order. A column without a
 *  value (a DATEDELETED of a live row, a category without a tip) is left out, the way a .NET DataSet
 *  writes a DBNull column: by omitting its element. */

export type Cell = readonly [name: string, value: string | number]

const STATUS: Record<Table, string> = {
  datasets: 'DATASETSTATUS',
  categories: 'CATEGORYSTATUS',
  entries: 'ENTRYSTATUS',
  items: 'ITEMSTATUS',
  ingredients: 'INGREDIENTSTATUS',
  prices: 'PRICESUMMARYSTATUS',
}

/** The status words: the document names the columns but not their values. */
export const ACTIVE = 'Active'
export const DELETED = 'Deleted'

export function cells(row: Row, fields: readonly Field[], extra: Values = {}): Cell[] {
  const derived: Values = {
    [STATUS[row.table]]: row.deleted !== undefined ? DELETED : ACTIVE,
    DATECREATED: iso(row.created),
  }
  if (row.modified !== undefined) derived.DATEMODIFIED = iso(row.modified)
  if (row.deleted !== undefined) derived.DATEDELETED = iso(row.deleted)
  if (row.table === 'categories' && row.values.TIPID !== undefined) {
    derived.TIPDATECREATED = iso(row.tipCreated ?? row.created)
    if (row.tipModified !== undefined) derived.TIPDATEMODIFIED = iso(row.tipModified)
    if (row.deleted !== undefined) derived.TIPDATEDELETED = iso(row.deleted)
  }
  const out: Cell[] = []
  for (const [name] of fields) {
    const value = name in derived ? derived[name] : name in extra ? extra[name] : row.values[name]
    if (value !== undefined) out.push([name, value])
  }
  return out
}

/** The ingredient-price columns of a privileged user's GetItemCostingById row, from the ingredient's
 *  own price summary. */
export function ingredientPrice(price: Row): Values {
  const v = price.values
  return {
    INGREDIENTPRICESUMMARYID: v.PRICESUMMARYID!,
    INGREDIENTITEMID: v.ITEMID!,
    INGREDIENTDATASETID: v.DATASETID!,
    INGREDIENTITEMCODE: v.ITEMCODE!,
    INGREDIENTLABOUR: v.LABOUR!,
    INGREDIENTMATERIAL: v.MATERIAL!,
    INGREDIENTPLANT: v.PLANT!,
    INGREDIENTSUBCONTRACT: v.SUBCONTRACT!,
    INGREDIENTTOTALBAPRICE: v.TOTALBAPRICE!,
    INGREDIENTADJUSTMENTPERCENTAGE: v.ADJUSTMENTPERCENTAGE!,
    INGREDIENTPUBLISHEDPRICE: v.PUBLISHEDPRICE!,
    INGREDIENTREGIONID: v.REGIONID!,
    INGREDIENTPRICESECTORID: v.PRICESECTORID!,
  }
}

/** A result: for each of the operation's tables, its rows. */
export type ResultSet = { row: string; rows: Cell[][] }[]

/** The JSON form (`Accept: application/json`): each table as an array of objects, as Json.NET writes a
 *  DataSet (`{ "Dataset": [ { "DATASETID": 1, … } ] }`). */
export function resultJson(result: ResultSet): Record<string, Record<string, string | number>[]> {
  return Object.fromEntries(result.map((t) => [t.row, t.rows.map((r) => Object.fromEntries(r))]))
}
