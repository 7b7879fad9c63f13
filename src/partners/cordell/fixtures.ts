import { Random, seedOf } from '../../core/random.js'

/** Deterministic costing data: every row is a pure function of (seed, table, index), so row 5,000 can be
 *  made without the rows before it and the same scenario gives the same bytes on every run. The words
 *  are a Cordell cost guide's: trades as categories, building items with their units. */

export type Values = Record<string, string | number>

const GUIDES = [
  'Cordell Commercial & Industrial Building Cost Guide',
  'Cordell Housing Building Cost Guide',
  'Cordell Alterations & Renovations Cost Guide',
  'Cordell Civil Engineering Cost Guide',
  'Cordell Estimator Data',
]

const TRADES = [
  'Preliminaries', 'Demolition', 'Excavation', 'Piling', 'Concrete', 'Formwork', 'Reinforcement', 'Masonry',
  'Structural Steel', 'Metalwork', 'Carpentry', 'Joinery', 'Roofing', 'Windows & Glazing', 'Plasterboard',
  'Wall & Floor Tiling', 'Plumbing', 'Electrical', 'Painting', 'Landscaping',
]

const TIPS = [
  'Allow for site access and crane hire separately.',
  'Rates exclude GST and builder\'s margin.',
  'Add 10% for work above 3 m from floor level.',
  'Prices assume a metropolitan site; see regional adjustments.',
  'Waste allowance of 5% is included in material rates.',
]

const ENTRY_TYPES = ['Heading', 'Recipe', 'Recipe', 'Group', 'Freeform']
const COMPONENT_TYPES = ['Labour', 'Material', 'Plant', 'Subcontract', 'Composite']
const WORK_AREAS = ['General', 'Substructure', 'Superstructure', 'External', 'Wet areas', 'Roof space']
const MATERIALS = ['Reinforced concrete', 'Hardwood', 'Pine framing', 'Clay brick', 'Galvanised steel', 'Plasterboard', 'Ceramic tile', 'Colorbond', 'PVC', 'Copper']
const ELEMENTS = ['slab', 'wall', 'beam', 'column', 'lintel', 'sheeting', 'lining', 'skirting', 'pipe', 'gutter', 'footing', 'frame']
const SPECS = ['100 mm', '150 mm', '200 mm', '90 x 45', '10 mm', '13 mm', '0.42 BMT', '20 MPa', '25 MPa', 'to falls']
const UNITS = ['m2', 'm3', 'm', 'No', 'hr', 't', 'item']

const DAY = 86_400_000

/** When a generated row was made: within the 180 days before `asOf`, on a working hour. */
export function createdAt(seed: number, table: string, index: number, asOf: number): number {
  const r = new Random(seedOf(seed, 'cordell', table, 'created', index))
  return asOf - r.int(1, 180) * DAY - r.int(0, 8) * 3_600_000
}

export function datasetAt(seed: number, i: number): Values {
  return { DATASETID: i + 1, NAME: i < GUIDES.length ? GUIDES[i]! : `${GUIDES[i % GUIDES.length]!} ${Math.floor(i / GUIDES.length) + 1}` }
}

export function categoryAt(seed: number, i: number): Values {
  const r = new Random(seedOf(seed, 'cordell', 'category', i))
  const trade = TRADES[i % TRADES.length]!
  const values: Values = {
    CATEGORYID: i + 1,
    CODE: String(i + 1).padStart(2, '0'),
    DESCRIPTION: i < TRADES.length ? trade : `${trade} ${Math.floor(i / TRADES.length) + 1}`,
    LINENO: String((i + 1) * 10),
  }
  // Every other category has a tip; TIPID numbers them apart from categories.
  if (i % 2 === 0) {
    values.TIPID = 1_000 + i + 1
    values.TIPDESCRIPTION = r.pick(TIPS)
  }
  return values
}

/** Entry `e` of category `cat` (its index) in dataset `ds` (its index); `index` is its place overall. */
export function entryAt(seed: number, index: number, category: Values, e: number): Values {
  const r = new Random(seedOf(seed, 'cordell', 'entry', index))
  return {
    ENTRYID: index + 1,
    CATEGORYID: category.CATEGORYID!,
    TYPE: r.pick(ENTRY_TYPES),
    CODE: `${category.CODE}.${String(e + 1).padStart(2, '0')}`,
    DESCRIPTION: `${category.DESCRIPTION} - ${r.pick(MATERIALS).toLowerCase()} ${r.pick(ELEMENTS)}s`,
    RECIPETYPEID: String(r.int(1, 4)),
    COMPONENTTYPE: r.pick(COMPONENT_TYPES),
  }
}

export function itemAt(seed: number, index: number, entry: Values, k: number): Values {
  const r = new Random(seedOf(seed, 'cordell', 'item', index))
  return {
    ITEMID: index + 1,
    ENTRYID: entry.ENTRYID!,
    CATEGORYID: entry.CATEGORYID!,
    ITEMCODE: `${entry.CODE}.${String(k + 1).padStart(3, '0')}`,
    DESCRIPTION: `${r.pick(MATERIALS)} ${r.pick(ELEMENTS)} ${r.pick(SPECS)}`,
    WORKAREA: r.pick(WORK_AREAS),
    UNITMEASURE: r.pick(UNITS),
  }
}

export function ingredientAt(seed: number, index: number, recipe: Values, component: Values): Values {
  const r = new Random(seedOf(seed, 'cordell', 'ingredient', index))
  return {
    ID: index + 1,
    ITEMID: recipe.ITEMID!,
    QUANTITY: (r.int(5, 400) / 100).toFixed(2),
    ENTRYID: recipe.ENTRYID!,
    CATEGORYID: recipe.CATEGORYID!,
    INGREDIENTID: component.ITEMID!,
    INGREDIENTITEMCODE: component.ITEMCODE!,
    DESCRIPTION: component.DESCRIPTION!,
    UNITMEASURE: component.UNITMEASURE!,
  }
}

export function priceAt(seed: number, index: number, item: Values, dataset: number, region: number, sector: number): Values {
  const r = new Random(seedOf(seed, 'cordell', 'price', index))
  return withTotals({
    PRICESUMMARYID: index + 1,
    ITEMID: item.ITEMID!,
    DATASETID: dataset,
    ITEMCODE: item.ITEMCODE!,
    LABOUR: money(r.int(0, 12_000)),
    MATERIAL: money(r.int(0, 30_000)),
    PLANT: money(r.chance(0.3) ? r.int(0, 5_000) : 0),
    SUBCONTRACT: money(r.chance(0.2) ? r.int(0, 20_000) : 0),
    ADJUSTMENTPERCENTAGE: (r.int(-50, 150) / 10).toFixed(1),
    REGIONID: region,
    PRICESECTORID: sector,
  })
}

const money = (cents: number) => (cents / 100).toFixed(2)

/** TOTALBAPRICE is labour + material + plant + subcontract; PUBLISHEDPRICE adds the adjustment. */
export function withTotals(v: Values): Values {
  const n = (k: string) => Number(v[k] ?? 0) || 0
  const total = n('LABOUR') + n('MATERIAL') + n('PLANT') + n('SUBCONTRACT')
  return { ...v, TOTALBAPRICE: total.toFixed(2), PUBLISHEDPRICE: (total * (1 + n('ADJUSTMENTPERCENTAGE') / 100)).toFixed(2) }
}

/** A generated revision of a text, for `modify` without values: `Hardwood beam 90 x 45 (rev 2)`. */
export function revised(text: string): string {
  const m = / \(rev (\d+)\)$/.exec(text)
  return m ? text.replace(/ \(rev \d+\)$/, ` (rev ${Number(m[1]) + 1})`) : `${text} (rev 2)`
}

/** Fake fields for a row added without values, from the session's change stream. */
export function addedWords(r: Random): { description: string; unit: string; area: string; trade: string; tip: string } {
  return {
    description: `${r.pick(MATERIALS)} ${r.pick(ELEMENTS)} ${r.pick(SPECS)}`,
    unit: r.pick(UNITS),
    area: r.pick(WORK_AREAS),
    trade: r.pick(TRADES),
    tip: r.pick(TIPS),
  }
}

export { money }
