/** BE&OE's wire format: JSON as PHP's json_encode writes it (Laravel's JsonResponse, default flags),
 *  and Laravel 8+'s LengthAwarePaginator::toArray() around a page of rows. */

const NON_ASCII = /[\u0080-\uffff]/g

/** JSON.stringify, then what json_encode does differently by default: `/` becomes `\/` and every
 *  non-ASCII character a lowercase `\uXXXX` escape. Both only occur inside strings, so a plain
 *  replace is safe. */
export function phpJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null'
  return escapePhp(text)
}

export function escapePhp(json: string): string {
  let out = json.includes('/') ? json.replace(/\//g, '\\/') : json
  NON_ASCII.lastIndex = 0
  if (NON_ASCII.test(out)) out = out.replace(NON_ASCII, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return out
}

export interface PageMeta {
  /** `${baseUrl}/api/foreignjobs`: Paginator::resolveCurrentPath(), the request URL without query. */
  path: string
  page: number
  perPage: number
  total: number
  /** Rows on this page. */
  count: number
}

interface Link {
  url: string | null
  label: string
  active: boolean
}

/** The whole paginator JSON, in Laravel's key order, with `data` spliced in already serialised. */
export function paginatorJson(meta: PageMeta, dataJson: string): string {
  const [head, tail] = paginatorEnvelope(meta)
  return `${head}${dataJson}${tail}`
}

/** The paginator JSON before and after `data`'s array: `{"current_page":1,"data":` and `,"first_page_url":…}`,
 *  so a page can be sent as three buffers without copying its rows into a new string. */
export function paginatorEnvelope(meta: PageMeta): [head: string, tail: string] {
  const { page, perPage, total, count } = meta
  const lastPage = Math.max(Math.ceil(total / perPage), 1)
  const url = (p: number) => `${meta.path}?page=${Math.max(p, 1)}`
  const from = count > 0 ? (page - 1) * perPage + 1 : null
  const head = {
    current_page: page,
  }
  const tail = {
    first_page_url: url(1),
    from,
    last_page: lastPage,
    last_page_url: url(lastPage),
    links: links(meta.page, lastPage, url),
    next_page_url: page < lastPage ? url(page + 1) : null,
    path: meta.path,
    // The document shows "per_page": "25000", a string (the app passes the limit from its config).
    per_page: String(perPage),
    prev_page_url: page > 1 ? url(page - 1) : null,
    to: from === null ? null : from + count - 1,
    total,
  }
  return [`${phpJson(head).slice(0, -1)},"data":`, `,${phpJson(tail).slice(1)}`]
}

/** LengthAwarePaginator::linkCollection(): « Previous, UrlWindow::make() elements, Next ». */
export function links(page: number, lastPage: number, url: (p: number) => string): Link[] {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)
  const onEachSide = 3
  let parts: (number[] | '...')[]
  if (lastPage < onEachSide * 2 + 8) {
    parts = [range(1, lastPage)]
  } else {
    const window = onEachSide + 4
    if (page <= window) parts = [range(1, window + onEachSide), '...', range(lastPage - 1, lastPage)]
    else if (page > lastPage - window) parts = [range(1, 2), '...', range(lastPage - (window + (onEachSide - 1)), lastPage)]
    else parts = [range(1, 2), '...', range(page - onEachSide, page + onEachSide), '...', range(lastPage - 1, lastPage)]
  }
  const out: Link[] = [{ url: page > 1 ? url(page - 1) : null, label: '&laquo; Previous', active: false }]
  for (const part of parts) {
    if (part === '...') out.push({ url: null, label: '...', active: false })
    else for (const p of part) out.push({ url: url(p), label: String(p), active: p === page })
  }
  out.push({ url: page < lastPage ? url(page + 1) : null, label: 'Next &raquo;', active: false })
  return out
}
