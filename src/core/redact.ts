/** What the journal must never show in full: credentials a test may paste into a bug report. */
const SECRET_NAME = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|^code$/i
// Names whose value is fine to show although they look like the above.
const NOT_SECRET = /^(token_?type|expires_?in|x-sandbox-session)$/i

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name)
}

/** Keeps the last four characters so two different tokens can still be told apart. */
export function mask(value: string): string {
  return value.length > 12 ? `[redacted …${value.slice(-4)}]` : '[redacted]'
}

export function redactHeaders(headers: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of headers) out[name] = isSecretName(name) ? mask(value) : value
  return out
}

export function redactQuery(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key).map((v) => (isSecretName(key) ? mask(v) : v))
    out[key] = values.length === 1 ? values[0]! : values
  }
  return out
}

/** A URL (a Location header, say) with secret query and fragment parameters masked. */
export function redactUrl(url: string): string {
  return url.replace(/([?#&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, key: string, value: string) =>
    isSecretName(decodeURIComponent(key)) ? `${sep}${key}=${encodeURIComponent(mask(value))}` : whole,
  )
}

/** Masks secrets in a request body: JSON fields, form fields, and XML elements named like secrets
 *  (a SOAP header's token, say). Anything else is kept as it came. */
export function redactBody(body: string, contentType: string): string {
  if (body === '') return body
  if (/json/i.test(contentType)) {
    try {
      return JSON.stringify(redactJson(JSON.parse(body)))
    } catch {
      return body
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType)) {
    const params = new URLSearchParams(body)
    for (const key of new Set(params.keys())) {
      if (isSecretName(key)) params.set(key, mask(params.get(key) ?? ''))
    }
    return params.toString()
  }
  if (/xml/i.test(contentType)) {
    return body.replace(/<((?:[\w-]+:)?([\w-]+))(\s[^>]*)?>([^<]*)<\/\1>/g, (whole, tag: string, local: string, attrs = '', text: string) =>
      isSecretName(local) ? `<${tag}${attrs}>${mask(text)}</${tag}>` : whole,
    )
  }
  return body
}

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, isSecretName(k) && typeof v === 'string' ? mask(v) : redactJson(v)]),
    )
  }
  return value
}
