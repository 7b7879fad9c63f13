/** Time as the DAS Events API reads and writes it. Everything inside is epoch ms in UTC; the service's
 *  SQL columns are DATETIME without a zone and Newtonsoft writes them back with no `Z`. */

const DAY_MS = 86_400_000
const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** "00" … "99". */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'))
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the years written with four digits. */
const FAST_MIN = new Date(0).setUTCFullYear(0, 0, 1)
const FAST_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** `2017-01-31T12:00:00` or `2017-01-31T12:00:00.25`: a .NET DateTime of Kind Unspecified as
 *  Newtonsoft's default IsoDateFormat writes it (`yyyy-MM-ddTHH:mm:ss.FFFFFFF`, trailing zeros cut). */
export function formatNetDate(ms: number): string {
  // Written for every date of every event on a page: integer arithmetic (days to civil date, after
  // H. Hinnant) instead of a Date and its getters; other inputs take the Date path below.
  if (Number.isInteger(ms) && ms >= FAST_MIN && ms <= FAST_MAX) {
    const days = Math.floor(ms / DAY_MS)
    let rest = ms - days * DAY_MS
    const z = days + 719_468
    const era = Math.floor(z / 146_097)
    const doe = z - era * 146_097
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
    const mp = Math.floor((5 * doy + 2) / 153)
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1
    const month = mp < 10 ? mp + 3 : mp - 9
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    const hours = Math.floor(rest / 3_600_000)
    rest -= hours * 3_600_000
    const minutes = Math.floor(rest / 60_000)
    rest -= minutes * 60_000
    const seconds = Math.floor(rest / 1000)
    const fraction = rest - seconds * 1000
    const base = (year >= 1000 ? String(year) : TWO_DIGITS[Math.floor(year / 100)]! + TWO_DIGITS[year % 100]!) + '-' + TWO_DIGITS[month]! + '-' + TWO_DIGITS[day]! +
      'T' + TWO_DIGITS[hours]! + ':' + TWO_DIGITS[minutes]! + ':' + TWO_DIGITS[seconds]!
    if (fraction === 0) return base
    if (fraction % 100 === 0) return base + '.' + fraction / 100
    if (fraction % 10 === 0) return base + '.' + TWO_DIGITS[fraction / 10]!
    return base + '.' + (fraction < 10 ? '00' : fraction < 100 ? '0' : '') + fraction
  }
  const d = new Date(ms)
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  const fraction = d.getUTCMilliseconds()
  return fraction === 0 ? base : `${base}.${pad(fraction, 3).replace(/0+$/, '')}`
}

/** `12/31/9999 11:59:59 PM`: DateTime.ToString() in en-US, which FluentValidation puts into
 *  "must be less than or equal to '…'" messages on the service's (en-US) Azure hosts. */
export function formatUsDate(ms: number): string {
  const d = new Date(ms)
  const h = d.getUTCHours()
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
}

export type ServiceDate = { ok: true; ms: number } | { ok: false; message: string }

/** The query-string dates: DateTime.ParseExact(s, "yyyyMMddHHmmss", InvariantCulture), exactly 14
 *  ASCII digits (StringExtension.ParseDateTime in das-events). The failure texts are .NET's own. */
export function parseServiceDate(text: string | undefined): ServiceDate {
  if (text === undefined) return { ok: false, message: 'Value cannot be null.\r\nParameter name: s' }
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text)
  if (!m) return { ok: false, message: 'String was not recognized as a valid DateTime.' }
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  // setUTCFullYear, because Date.UTC maps years 0-99 to 1900-1999 and .NET does not.
  const date = new Date(Date.UTC(2000, 0, 1))
  date.setUTCFullYear(y, mo - 1, d)
  date.setUTCHours(h, mi, s, 0)
  const ms = date.getTime()
  const back = new Date(Date.UTC(2000, 0, 1))
  back.setUTCFullYear(y, mo - 1, d)
  const valid = y >= 1 && mo >= 1 && mo <= 12 && h < 24 && mi < 60 && s < 60 && back.getUTCDate() === d && back.getUTCMonth() === mo - 1
  if (!valid) return { ok: false, message: 'The DateTime represented by the string is not supported in calendar System.Globalization.GregorianCalendar.' }
  return { ok: true, ms }
}

/** The yyyyMMddHHmmss form, for Location headers and docs. */
export function formatServiceDate(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i

/** A date in a request body, as Newtonsoft reads ISO 8601: no zone is taken as written (the service
 *  stores it unchanged); `Z` or an offset is turned into UTC (the service's hosts run in UTC). */
export function parseBodyDate(text: string): number | undefined {
  const m = ISO.exec(text.trim())
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.floor(Number(`0.${frac || '0'}`) * 1000))
  const back = new Date(ms)
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
  }
  return ms
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS
}
