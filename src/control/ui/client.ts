/** The dashboard's browser code. It is type-checked with the rest of the project and sent to the
 *  browser as its own source (`dashboard.toString()`), so it must stay self-contained: no imports, no
 *  references to anything outside the function body (types excepted, they are erased).
 *
 *  Safety: everything that came from a request (journal bodies, headers, names, scenario text) is put
 *  on the page as text nodes through `h()`; nothing is ever assigned to innerHTML. */

import type { JournalEntry } from '../../core/journal.js'

interface ClockView {
  now: string
  epochMs: number
  frozen: boolean
  pending: { due: string; label: string }[]
}

interface StateView {
  session: string
  scenario: string
  clock: ClockView
  faults: number
  requests: number
  partners: Record<string, { title: string; summary?: unknown }>
}

/** A journal entry as GET /__sandbox/requests and the event stream send it. */
type Entry = JournalEntry

interface Fault {
  id: string
  partner: string
  method?: string
  path: string
  times?: number
  hits: number
  remaining: number | null
  description: string
}

interface Attempt {
  number: number
  retry: boolean
  at: string
  status: number | null
  durationMs: number
  error: string | null
  outcome: string
}

interface Delivery {
  id: string
  state: string
  full_name: string | null
  attemptCount: number
  redeliveries: number
  nextAttemptAt: string | null
  attempts: Attempt[]
}

interface AuditRow {
  id: number
  at: string
  user: string | null
  ip: string
  method: string
  mode: string | null
  records: number
  outcome: string
}

type Child = Node | string | number | null | undefined | false | Child[]
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>

export function dashboard(): void {
  const TOKEN_KEY = 'partner-sandbox.admin-token'
  const JOURNAL_KEEP = 500
  // The DAS service's roles ([Authorize(Roles = …)]), offered as checkboxes on the token form.
  const DAS_PERMISSIONS = [
    'ReadApprenticeshipEvent', 'StoreApprenticeshipEvent', 'ReadAgreementEvent', 'StoreAgreementEvent',
    'ReadAccountEvent', 'StoreAccountEvent', 'ReadGenericEvent', 'WriteGenericEvent',
  ]

  // ---- where the API is, and who we are ---------------------------------------------------------

  // The page is at <base>/ui (base: /__sandbox, or /__s/<id>/__sandbox): every call goes to <base>.
  const base = location.pathname.replace(/\/ui\/?$/, '')
  const params = new URLSearchParams(location.search)
  const fromUrl = params.get('token')
  if (fromUrl !== null) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    // Off the address bar (and out of history and bookmarks) as soon as it is stored.
    params.delete('token')
  }
  let session = params.get('session') || 'default'
  const ui = {
    token: sessionStorage.getItem(TOKEN_KEY) ?? '',
    clock: undefined as (ClockView & { receivedAt: number }) | undefined,
    state: undefined as StateView | undefined,
    journal: [] as Entry[],
    selected: undefined as number | undefined,
    faults: [] as Fault[],
    source: undefined as EventSource | undefined,
    poller: undefined as number | undefined,
    refreshTimer: undefined as number | undefined,
    auditSize: -1,
  }
  const rememberUrl = () => {
    const q = new URLSearchParams(params)
    q.set('session', session)
    history.replaceState(null, '', `${location.pathname}?${q}`)
  }
  rememberUrl()

  // ---- DOM helpers --------------------------------------------------------------------------------

  function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
    const el = document.createElement(tag)
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === false) continue
      if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value)
      else if (value === true) el.setAttribute(name, '')
      else el.setAttribute(name, String(value))
    }
    append(el, children)
    return el
  }
  function append(el: Node, children: Child[]): void {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue
      if (Array.isArray(child)) append(el, child)
      else el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)))
    }
  }
  function fill(el: Element | null, ...children: Child[]): void {
    if (!el) return
    el.replaceChildren()
    append(el, children)
  }
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T
  let seq = 0
  const uid = (prefix: string) => `${prefix}-${++seq}`

  /** A labelled input: the label is a real <label for>, so screen readers and tests find it by name. */
  function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
    const id = input.id || uid('f')
    input.id = id
    return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('span', { class: 'hint' }, hint) : null)
  }
  const table = (head: string[], rows: HTMLElement[], empty = 'None yet.') =>
    rows.length === 0
      ? h('p', { class: 'muted' }, empty)
      : h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, rows)))
  const dl = (pairs: [string, Child][]) => h('dl', { class: 'kv' }, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
  const badge = (text: string, kind: string) => h('span', { class: `badge ${kind}` }, text)

  function fmtTime(iso: string | null | undefined): string {
    if (!iso) return '—'
    const d = new Date(iso)
    if (Number.isNaN(d.getTime())) return iso
    return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC')
  }
  const shortTime = (iso: string) => fmtTime(iso).slice(11, 19)

  function toast(message: string, kind: 'ok' | 'error' = 'ok'): void {
    const region = $('toasts')
    const item = h('p', { class: `toast ${kind}` }, message)
    region.appendChild(item)
    // A burst of actions must not bury the page under messages: the newest three stay.
    while (region.children.length > 3) region.firstElementChild?.remove()
    setTimeout(() => item.remove(), kind === 'error' ? 8000 : 3000)
  }

  // ---- the control API ---------------------------------------------------------------------------

  async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'x-sandbox-session': session, accept: 'application/json' }
    if (ui.token) headers.authorization = `Bearer ${ui.token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
    const text = await res.text()
    let data: any
    try {
      data = text ? JSON.parse(text) : undefined
    } catch {
      data = text
    }
    if (res.status === 401) showLocked(true)
    if (!res.ok) {
      // The control API's message already names each problem; its details repeat them by path.
      const error = data?.error
      throw new Error(`${res.status} ${error?.message ?? (typeof data === 'string' ? data : res.statusText)}`)
    }
    showLocked(false)
    return data as T
  }

  /** Runs a user action: its errors become a visible message instead of a silent console line. */
  async function act(what: string, fn: () => Promise<unknown>, done?: string): Promise<void> {
    try {
      await fn()
      if (done) toast(done)
    } catch (error) {
      toast(`${what} failed: ${(error as Error).message}`, 'error')
    }
    scheduleRefresh(0)
  }

  function showLocked(locked: boolean): void {
    $('locked').hidden = !locked
  }

  // ---- page skeleton -----------------------------------------------------------------------------

  function skeleton(): void {
    const sessionInput = h('input', { id: 'session-input', list: 'sessions', value: session, autocomplete: 'off', spellcheck: 'false', size: 14 }) as HTMLInputElement
    const tokenInput = h('input', { id: 'token-input', type: 'password', value: ui.token, autocomplete: 'off', size: 14 }) as HTMLInputElement
    document.body.replaceChildren(
      h('a', { class: 'skip', href: '#journal-h' }, 'Skip to the journal'),
      h(
        'header',
        { class: 'top' },
        h('h1', {}, 'partner-sandbox'),
        h(
          'form',
          { class: 'inline', id: 'session-form', onsubmit: (e) => { e.preventDefault(); switchSession(sessionInput.value.trim() || 'default') } },
          field('Session', sessionInput),
          h('datalist', { id: 'sessions' }),
          h('button', { type: 'submit' }, 'Open'),
        ),
        h(
          'form',
          { class: 'inline', id: 'token-form', onsubmit: (e) => { e.preventDefault(); setToken(tokenInput.value.trim()) } },
          field('Admin token', tokenInput),
          h('button', { type: 'submit' }, 'Use'),
        ),
        h('span', { id: 'live', class: 'badge', role: 'status' }, 'connecting…'),
        h('nav', { 'aria-label': 'Elsewhere' }, h('a', { href: `${base}/docs` }, 'API docs')),
      ),
      h('p', { id: 'locked', class: 'locked', role: 'alert', hidden: true }, 'This sandbox needs its admin token (SANDBOX_ADMIN_TOKEN): enter it above.'),
      h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' }),
      h(
        'main',
        {},
        h('div', { class: 'row' }, sessionCard(), faultsCard()),
        journalSection(),
        h('section', { 'aria-labelledby': 'partners-h' }, h('h2', { id: 'partners-h' }, 'Partners'), h('div', { id: 'partners', class: 'cards' })),
      ),
    )
  }

  function sessionCard(): HTMLElement {
    const custom = h('input', { id: 'advance-by', placeholder: '90m', size: 8, autocomplete: 'off' }) as HTMLInputElement
    const advance = (by: string) => act('Advancing the clock', async () => updateClock(await api('POST', '/clock', { advance: by })))
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'session-h' },
      h('h2', { id: 'session-h' }, 'Session ', h('span', { id: 'session-name', class: 'mono' }, session)),
      dl([
        ['Scenario', h('span', { id: 'scenario-name' }, '…')],
        ['Clock', h('span', { id: 'clock', class: 'clock mono', 'aria-live': 'off' }, '…')],
        ['State', h('span', { id: 'clock-state' }, '…')],
      ]),
      h(
        'div',
        { class: 'buttons', role: 'group', 'aria-label': 'Advance the clock' },
        ['5s', '1m', '1h', '1d'].map((by) => h('button', { type: 'button', 'data-advance': by, onclick: () => advance(by) }, `+${by}`)),
      ),
      h(
        'form',
        { class: 'inline', onsubmit: (e) => { e.preventDefault(); if (custom.value.trim()) advance(custom.value.trim()) } },
        field('Advance by', custom, 'e.g. 90s, 61m, 1h30m, 7d'),
        h('button', { type: 'submit' }, 'Advance'),
      ),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', id: 'freeze', 'aria-pressed': 'false', onclick: () => act('Freezing', async () => updateClock(await api('POST', '/clock', { frozen: !ui.clock?.frozen }))) }, 'Freeze'),
        h('button', { type: 'button', id: 'reset', class: 'danger', onclick: () => act('Reset', async () => { await api('POST', '/reset'); await loadJournal() }, 'Session reset to the scenario\'s start') }, 'Reset session'),
      ),
      h('div', { id: 'pending' }),
    )
  }

  function faultsCard(): HTMLElement {
    const partner = h('select', { id: 'fault-partner' }) as HTMLSelectElement
    const method = h('select', { id: 'fault-method' }, ['any', 'GET', 'POST', 'PUT', 'DELETE'].map((m) => h('option', { value: m === 'any' ? '' : m }, m))) as HTMLSelectElement
    const path = h('input', { id: 'fault-path', value: '*', size: 16, autocomplete: 'off' }) as HTMLInputElement
    const action = h('select', { id: 'fault-action' }, [['respond', 'respond'], ['delay', 'delay'], ['drop', 'drop'], ['truncate', 'truncate']].map(([v, t]) => h('option', { value: v! }, t!))) as HTMLSelectElement
    const value = h('input', { id: 'fault-value', value: '500', size: 8, autocomplete: 'off' }) as HTMLInputElement
    const times = h('input', { id: 'fault-times', type: 'number', min: 1, size: 4, placeholder: 'always' }) as HTMLInputElement
    action.addEventListener('change', () => {
      value.disabled = action.value === 'drop' || action.value === 'truncate'
      value.value = action.value === 'delay' ? '2s' : action.value === 'respond' ? '500' : ''
    })
    const add = (e: Event) => {
      e.preventDefault()
      const rule: Record<string, unknown> = { partner: partner.value, path: path.value.trim() || '*' }
      if (method.value) rule.method = method.value
      if (times.value) rule.times = Number(times.value)
      if (action.value === 'respond') rule.respond = { status: Number(value.value) || 500 }
      if (action.value === 'delay') rule.delay = value.value.trim() || '1s'
      if (action.value === 'drop') rule.drop = true
      if (action.value === 'truncate') rule.truncate = true
      void act('Adding the fault', () => api('POST', '/faults', rule), 'Fault added')
    }
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'faults-h' },
      h('h2', { id: 'faults-h' }, 'Faults'),
      h('div', { id: 'faults' }),
      h(
        'form',
        { class: 'grid-form', id: 'fault-form', onsubmit: add },
        field('Partner', partner),
        field('Method', method),
        field('Path (glob)', path),
        field('Action', action),
        field('Status / delay', value),
        field('Times', times),
        h('button', { type: 'submit' }, 'Add fault'),
      ),
    )
  }

  function journalSection(): HTMLElement {
    const partner = h('select', { id: 'filter-partner', onchange: renderJournal }, h('option', { value: '' }, 'all')) as HTMLSelectElement
    const status = h('select', { id: 'filter-status', onchange: renderJournal }, ['', '2xx', '3xx', '4xx', '5xx', 'refused', 'fault'].map((s) => h('option', { value: s }, s || 'all'))) as HTMLSelectElement
    const path = h('input', { id: 'filter-path', placeholder: '/api/*', size: 14, autocomplete: 'off', oninput: renderJournal }) as HTMLInputElement
    return h(
      'section',
      { class: 'card journal', 'aria-labelledby': 'journal-h' },
      h('h2', { id: 'journal-h', tabindex: -1 }, 'Journal ', h('span', { id: 'journal-count', class: 'muted' }, '')),
      h(
        'div',
        { class: 'inline filters', role: 'search' },
        field('Partner', partner),
        field('Status', status),
        field('Path', path),
        h('button', { type: 'button', onclick: () => act('Clearing the journal', async () => { await api('DELETE', '/requests'); ui.journal = []; ui.selected = undefined; renderJournal(); renderDetail() }) }, 'Clear'),
      ),
      h('div', { class: 'split' }, h('div', { id: 'journal', class: 'scroll journal-list' }), h('div', { id: 'detail', class: 'detail', 'aria-live': 'polite' })),
    )
  }

  // ---- session and clock -------------------------------------------------------------------------

  function updateClock(view: ClockView | undefined): void {
    if (!view) return
    ui.clock = { ...view, receivedAt: performance.now() }
    const freeze = $('freeze')
    freeze.textContent = view.frozen ? 'Unfreeze' : 'Freeze'
    freeze.setAttribute('aria-pressed', String(view.frozen))
    fill($('clock-state'), view.frozen ? badge('frozen', 'warn') : badge('running', 'ok'))
    fill(
      $('pending'),
      view.pending.length
        ? [h('h3', {}, 'Pending timers'), h('ul', { class: 'compact' }, view.pending.slice(0, 8).map((p) => h('li', {}, h('span', { class: 'mono' }, fmtTime(p.due)), ' ', p.label)))]
        : null,
    )
    tick()
  }

  /** The clock between updates: a running clock moves with real time, as the server's does. */
  function tick(): void {
    const c = ui.clock
    if (!c) return
    const now = c.frozen ? c.epochMs : c.epochMs + (performance.now() - c.receivedAt)
    $('clock').textContent = fmtTime(new Date(now).toISOString())
  }

  async function switchSession(id: string): Promise<void> {
    session = id
    rememberUrl()
    $('session-name').textContent = id
    ;($('session-input') as HTMLInputElement).value = id
    ui.journal = []
    ui.selected = undefined
    ui.auditSize = -1
    renderDetail()
    connect()
    await refreshAll()
    await loadJournal()
  }

  function setToken(token: string): void {
    ui.token = token
    if (token) sessionStorage.setItem(TOKEN_KEY, token)
    else sessionStorage.removeItem(TOKEN_KEY)
    void switchSession(session)
  }

  // ---- refreshing ---------------------------------------------------------------------------------

  function scheduleRefresh(ms = 250): void {
    if (ui.refreshTimer !== undefined) return
    ui.refreshTimer = window.setTimeout(() => {
      ui.refreshTimer = undefined
      void refreshAll()
    }, ms)
  }

  async function refreshAll(): Promise<void> {
    try {
      const [state, faults] = await Promise.all([api<StateView>('GET', '/state'), api<{ faults: Fault[] }>('GET', '/faults')])
      ui.state = state
      ui.faults = faults.faults
      $('scenario-name').textContent = state.scenario
      updateClock(state.clock)
      renderFaults()
      renderPartners(state)
      const names = Object.keys(state.partners)
      syncOptions($('filter-partner') as HTMLSelectElement, ['', ...names])
      syncOptions($('fault-partner') as HTMLSelectElement, names)
      void loadSessions()
    } catch (error) {
      $('live').textContent = `not connected: ${(error as Error).message}`
    }
  }

  function syncOptions(select: HTMLSelectElement, values: string[]): void {
    const have = [...select.options].map((o) => o.value)
    if (have.join('\n') === values.join('\n')) return
    const keep = select.value
    select.replaceChildren(...values.map((v) => h('option', { value: v }, v || 'all')))
    if (values.includes(keep)) select.value = keep
  }

  async function loadSessions(): Promise<void> {
    const list = await api<{ sessions: { id: string }[] }>('GET', '/sessions')
    fill($('sessions'), list.sessions.map((s) => h('option', { value: s.id })))
  }

  // ---- faults -------------------------------------------------------------------------------------

  function renderFaults(): void {
    fill(
      $('faults'),
      table(
        ['rule', 'hits', ''],
        ui.faults.map((f) =>
          h(
            'tr',
            {},
            h('td', {}, h('span', { class: 'mono' }, f.id), ' ', f.description),
            h('td', {}, `${f.hits}${f.remaining !== null ? ` (${f.remaining} left)` : ''}`),
            h('td', {}, h('button', { type: 'button', class: 'small danger', 'aria-label': `Remove fault ${f.id}`, onclick: () => act('Removing the fault', () => api('DELETE', `/faults/${encodeURIComponent(f.id)}`), `Fault ${f.id} removed`) }, 'Remove')),
          ),
        ),
        'No fault rules: every partner answers as usual.',
      ),
    )
  }

  // ---- journal ------------------------------------------------------------------------------------

  async function loadJournal(): Promise<void> {
    try {
      const { requests } = await api<{ requests: Entry[] }>('GET', `/requests?limit=${JOURNAL_KEEP}`)
      const known = new Set(ui.journal.map((e) => e.id))
      ui.journal = [...requests.filter((e) => !known.has(e.id)).reverse(), ...ui.journal].sort((a, b) => b.id - a.id).slice(0, JOURNAL_KEEP)
      renderJournal()
    } catch {
      // Shown by refreshAll's status line.
    }
  }

  function addEntry(entry: Entry): void {
    // Outbound entries are journalled at once and re-sent when their response completes.
    ui.journal = [entry, ...ui.journal.filter((e) => e.id !== entry.id)].sort((a, b) => b.id - a.id).slice(0, JOURNAL_KEEP)
    renderJournal()
    if (ui.selected === entry.id) renderDetail()
  }

  function globMatch(pattern: string, text: string): boolean {
    if (!pattern) return true
    if (!pattern.includes('*')) return text.includes(pattern)
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`)
    return re.test(text)
  }

  function visibleEntries(): Entry[] {
    const partner = ($('filter-partner') as HTMLSelectElement).value
    const status = ($('filter-status') as HTMLSelectElement).value
    const path = ($('filter-path') as HTMLInputElement).value.trim()
    return ui.journal.filter(
      (e) =>
        (!partner || e.partner === partner) &&
        (!status ||
          (status === 'refused' ? e.refusal !== null : status === 'fault' ? e.fault !== null : Math.floor(e.status / 100) === Number(status[0]))) &&
        globMatch(path, e.path),
    )
  }

  const statusClass = (s: number) => (s === 0 ? 's0' : `s${Math.floor(s / 100)}`)

  function renderJournal(): void {
    const entries = visibleEntries()
    $('journal-count').textContent = `(${entries.length} of ${ui.journal.length})`
    const open = (id: number) => {
      ui.selected = id
      renderJournal()
      renderDetail()
    }
    fill(
      $('journal'),
      entries.length === 0
        ? h('p', { class: 'muted' }, ui.journal.length ? 'No request matches the filters.' : 'No requests yet: call a partner and it shows here.')
        : h(
            'table',
            { class: 'rows' },
            h('thead', {}, h('tr', {}, ['time', 'partner', 'request', 'status', 'ms'].map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              {},
              entries.slice(0, 300).map((e) =>
                h(
                  'tr',
                  { class: `${ui.selected === e.id ? 'selected' : ''}`, 'data-id': e.id, onclick: () => open(e.id) },
                  h('td', { class: 'mono' }, shortTime(e.at)),
                  h('td', {}, e.partner, e.direction === 'outbound' ? ' →' : ''),
                  h(
                    'td',
                    {},
                    h('button', { type: 'button', class: 'link', 'aria-pressed': String(ui.selected === e.id), onclick: (ev) => { ev.stopPropagation(); open(e.id) } }, `${e.method} ${e.path}`),
                    e.refusal ? h('span', { class: 'why', title: e.refusal }, ` ${e.refusal}`) : null,
                  ),
                  h('td', {}, h('span', { class: `st ${statusClass(e.status)}` }, e.status === 0 ? '—' : String(e.status)), e.fault ? h('span', { class: 'badge warn', title: e.fault }, 'fault') : null),
                  h('td', { class: 'num' }, String(Math.round(e.durationMs))),
                ),
              ),
            ),
          ),
    )
  }

  /** A body made readable: JSON indented, XML indented, forms one field a line; anything else as it came. */
  function pretty(body: string, headers: Record<string, string>): string {
    if (!body) return ''
    const type = (Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '').toLowerCase()
    const trimmed = body.trim()
    if (type.includes('json') || /^[[{]/.test(trimmed)) {
      try {
        return JSON.stringify(JSON.parse(trimmed), null, 2)
      } catch {
        return body
      }
    }
    if (type.includes('xml') || trimmed.startsWith('<?xml') || /^<[\w:-]+[\s>]/.test(trimmed)) return indentXml(trimmed)
    if (type.includes('x-www-form-urlencoded')) return trimmed.split('&').map((kv) => { try { return decodeURIComponent(kv.replace(/\+/g, ' ')) } catch { return kv } }).join('\n')
    return body
  }

  /** Indents XML by nesting: a tag with only text inside stays on one line. */
  function indentXml(xml: string): string {
    const tokens = xml.replace(/>\s+</g, '><').split(/(<[^>]+>)/).filter((t) => t !== '')
    const out: string[] = []
    let depth = 0
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!
      const pad = '  '.repeat(depth)
      if (t.startsWith('</')) {
        depth = Math.max(0, depth - 1)
        out.push('  '.repeat(depth) + t)
      } else if (t.startsWith('<?') || t.startsWith('<!') || t.endsWith('/>')) {
        out.push(pad + t)
      } else if (t.startsWith('<')) {
        const text = tokens[i + 1]
        const close = tokens[i + 2]
        if (text !== undefined && !text.startsWith('<') && close?.startsWith('</')) {
          out.push(pad + t + text + close)
          i += 2
        } else if (text?.startsWith('</')) {
          out.push(pad + t + text)
          i += 1
        } else {
          out.push(pad + t)
          depth++
        }
      } else {
        out.push(pad + t.trim())
      }
    }
    return out.join('\n')
  }

  /** A shell command that repeats the request. Secrets are masked in the journal, so they are here too. */
  function curlOf(e: Entry): string {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
    const skip = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'transfer-encoding'])
    const parts = ['curl', '-i']
    if (e.method !== 'GET') parts.push('-X', e.method)
    parts.push(q(e.url))
    for (const [name, value] of Object.entries(e.headers)) if (!skip.has(name.toLowerCase())) parts.push('-H', q(`${name}: ${value}`))
    if (e.body) parts.push('--data-raw', q(e.body))
    return parts.join(' ')
  }

  async function copy(text: string): Promise<boolean> {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch {
      // Plain http on another host is not a secure context: fall back to a selected textarea.
      const area = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' }) as HTMLTextAreaElement
      area.value = text
      document.body.appendChild(area)
      area.select()
      const ok = document.execCommand('copy')
      area.remove()
      return ok
    }
  }

  /** Headers folded away (a dozen rows each), so the bodies are what one sees first. */
  function headerTable(headers: Record<string, string>): HTMLElement {
    const rows = Object.entries(headers)
    return h(
      'details',
      { class: 'headers' },
      h('summary', {}, `Headers (${rows.length})`),
      table(['header', 'value'], rows.map(([k, v]) => h('tr', {}, h('td', { class: 'mono' }, k), h('td', { class: 'mono wrap' }, v))), 'No headers.'),
    )
  }

  function renderDetail(): void {
    const e = ui.journal.find((x) => x.id === ui.selected)
    const box = $('detail')
    if (!e) {
      fill(box, h('p', { class: 'muted' }, 'Pick a request to see it in full.'))
      return
    }
    const curl = curlOf(e)
    fill(
      box,
      h('h3', { id: 'detail-h', tabindex: -1 }, `#${e.id} ${e.method} ${e.path} → ${e.status || 'no response'}`),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', id: 'copy-curl', onclick: async () => toast((await copy(curl)) ? 'Copied as curl' : 'Copy it from the box below', 'ok') }, 'Copy as curl'),
        h('button', { type: 'button', onclick: () => { ui.selected = undefined; renderJournal(); renderDetail() } }, 'Close'),
      ),
      dl(([
        ['Partner', `${e.partner} (${e.direction})`],
        ['At', `${fmtTime(e.at)} (session) · ${fmtTime(e.realAt)} (real)`],
        ['Took', `${Math.round(e.durationMs)} ms`],
        ['URL', h('span', { class: 'mono wrap' }, e.url)],
        e.refusal ? ['Refused because', h('strong', {}, e.refusal)] : null,
        e.fault ? ['Fault', e.fault] : null,
        e.error ? ['Error', e.error] : null,
      ] as ([string, Child] | null)[]).filter((x): x is [string, Child] => x !== null)),
      h('details', {}, h('summary', {}, 'curl'), h('pre', { id: 'curl', class: 'wrap' }, curl)),
      h('h4', {}, 'Request'),
      headerTable(e.headers),
      e.body ? h('pre', { class: 'body', id: 'request-body' }, pretty(e.body, e.headers), e.bodyTruncated ? '\n… (truncated)' : '') : h('p', { class: 'muted' }, 'No body.'),
      h('h4', {}, 'Response ', h('span', { class: `st ${statusClass(e.status)}` }, String(e.status || '—'))),
      headerTable(e.responseHeaders),
      e.responseBody ? h('pre', { class: 'body', id: 'response-body' }, pretty(e.responseBody, e.responseHeaders), e.responseSize !== null && e.responseSize > 65_536 ? `\n… (the first 64 KiB of ${e.responseSize} bytes)` : '') : h('p', { class: 'muted' }, 'No body.'),
    )
  }

  // ---- partners -----------------------------------------------------------------------------------

  /** Each partner's card: its forms are made once (so typing survives refreshes), its state redrawn. */
  function renderPartners(state: StateView): void {
    const host = $('partners')
    for (const [name, p] of Object.entries(state.partners)) {
      let card = document.getElementById(`partner-${name}`)
      if (!card) {
        card = h(
          'section',
          { class: 'card', id: `partner-${name}`, 'aria-labelledby': `partner-${name}-h` },
          h('h3', { id: `partner-${name}-h` }, p.title, ' ', h('span', { class: 'muted mono' }, `/${name}`)),
          h('div', { class: 'state' }),
          h('div', { class: 'tools' }, tools(name)),
        )
        host.appendChild(card)
      }
      fill(card.querySelector('.state'), view(name, p.summary))
    }
    for (const card of [...host.children]) if (!(card.id.replace(/^partner-/, '') in state.partners)) card.remove()
    if ('apna' in state.partners) void loadDeliveries()
    const audit = (state.partners.cordell?.summary as { audit?: number } | undefined)?.audit
    if (audit !== undefined && audit !== ui.auditSize) {
      ui.auditSize = audit
      void loadAudit()
    }
  }

  function view(name: string, summary: unknown): Child {
    if (summary === undefined) return h('p', { class: 'muted' }, 'This partner has no summary.')
    const s = summary as any
    switch (name) {
      case 'beoe':
        return [
          h('p', {}, s.open ? badge('open', 'ok') : badge('closed', 'bad'), ' ', s.nextChange ? `${s.nextChange.to === 'open' ? 'opens' : 'closes'} at ${s.nextChange.at}` : 'no change scheduled'),
          dl([
            ['Schedule', s.schedule],
            ['Jobs', `${s.jobs.total} (ids ${s.jobs.firstId ?? '—'}–${s.jobs.lastId ?? '—'})`],
            ['Pages', `${s.pages} of ${s.jobs.perPage}`],
            ['Tokens', `${s.tokens.issued} issued, ${s.tokens.live} live`],
            ['Users', (s.users as string[]).join(', ') || 'none'],
          ]),
        ]
      case 'envisionme':
        return [
          dl([
            ['Apps', (s.clients as { clientId: number; name: string }[]).map((c) => `${c.clientId} ${c.name}`).join(', ') || 'none'],
            ['Logged in', (s.loggedIn as { username: string | null; uid: number; until: string }[]).map((l) => `${l.username ?? l.uid} (until ${fmtTime(l.until)})`).join(', ') || 'nobody'],
            ['Tokens', `${s.tokens.total} (${s.tokens.live} usable)`],
            ['Jobs', String(s.jobs)],
            ['Charges', `${s.charges.total}${Object.keys(s.charges.byStatus).length ? ` — ${Object.entries(s.charges.byStatus).map(([k, v]) => `${v} ${k}`).join(', ')}` : ''}`],
          ]),
          table(
            ['charge', 'amount', 'status', 'created'],
            (s.charges.recent as { id: number; amount: string; status: string; createdAt: string }[]).slice().reverse().map((c) =>
              h('tr', {}, h('td', { class: 'mono' }, String(c.id)), h('td', { class: 'num' }, c.amount), h('td', {}, badge(c.status, c.status === 'ok' ? 'ok' : c.status === 'pending' ? 'warn' : 'bad')), h('td', { class: 'mono' }, fmtTime(c.createdAt))),
            ),
            'No charges yet.',
          ),
        ]
      case 'das':
        return [
          table(['stream', 'events'], Object.entries(s.streams as Record<string, number>).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { class: 'num' }, String(v))))),
          h('p', { class: 'muted' }, `Generated events end ${fmtTime(s.generatedUntil)}; trainingType numbers: ${s.trainingTypeNumbers}.`),
        ]
      case 'cordell':
        return [
          dl([
            ['Tokens', `${s.tokens.total} (${s.tokens.live} live)`],
            ['Audit rows', String(s.audit)],
          ]),
          table(
            ['user', 'datasets', 'last downloads'],
            (s.users as { username: string; datasets: number[]; privileged: boolean; lastDownloads: { method: string; dataset: number | null; at: string }[] }[]).map((u) =>
              h(
                'tr',
                {},
                h('td', {}, u.username, u.privileged ? ' ' : '', u.privileged ? badge('privileged', 'info') : null),
                h('td', {}, u.datasets.join(', ') || '—'),
                h('td', {}, u.lastDownloads.length ? h('ul', { class: 'compact' }, u.lastDownloads.map((d) => h('li', {}, `${d.method}${d.dataset !== null ? ` [${d.dataset}]` : ''}: `, h('span', { class: 'mono' }, fmtTime(d.at))))) : 'never'),
              ),
            ),
          ),
        ]
      case 'apna':
        return [
          dl([
            ['Target', s.target.url ? h('span', { class: 'mono wrap' }, s.target.url) : h('strong', {}, 'none: set one below')],
            ['Auth', s.target.auth?.type ?? 'none'],
            ['Deliveries', Object.entries(s.counts as Record<string, number>).map(([k, v]) => `${v} ${k}`).join(', ')],
          ]),
        ]
      default:
        return h('pre', { class: 'body' }, JSON.stringify(summary, null, 2))
    }
  }

  function tools(name: string): Child {
    switch (name) {
      case 'das': {
        const boxes = DAS_PERMISSIONS.map((p) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: p, checked: p.startsWith('Read') }), ` ${p}`))
        const expires = h('input', { id: 'das-expires', placeholder: '30d', size: 6, autocomplete: 'off' }) as HTMLInputElement
        const out = h('div', { id: 'das-token' })
        const mint = (e: Event) => {
          e.preventDefault()
          const permissions = boxes.map((b) => b.querySelector('input') as HTMLInputElement).filter((i) => i.checked).map((i) => i.value)
          void act('Minting the token', async () => {
            const t = await api<{ token: string; expiresAt: string }>('POST', '/das/tokens', { permissions, ...(expires.value.trim() ? { expiresIn: expires.value.trim() } : {}) })
            const area = h('textarea', { id: 'das-token-value', readonly: true, rows: 3, class: 'mono' }) as HTMLTextAreaElement
            area.value = t.token
            fill(out, field(`Token (expires ${fmtTime(t.expiresAt)})`, area), h('button', { type: 'button', onclick: async () => toast((await copy(t.token)) ? 'Token copied' : 'Select it and copy') }, 'Copy token'))
          })
        }
        return h('form', { class: 'sub', onsubmit: mint }, h('h4', {}, 'Mint a token'), h('fieldset', {}, h('legend', {}, 'Permissions'), boxes), field('Expires in', expires), h('button', { type: 'submit' }, 'Mint token'), out)
      }
      case 'cordell':
        return h('div', { class: 'sub' }, h('h4', {}, 'Audit trail ', h('span', { class: 'muted' }, '(newest first)')), h('div', { id: 'cordell-audit' }))
      case 'apna': {
        const url = h('input', { id: 'apna-url', type: 'url', placeholder: 'http://127.0.0.1:3000/apna', size: 24, autocomplete: 'off' }) as HTMLInputElement
        const count = h('input', { id: 'apna-count', type: 'number', min: 1, max: 1000, value: 1, size: 4 }) as HTMLInputElement
        return h(
          'div',
          { class: 'sub' },
          h(
            'form',
            { class: 'inline', onsubmit: (e) => { e.preventDefault(); void act('Setting the target', () => api('PUT', '/apna/target', { url: url.value.trim() }), 'Target set (no auth)') } },
            field('Target URL', url),
            h('button', { type: 'submit' }, 'Set target'),
          ),
          h(
            'form',
            { class: 'inline', onsubmit: (e) => { e.preventDefault(); void act('Pushing', () => api('POST', '/apna/applications', { count: Number(count.value) || 1 }), `Pushed ${Number(count.value) || 1}`) } },
            field('Applications', count),
            h('button', { type: 'submit', id: 'apna-push' }, 'Push'),
          ),
          h('h4', {}, 'Deliveries ', h('span', { class: 'muted' }, '(newest first)')),
          h('div', { id: 'apna-deliveries' }),
        )
      }
      default:
        return null
    }
  }

  async function loadDeliveries(): Promise<void> {
    try {
      const { deliveries } = await api<{ deliveries: Delivery[] }>('GET', '/apna/deliveries?limit=50')
      const kind = (s: string) => (s === 'delivered' ? 'ok' : s === 'failed' ? 'bad' : 'warn')
      fill(
        $('apna-deliveries'),
        table(
          ['delivery', 'state', 'attempts', ''],
          deliveries.slice().reverse().map((d) =>
            h(
              'tr',
              { 'data-delivery': d.id },
              h('td', {}, h('span', { class: 'mono' }, d.id), ' ', d.full_name ?? ''),
              h('td', {}, badge(d.state, kind(d.state)), d.nextAttemptAt ? h('span', { class: 'muted' }, ` next ${fmtTime(d.nextAttemptAt)}`) : null),
              h(
                'td',
                {},
                h(
                  'details',
                  {},
                  h('summary', {}, `${d.attemptCount}${d.redeliveries ? ` (${d.redeliveries} redelivered)` : ''}`),
                  h('ol', { class: 'compact' }, d.attempts.map((a) => h('li', {}, `${fmtTime(a.at)} → ${a.status ?? 'no answer'} in ${Math.round(a.durationMs)} ms${a.retry ? ', retry' : ''}${a.error ? `: ${a.error}` : ''}`))),
                ),
              ),
              h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': `Redeliver ${d.id}`, onclick: () => act('Redelivering', () => api('POST', `/apna/deliveries/${encodeURIComponent(d.id)}/redeliver`), `${d.id} queued again`) }, 'Redeliver')),
            ),
          ),
          'Nothing pushed yet.',
        ),
      )
    } catch {
      // The state panel above still shows the counts.
    }
  }

  async function loadAudit(): Promise<void> {
    try {
      const { audit } = await api<{ audit: AuditRow[] }>('GET', '/cordell/audit?limit=50')
      fill(
        $('cordell-audit'),
        table(
          ['at (UTC)', 'user', 'method', 'mode', 'records', 'outcome'],
          audit.slice().reverse().map((r) =>
            h('tr', {}, h('td', { class: 'mono' }, fmtTime(r.at).slice(5, 19)), h('td', { title: r.ip }, r.user ?? '—'), h('td', {}, r.method), h('td', {}, r.mode ?? '—'), h('td', { class: 'num' }, String(r.records)), h('td', {}, r.outcome)),
          ),
          'No calls yet.',
        ),
      )
    } catch {
      // Shown as missing rows; the counts above still update.
    }
  }

  // ---- live updates -------------------------------------------------------------------------------

  function connect(): void {
    ui.source?.close()
    if (ui.poller !== undefined) clearInterval(ui.poller)
    ui.poller = undefined
    const q = new URLSearchParams({ session })
    if (ui.token) q.set('token', ui.token)
    const source = new EventSource(`${base}/events?${q}`)
    ui.source = source
    const live = $('live')
    const on = (type: string, fn: (data: any) => void) =>
      source.addEventListener(type, (ev) => {
        try {
          fn(JSON.parse((ev as MessageEvent<string>).data))
        } catch {
          // A malformed event is skipped; the next refresh catches up.
        }
      })
    source.addEventListener('open', () => {
      live.textContent = 'live'
      live.className = 'badge ok'
    })
    on('hello', (d) => updateClock(d.clock))
    on('request', (d) => {
      addEntry(d as Entry)
      scheduleRefresh()
    })
    on('clock', (d) => {
      updateClock(d)
      scheduleRefresh()
    })
    on('reset', () => {
      ui.journal = []
      ui.selected = undefined
      renderJournal()
      renderDetail()
      scheduleRefresh(0)
    })
    for (const type of ['fault', 'timeline', 'apna.delivery', 'apna.stream', 'apna.refused', 'beoe.jobs']) on(type, () => scheduleRefresh())
    source.addEventListener('error', (ev) => {
      // The session's own `error` events (a timer that failed) arrive as messages with data.
      const data = (ev as MessageEvent).data
      if (typeof data === 'string' && data) {
        toast(`Sandbox error: ${data}`, 'error')
        return
      }
      if (source.readyState === EventSource.CLOSED) {
        // Refused (a wrong token) or unsupported by a proxy: poll instead of streaming.
        live.textContent = 'polling'
        live.className = 'badge warn'
        if (ui.poller === undefined) ui.poller = window.setInterval(() => { void loadJournal(); void refreshAll() }, 3000)
      } else {
        live.textContent = 'reconnecting…'
        live.className = 'badge warn'
      }
    })
  }

  // ---- start --------------------------------------------------------------------------------------

  skeleton()
  renderDetail()
  connect()
  void refreshAll().then(loadJournal)
  setInterval(tick, 250)
  // Derived facts (BE&OE open now?, logins that expired) move with the clock: refresh now and then.
  setInterval(() => scheduleRefresh(0), 5000)
}
