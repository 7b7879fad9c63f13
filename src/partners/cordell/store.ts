import * as z from 'zod'
import type { Bytes } from '../../core/answer-cache.js'
import type { PartnerContext } from '../../core/partner.js'
import { snap } from '../../core/snapshot.js'
import type { Random } from '../../core/random.js'
import {
  addedWords, categoryAt, createdAt, datasetAt, entryAt, ingredientAt, itemAt, money, priceAt, revised, withTotals, type Values,
} from './fixtures.js'
import type { ChangeInput, CordellConfig, CordellUser, Table } from './schema.js'
import { AuditTrail, type AuditInput } from './audit.js'
import { ParsedText } from './parsed.js'
import { later } from '../../core/later.js'

/** One session's Cordell costing database: the six tables with soft deletes, the access tokens, the
 *  last-download marks that make deltas, and the audit trail.
 *
 *  Every change takes the next number of a change sequence and stamps its row with it. A download
 *  records the sequence (and the session time) it saw; the next download returns the rows whose stamp is
 *  higher. That is the document's "additions and updates made between" two calls, ordered by the
 *  database rather than by the clock, so two changes in the same millisecond (a frozen test clock) are
 *  never lost.
 *
 *  LIMITATIONS: licences are per dataset only (the document's "platform" is not modelled); a deleted
 *  row stays deleted (no undelete); parent ids of a row (ENTRYID of an item, …) cannot be modified. */

export interface Row {
  table: Table
  id: number
  /** The dataset an entry, item, ingredient or price belongs to. */
  dataset: number | undefined
  /** The document's fields, except status and dates, which come from the fields below. */
  values: Values
  created: number
  modified: number | undefined
  deleted: number | undefined
  /** The change sequence number of the row's last change; 0 for rows as the scenario made them. */
  seq: number
  tipCreated?: number
  tipModified?: number
}

export interface Token {
  token: string
  user: string
  issued: number
  expires: number
  ip: string
}

export interface DownloadMark {
  user: string
  method: string
  dataset: number | undefined
  at: number
  seq: number
}

export interface AuditRow {
  id: number
  at: string
  user: string | null
  ip: string
  method: string
  parameters: Record<string, string>
  /** `full` (first call), `complete` (COMPLETESET=1), `delta` (changes since `since`), or `lookup`. */
  mode: 'full' | 'complete' | 'delta' | 'lookup' | null
  since: string | null
  records: number
  outcome: string
}

export interface Applied {
  op: ChangeInput['op']
  table: Table
  id: number
}

export class ChangeError extends Error {}

/** A download's result as sent: the record count and, once made, the XML and JSON bodies. */
export interface CachedDownload {
  records: number
  /** The bodies as sent: bytes, so the socket is handed them as they are. */
  xml?: Bytes
  json?: Bytes
}

/** Download results kept per session (a few methods × datasets × delta marks in use), and the most
 *  body text they may hold together (about 4 MB: sessions are many, and a big full download is cheap to
 *  make again next to holding it in every session); a body that would pass it is sent but not kept. */
const DOWNLOADS_KEPT = 16
const DOWNLOAD_CHARS_KEPT = 4 * 1024 * 1024

const KEY: Record<Table, string> = {
  datasets: 'DATASETID', categories: 'CATEGORYID', entries: 'ENTRYID', items: 'ITEMID', ingredients: 'ID', prices: 'PRICESUMMARYID',
}

/** What `add` needs (parents) and what `modify` may set, per table. */
const PARENTS: Record<Table, readonly string[]> = {
  datasets: [],
  categories: [],
  entries: ['DATASETID', 'CATEGORYID'],
  items: ['ENTRYID'],
  ingredients: ['ITEMID', 'INGREDIENTID'],
  prices: ['ITEMID', 'REGIONID', 'PRICESECTORID'],
}
const EDITABLE: Record<Table, readonly string[]> = {
  datasets: ['NAME'],
  categories: ['CODE', 'DESCRIPTION', 'LINENO', 'TIPDESCRIPTION'],
  entries: ['TYPE', 'CODE', 'DESCRIPTION', 'RECIPETYPEID', 'COMPONENTTYPE'],
  items: ['ITEMCODE', 'DESCRIPTION', 'WORKAREA', 'UNITMEASURE'],
  ingredients: ['QUANTITY'],
  prices: ['LABOUR', 'MATERIAL', 'PLANT', 'SUBCONTRACT', 'ADJUSTMENTPERCENTAGE'],
}
const INT_FIELDS = new Set(['DATASETID', 'CATEGORYID', 'ENTRYID', 'ITEMID', 'INGREDIENTID', 'REGIONID', 'PRICESECTORID'])
const MONEY_FIELDS = new Set(['LABOUR', 'MATERIAL', 'PLANT', 'SUBCONTRACT'])

/** Which child rows a soft delete takes with it: [child table, the child's field naming the parent]. */
const CASCADE: Partial<Record<Table, readonly (readonly [Table, string])[]>> = {
  datasets: [['entries', 'DATASETID']],
  categories: [['entries', 'CATEGORYID']],
  entries: [['items', 'ENTRYID']],
  items: [['ingredients', 'ITEMID'], ['ingredients', 'INGREDIENTID'], ['prices', 'ITEMID']],
}
/** Fields indexed to find children and lookups quickly. */
const INDEXED: Record<Table, readonly string[]> = {
  datasets: [],
  categories: [],
  entries: ['DATASETID', 'CATEGORYID'],
  items: ['ENTRYID'],
  ingredients: ['ITEMID', 'INGREDIENTID'],
  prices: ['ITEMID'],
}

export class CordellStore {
  readonly users: ReadonlyMap<string, CordellUser>
  readonly tokenTtl: number
  #tables = new Map<Table, Map<number, Row>>()
  #index = new Map<string, Row[]>()
  #nextId = new Map<Table, number>()
  #seq = 0
  #tokens = new Map<string, Token>()
  #marks = new Map<string, DownloadMark>()
  /** The mark last looked up: a client downloading in a loop asks for the same one each time, and its
   *  key would otherwise be built and hashed afresh on every call. */
  #lastMark: DownloadMark | undefined
  #audit: AuditTrail
  /** Bumped on every change to the rows: what the download cache is checked against. */
  #version = 0
  #downloads = new Map<string, CachedDownload>()
  #lastDownload: { method: string; since: number | undefined; dataset: number | undefined; privileged: boolean; entry: CachedDownload } | undefined
  #downloadsVersion = 0
  #downloadChars = 0
  #changes: Random

  /** What the routes remember of request text, shared by the sandbox's sessions. */
  readonly parsed: ParsedText

  constructor(
    readonly config: CordellConfig,
    readonly ctx: PartnerContext,
  ) {
    this.parsed = ctx.memo(config, 'parsed', () => new ParsedText())
    this.#audit = new AuditTrail(config.auditLimit)
    this.users = new Map(config.users.map((u) => [u.username, u]))
    this.tokenTtl = config.tokenTtl
    this.#changes = ctx.random.fork('changes')
    this.#generate()
  }

  get now(): number {
    return this.ctx.clock.now()
  }

  // ---- snapshot --------------------------------------------------------------------------------------

  /** What the session changed: rows added, modified or deleted (every change stamps a sequence number,
   *  so those are the rows with one; the rest are the seed's), tokens, download marks, the audit trail,
   *  the counters and the change stream's position. */
  snapshot(): CordellSnapshot {
    const rows: CordellSnapshot['rows'] = []
    for (const table of this.#tables.values()) {
      for (const r of table.values()) {
        if (r.seq === 0) continue
        rows.push({
          table: r.table, id: r.id, values: r.values, created: r.created, seq: r.seq,
          ...(r.dataset !== undefined ? { dataset: r.dataset } : {}),
          ...(r.modified !== undefined ? { modified: r.modified } : {}),
          ...(r.deleted !== undefined ? { deleted: r.deleted } : {}),
          ...(r.tipCreated !== undefined ? { tipCreated: r.tipCreated } : {}),
          ...(r.tipModified !== undefined ? { tipModified: r.tipModified } : {}),
        })
      }
    }
    return {
      seq: this.#seq,
      auditSeq: this.#audit.seq,
      changes: this.#changes.state,
      nextId: Object.fromEntries(this.#nextId),
      rows,
      tokens: [...this.#tokens.values()],
      marks: [...this.#marks.values()].map((m) => ({ user: m.user, method: m.method, at: m.at, seq: m.seq, ...(m.dataset !== undefined ? { dataset: m.dataset } : {}) })),
      audit: this.auditTrail(),
    }
  }

  static restore(config: CordellConfig, ctx: PartnerContext, data: unknown): CordellStore {
    const saved = cordellSnapshot.parse(data)
    const store = new CordellStore(config, ctx)
    store.#restore(saved)
    return store
  }

  #restore(saved: CordellSnapshot): void {
    // Rows in sequence order, so a child added after its parent finds it when indexed.
    for (const r of [...saved.rows].sort((a, b) => a.seq - b.seq)) {
      const key = KEY[r.table]
      if (r.values[key] !== r.id) throw new RangeError(`rows: ${r.table} row ${r.id} has ${key} ${String(r.values[key])}`)
      let row = this.get(r.table, r.id)
      if (row) {
        // Parent ids never change, so the row stays where the indexes have it.
        for (const field of INDEXED[r.table]) {
          if (r.values[field] !== row.values[field]) throw new RangeError(`rows: ${r.table} row ${r.id} moved ${field} from ${String(row.values[field])} to ${String(r.values[field])}`)
        }
        row.values = { ...r.values }
        row.created = r.created
      } else {
        row = this.#insert(r.table, { ...r.values }, r.dataset, r.created, r.seq)
      }
      row.dataset = r.dataset
      row.seq = r.seq
      row.modified = r.modified
      row.deleted = r.deleted
      if (r.tipCreated !== undefined) row.tipCreated = r.tipCreated
      if (r.tipModified !== undefined) row.tipModified = r.tipModified
    }
    for (const [table, next] of Object.entries(saved.nextId)) this.#nextId.set(table as Table, Math.max(next, this.#nextId.get(table as Table) ?? 1))
    this.#seq = saved.seq
    this.#changes.state = saved.changes
    this.#tokens = new Map(saved.tokens.map((t) => [t.token, t]))
    this.#marks = new Map(saved.marks.map((m) => [markKey(m.user, m.method, m.dataset), { ...m, dataset: m.dataset }]))
    this.#lastMark = undefined
    this.#audit.restore(saved.audit, saved.auditSeq)
    this.#version++
  }

  // ---- data ----------------------------------------------------------------------------------------

  /** The seed's rows. What they are is a pure function of the scenario, so the values are made once per
   *  sandbox and shared (frozen) by every session, which makes its own row records around them: a suite
   *  that makes a session per test would otherwise build and collect the whole price book each time.
   *  A change gives the row a values object of its own (#modify). */
  #generate(): void {
    const seed = this.ctx.seed
    for (const f of this.ctx.memo(this.config, `cordell:fixtures:${seed}`, () => fixtures(this.config, seed))) {
      const row = this.#insert(f.table, f.values, f.dataset, f.created, 0)
      if (f.tip) row.tipCreated = row.created
    }
  }

  #table(table: Table): Map<number, Row> {
    let t = this.#tables.get(table)
    if (!t) this.#tables.set(table, (t = new Map()))
    return t
  }

  #insert(table: Table, values: Values, dataset: number | undefined, created: number, seq: number): Row {
    const id = values[KEY[table]] as number
    const row: Row = { table, id, dataset, values, created, modified: undefined, deleted: undefined, seq }
    this.#table(table).set(id, row)
    this.#nextId.set(table, Math.max(this.#nextId.get(table) ?? 1, id + 1))
    for (const field of INDEXED[table]) {
      const key = `${table}:${field}:${values[field]}`
      let list = this.#index.get(key)
      if (!list) this.#index.set(key, (list = []))
      list.push(row)
    }
    return row
  }

  get(table: Table, id: number): Row | undefined {
    return this.#table(table).get(id)
  }

  /** Rows of `table` whose indexed `field` is `value`. */
  childrenOf(table: Table, field: string, value: number): readonly Row[] {
    return this.#index.get(`${table}:${field}:${value}`) ?? []
  }

  rows(table: Table): IterableIterator<Row> {
    return this.#table(table).values()
  }

  /** The live rows (first download, COMPLETESET=1), or every row changed after `since` (deleted ones too). */
  select(table: Table, since: number | undefined, filter: (row: Row) => boolean = () => true): Row[] {
    const out: Row[] = []
    for (const row of this.rows(table)) {
      if (since === undefined ? row.deleted !== undefined : row.seq <= since) continue
      if (filter(row)) out.push(row)
    }
    return out
  }

  // ---- delta marks -----------------------------------------------------------------------------------

  mark(user: string, method: string, dataset?: number): DownloadMark | undefined {
    const last = this.#lastMark
    if (last !== undefined && last.user === user && last.method === method && last.dataset === dataset) return last
    const mark = this.#marks.get(markKey(user, method, dataset))
    if (mark !== undefined) this.#lastMark = mark
    return mark
  }

  /** Records that `user` downloaded `method` now: the next call returns what changed after this. `had`
   *  is the mark as `mark()` gave it, when the caller already asked (it is not looked up again). */
  recordDownload(user: string, method: string, dataset?: number, had = this.mark(user, method, dataset)): DownloadMark {
    // Moved on in place: a client downloading in a loop would otherwise leave a dead mark per call
    // for the collector. A mark read earlier therefore shows the new time: read it first.
    if (had) {
      had.at = this.now
      had.seq = this.#seq
      return had
    }
    const mark = { user, method, dataset, at: this.now, seq: this.#seq }
    this.#marks.set(markKey(user, method, dataset), mark)
    this.#lastMark = mark
    return mark
  }

  marks(): DownloadMark[] {
    return [...this.#marks.values()]
  }

  /** Forgets download marks (all, or one user's), so the next call is a first call again. */
  forgetMarks(user?: string): number {
    this.#lastMark = undefined
    let n = 0
    for (const [key, mark] of this.#marks) {
      if (user === undefined || mark.user === user) {
        this.#marks.delete(key)
        n++
      }
    }
    return n
  }

  // ---- tokens ----------------------------------------------------------------------------------------

  /** A new token on every login: a user may hold several, from different places, at once (seed 004). */
  issueToken(user: string, ip: string): Token {
    const now = this.now
    // Tokens expired for over a week are forgotten, so an endless test run stays bounded.
    for (const [key, t] of this.#tokens) if (t.expires < now - 7 * 86_400_000) this.#tokens.delete(key)
    const token: Token = { token: guid(this.ctx.random), user, issued: now, expires: now + this.tokenTtl, ip }
    this.#tokens.set(token.token, token)
    return token
  }

  token(value: string): Token | undefined {
    return this.#tokens.get(value)
  }

  /** For the dashboard: tokens this session remembers and how many are unexpired. */
  tokenCounts(): { total: number; live: number } {
    let live = 0
    for (const t of this.#tokens.values()) if (t.expires > this.now) live++
    return { total: this.#tokens.size, live }
  }

  // ---- audit -----------------------------------------------------------------------------------------

  /** Appends a row to the trail (a ring of at most `config.auditLimit` rows, so a call costs the same
   *  with an empty trail as with a full one). */
  audit(row: AuditInput): void {
    this.#audit.add(this.now, row)
  }

  /** The kept audit rows, oldest first. */
  auditTrail(): AuditRow[] {
    return this.#audit.rows()
  }

  /** How many audit rows are kept. */
  get auditSize(): number {
    return this.#audit.size
  }

  // ---- download cache --------------------------------------------------------------------------------

  /** The cached download of `method`: the rows changed after sequence `since` (all when undefined) in
   *  `dataset`, as a privileged caller or another sees them; empty (records -1) when new. Every cached
   *  entry goes as soon as any row changes; at most DOWNLOADS_KEPT entries are kept. The last one asked
   *  for is checked first: a client downloading in a loop asks for the same one, whose key would
   *  otherwise be built and hashed afresh on every call. */
  download(method: string, since: number | undefined, dataset: number | undefined, privileged: boolean): CachedDownload {
    if (this.#downloadsVersion !== this.#version) {
      this.#forgetDownloads()
      this.#downloadsVersion = this.#version
    }
    const last = this.#lastDownload
    if (last !== undefined && last.method === method && last.since === since && last.dataset === dataset && last.privileged === privileged) return last.entry
    const key = `${method}\u0000${since ?? ''}\u0000${dataset ?? ''}\u0000${privileged ? 1 : 0}`
    let entry = this.#downloads.get(key)
    if (!entry) {
      entry = { records: -1 }
      if (this.#downloads.size >= DOWNLOADS_KEPT) this.#forgetDownloads()
      this.#downloads.set(key, entry)
    }
    this.#lastDownload = { method, since, dataset, privileged, entry }
    return entry
  }

  /** Keeps a body made for a cached download, unless the bodies kept would pass DOWNLOAD_CHARS_KEPT. */
  keepBody(entry: CachedDownload, form: 'xml' | 'json', body: Bytes): void {
    if (entry[form] !== undefined || this.#downloadChars + body.byteLength > DOWNLOAD_CHARS_KEPT) return
    entry[form] = body
    this.#downloadChars += body.byteLength
  }

  #forgetDownloads(): void {
    this.#downloads.clear()
    this.#lastDownload = undefined
    this.#downloadChars = 0
  }

  // ---- changes ---------------------------------------------------------------------------------------

  /** Applies one change; throws ChangeError saying what is wrong, having changed nothing. */
  apply(change: ChangeInput): Applied[] {
    const { op, table } = change
    // Before anything changes: a change that fails half way has still changed nothing cached.
    this.#version++
    if (op === 'add') {
      const n = change.count ?? 1
      const made: Applied[] = []
      for (let i = 0; i < n; i++) made.push({ op, table, id: this.#add(table, change.values ?? {}, change.dataset).id })
      return made
    }
    const targets = change.id !== undefined ? [this.#live(table, change.id)] : this.#pick(table, change.count!, change.dataset)
    if (op === 'modify') {
      if (change.values) this.#checkFields(table, change.values, EDITABLE[table], 'modify')
      for (const row of targets) this.#modify(row, change.values)
    } else {
      for (const row of targets) this.#delete(row)
    }
    return targets.map((row) => ({ op, table, id: row.id }))
  }

  #live(table: Table, id: number): Row {
    const row = this.get(table, id)
    if (!row) throw new ChangeError(`${table} has no row ${KEY[table]}=${id}`)
    if (row.deleted !== undefined) throw new ChangeError(`${table} row ${KEY[table]}=${id} was deleted at ${iso(row.deleted)}`)
    return row
  }

  #pick(table: Table, count: number, dataset: number | undefined): Row[] {
    const live = this.select(table, undefined, (r) => dataset === undefined || (table === 'datasets' ? r.id === dataset : r.dataset === dataset))
    if (live.length < count) throw new ChangeError(`${table} has ${live.length} live row${live.length === 1 ? '' : 's'}${dataset !== undefined ? ` in dataset ${dataset}` : ''}; cannot pick ${count}`)
    // A partial Fisher-Yates on the session's own change stream: the same scenario picks the same rows.
    for (let i = 0; i < count; i++) {
      const j = this.#changes.int(i, live.length - 1)
      ;[live[i], live[j]] = [live[j]!, live[i]!]
    }
    return live.slice(0, count)
  }

  #checkFields(table: Table, values: Record<string, string | number>, allowed: readonly string[], op: string): void {
    for (const [key, value] of Object.entries(values)) {
      if (!allowed.includes(key)) throw new ChangeError(`${op} ${table}: ${key} cannot be set; use ${allowed.join(', ') || '(nothing)'}`)
      if (INT_FIELDS.has(key) && !Number.isInteger(Number(value))) throw new ChangeError(`${op} ${table}: ${key} must be an integer id`)
      if (MONEY_FIELDS.has(key) && !Number.isFinite(Number(value))) throw new ChangeError(`${op} ${table}: ${key} must be an amount such as 123.45`)
      if (key === 'ADJUSTMENTPERCENTAGE' && !Number.isFinite(Number(value))) throw new ChangeError(`${op} ${table}: ADJUSTMENTPERCENTAGE must be a number`)
    }
  }

  #bump(row: Row): void {
    row.seq = ++this.#seq
    row.modified = this.now
  }

  #modify(row: Row, values: Record<string, string | number> | undefined): void {
    const set = values ?? this.#generatedEdit(row)
    // Seed rows share their values with other sessions: a change writes to a copy of its own.
    row.values = { ...row.values }
    for (const [key, value] of Object.entries(set)) {
      row.values[key] = MONEY_FIELDS.has(key) ? Number(value).toFixed(2) : key === 'ADJUSTMENTPERCENTAGE' ? Number(value).toFixed(1) : String(value)
    }
    if (row.table === 'prices') row.values = withTotals(row.values)
    if (row.table === 'categories' && 'TIPDESCRIPTION' in set) {
      if (row.values.TIPID === undefined) {
        row.values.TIPID = 1_000 + row.id
        row.tipCreated = this.now
      } else row.tipModified = this.now
    }
    this.#bump(row)
    // Ingredients and prices repeat an item's code, description and unit: they change with it.
    if (row.table === 'items') {
      for (const ing of this.childrenOf('ingredients', 'INGREDIENTID', row.id)) {
        if (ing.deleted !== undefined) continue
        ing.values = { ...ing.values, INGREDIENTITEMCODE: row.values.ITEMCODE!, DESCRIPTION: row.values.DESCRIPTION!, UNITMEASURE: row.values.UNITMEASURE! }
        this.#bump(ing)
      }
      if ('ITEMCODE' in set) {
        for (const price of this.childrenOf('prices', 'ITEMID', row.id)) {
          if (price.deleted !== undefined) continue
          price.values = { ...price.values, ITEMCODE: row.values.ITEMCODE! }
          this.#bump(price)
        }
      }
    }
  }

  /** What `modify` without values changes: a revised description, or a price that moved. */
  #generatedEdit(row: Row): Values {
    switch (row.table) {
      case 'datasets':
        return { NAME: revised(String(row.values.NAME)) }
      case 'ingredients':
        return { QUANTITY: (Number(row.values.QUANTITY) * 1.1).toFixed(2) }
      case 'prices':
        // Material moves by -5% to +15%, as cost guides are re-priced.
        return { MATERIAL: money(Math.round(Number(row.values.MATERIAL) * (95 + this.#changes.int(0, 20)))) }
      default:
        return { DESCRIPTION: revised(String(row.values.DESCRIPTION)) }
    }
  }

  #delete(row: Row): void {
    if (row.deleted !== undefined) return
    row.deleted = this.now
    row.seq = ++this.#seq
    for (const [child, field] of CASCADE[row.table] ?? []) {
      for (const c of this.childrenOf(child, field, row.id)) this.#delete(c)
    }
  }

  #add(table: Table, given: Record<string, string | number>, dataset: number | undefined): Row {
    this.#checkFields(table, given, [...PARENTS[table], ...EDITABLE[table]], 'add')
    const words = addedWords(this.#changes)
    const id = this.#nextId.get(table) ?? 1
    const parent = (t: Table, field: string, pick: () => Row): Row => {
      if (given[field] === undefined) return pick()
      return this.#live(t, Number(given[field]))
    }
    const anyLive = (t: Table, filter: (r: Row) => boolean = () => true) => {
      const live = this.select(t, undefined, (r) => (dataset === undefined || (t === 'datasets' ? r.id === dataset : r.dataset === dataset)) && filter(r))
      if (live.length === 0) throw new ChangeError(`add ${table}: no live ${t}${dataset !== undefined ? ` in dataset ${dataset}` : ''} to attach it to; give ${PARENTS[table].join(', ')}`)
      return live[this.#changes.int(0, live.length - 1)]!
    }
    const pick = <T extends string | number>(field: string, fallback: T): string | number => given[field] ?? fallback
    let values: Values
    let ds: number | undefined
    switch (table) {
      case 'datasets':
        values = { DATASETID: id, NAME: String(pick('NAME', `Cordell Cost Guide ${id}`)) }
        break
      case 'categories':
        values = { CATEGORYID: id, CODE: String(pick('CODE', String(id).padStart(2, '0'))), DESCRIPTION: String(pick('DESCRIPTION', words.trade)), LINENO: String(pick('LINENO', String(id * 10))) }
        if (given.TIPDESCRIPTION !== undefined) Object.assign(values, { TIPID: 1_000 + id, TIPDESCRIPTION: String(given.TIPDESCRIPTION) })
        break
      case 'entries': {
        const d = parent('datasets', 'DATASETID', () => anyLive('datasets'))
        const cat = parent('categories', 'CATEGORYID', () => anyLive('categories'))
        ds = d.id
        values = {
          ENTRYID: id, CATEGORYID: cat.id, TYPE: String(pick('TYPE', 'Recipe')), CODE: String(pick('CODE', `${cat.values.CODE}.${id}`)),
          DESCRIPTION: String(pick('DESCRIPTION', `${cat.values.DESCRIPTION} - ${words.description.toLowerCase()}`)),
          RECIPETYPEID: String(pick('RECIPETYPEID', '1')), COMPONENTTYPE: String(pick('COMPONENTTYPE', 'Composite')), DATASETID: d.id,
        }
        break
      }
      case 'items': {
        const entry = parent('entries', 'ENTRYID', () => anyLive('entries'))
        ds = entry.dataset
        values = {
          ITEMID: id, ENTRYID: entry.id, CATEGORYID: entry.values.CATEGORYID!, ITEMCODE: String(pick('ITEMCODE', `${entry.values.CODE}.${id}`)),
          DESCRIPTION: String(pick('DESCRIPTION', words.description)), WORKAREA: String(pick('WORKAREA', words.area)), UNITMEASURE: String(pick('UNITMEASURE', words.unit)),
        }
        break
      }
      case 'ingredients': {
        const recipe = parent('items', 'ITEMID', () => anyLive('items'))
        const component = parent('items', 'INGREDIENTID', () => anyLive('items', (r) => r.dataset === recipe.dataset && r.id !== recipe.id))
        if (component.dataset !== recipe.dataset) throw new ChangeError(`add ingredients: item ${component.id} is in dataset ${component.dataset}, the recipe ${recipe.id} in ${recipe.dataset}`)
        if (component.id === recipe.id) throw new ChangeError('add ingredients: an item cannot be its own ingredient')
        ds = recipe.dataset
        values = ingredientAt(this.ctx.seed, id - 1, recipe.values, component.values)
        values.ID = id
        if (given.QUANTITY !== undefined) values.QUANTITY = String(given.QUANTITY)
        break
      }
      case 'prices': {
        const item = parent('items', 'ITEMID', () => anyLive('items'))
        const region = Number(pick('REGIONID', this.#changes.pick(this.config.regions)))
        const sector = Number(pick('PRICESECTORID', this.#changes.pick(this.config.sectors)))
        const taken = this.childrenOf('prices', 'ITEMID', item.id).some((p) => p.deleted === undefined && p.values.REGIONID === region && p.values.PRICESECTORID === sector)
        if (taken) throw new ChangeError(`add prices: item ${item.id} already has a price for region ${region}, sector ${sector}; modify it, or delete it first`)
        ds = item.dataset
        values = priceAt(this.ctx.seed, id - 1 + 7_919, item.values, item.dataset!, region, sector)
        values.PRICESUMMARYID = id
        for (const k of EDITABLE.prices) if (given[k] !== undefined) values[k] = k === 'ADJUSTMENTPERCENTAGE' ? Number(given[k]).toFixed(1) : Number(given[k]).toFixed(2)
        values = withTotals(values)
        break
      }
    }
    const row = this.#insert(table, values, ds, this.now, ++this.#seq)
    if (table === 'categories' && values.TIPID !== undefined) row.tipCreated = row.created
    return row
  }
}

function markKey(user: string, method: string, dataset: number | undefined): string {
  return `${user}\u0000${method}\u0000${dataset ?? ''}`
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** A .NET Guid.NewGuid() look, drawn from the session's seeded stream. */
function guid(r: Random): string {
  const hex = Array.from({ length: 32 }, () => r.int(0, 15).toString(16)).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[r.int(0, 3)]}${hex.slice(17, 20)}-${hex.slice(20)}`
}

const table = z.enum(['datasets', 'categories', 'entries', 'items', 'ingredients', 'prices'])
const value = z.union([z.string(), z.number()])

/** A Cordell state's snapshot: see CordellStore.snapshot. */
export const cordellSnapshot = later(() =>
  z.strictObject({
    seq: z.number().int().nonnegative(),
    auditSeq: z.number().int().nonnegative(),
    changes: snap.uint32,
    nextId: z.partialRecord(table, z.number().int().positive()),
    rows: z.array(
      z.object({
        table,
        id: z.number().int(),
        dataset: z.number().int().optional(),
        values: z.record(z.string(), value),
        created: snap.time,
        modified: snap.time.optional(),
        deleted: snap.time.optional(),
        seq: z.number().int().positive(),
        tipCreated: snap.time.optional(),
        tipModified: snap.time.optional(),
      }),
    ),
    tokens: z.array(z.object({ token: z.string(), user: z.string(), issued: snap.time, expires: snap.time, ip: z.string() })),
    marks: z.array(z.object({ user: z.string(), method: z.string(), dataset: z.number().int().optional(), at: snap.time, seq: z.number().int().nonnegative() })),
    audit: z.array(
      z.object({
        id: z.number().int(),
        // The trail keeps its times as numbers (audit.ts): text that is not a time is refused here, not
        // kept to fail when the trail is read.
        at: snap.isoTime,
        user: z.string().nullable(),
        ip: z.string(),
        method: z.string(),
        parameters: z.record(z.string(), z.string()),
        mode: z.enum(['full', 'complete', 'delta', 'lookup']).nullable(),
        since: snap.isoTime.nullable(),
        records: z.number().int(),
        outcome: z.string(),
      }),
    ),
  }),
)
export type CordellSnapshot = z.output<typeof cordellSnapshot>

/** One seed row, as #generate inserts it. */
interface Fixture {
  table: Table
  values: Values
  dataset: number | undefined
  created: number
  /** A category row with a tip: the tip is as old as the row. */
  tip: boolean
}

/** The seed's rows in insertion order, values frozen: shared by every session of a sandbox. */
function fixtures(config: CordellConfig, seed: number): Fixture[] {
  const out: Fixture[] = []
  const insert = (table: Table, values: Values, dataset: number | undefined, created: number, tip = false) => {
    out.push({ table, values: Object.freeze(values), dataset, created, tip })
  }
  const asOf = Date.parse(config.dataAsOf)
  const born = (table: Table, index: number) => createdAt(seed, table, index, asOf)
  const datasets = generatedThenGiven(config.datasets.generate, (i) => datasetAt(seed, i), config.datasets.records, (r) => r.DATASETID, (r, id) => ({ DATASETID: id, NAME: r.NAME }))
  const categories = generatedThenGiven(config.categories.generate, (i) => categoryAt(seed, i), config.categories.records, (r) => r.CATEGORYID, (r, id) => {
    const v: Values = { CATEGORYID: id, CODE: r.CODE ?? String(id).padStart(2, '0'), DESCRIPTION: r.DESCRIPTION, LINENO: r.LINENO ?? String(id * 10) }
    if (r.TIPDESCRIPTION !== undefined) Object.assign(v, { TIPID: 1_000 + id, TIPDESCRIPTION: r.TIPDESCRIPTION })
    return v
  })
  datasets.forEach((v, i) => insert('datasets', v, undefined, born('datasets', i)))
  categories.forEach((v, i) => insert('categories', v, undefined, born('categories', i), v.TIPID !== undefined))

  let e = 0
  let it = 0
  let ing = 0
  let pr = 0
  for (const ds of datasets) {
    const dsId = ds.DATASETID as number
    for (const cat of categories) {
      for (let k = 0; k < config.entriesPerCategory; k++, e++) {
        const entry = entryAt(seed, e, cat, k)
        insert('entries', { ...entry, DATASETID: dsId }, dsId, born('entries', e))
        const items: Values[] = []
        for (let j = 0; j < config.itemsPerEntry; j++, it++) {
          const item = itemAt(seed, it, entry, j)
          items.push(item)
          insert('items', item, dsId, born('items', it))
          for (const region of config.regions) {
            for (const sector of config.sectors) {
              insert('prices', priceAt(seed, pr, item, dsId, region, sector), dsId, born('prices', pr))
              pr++
            }
          }
        }
        // The first item of an entry is its recipe; the others are its component items.
        for (const component of items.slice(1)) {
          insert('ingredients', ingredientAt(seed, ing, items[0]!, component), dsId, born('ingredients', ing))
          ing++
        }
      }
    }
  }
  return out
}

/** `count` generated rows (ids 1…count), then the scenario's own records, each with its given id or the
 *  next one after the highest so far. */
function generatedThenGiven<R>(count: number, generate: (i: number) => Values, records: readonly R[], idOf: (r: R) => number | undefined, make: (r: R, id: number) => Values): Values[] {
  const out: Values[] = []
  for (let i = 0; i < count; i++) out.push(generate(i))
  let next = count
  for (const r of records) {
    const id = idOf(r) ?? next + 1
    next = Math.max(next, id)
    out.push(make(r, id))
  }
  return out
}
