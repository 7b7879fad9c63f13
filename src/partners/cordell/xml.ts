/** A strict, non-validating XML reader for SOAP requests: well-formedness and namespaces, nothing more.
 *
 *  Why not xmlbuilder2's parser: it accepts `<a><b></a>`, a bare word as a document and unbound prefixes,
 *  and keeps a DOCTYPE; a request that a real .NET reader (XmlReader, DtdProcessing.Prohibit) refuses must
 *  be refused here too. SOAP 1.2 (part 1, 5) says a message MUST NOT contain a document type declaration,
 *  so any DOCTYPE is refused outright: no DTD is ever read, no entity is ever defined, so neither external
 *  entities (XXE) nor entity-expansion bombs can exist. Only the five predefined entities and character
 *  references are expanded.
 *
 *  LIMITATIONS: no DTD (by design), no encodings other than UTF-8 (the body arrives as a JS string),
 *  names are checked loosely (XML 1.0 name characters, not every Unicode range exactly). */

export const XML_NS = 'http://www.w3.org/XML/1998/namespace'
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/'

export interface XmlElement {
  /** As written: `s:Envelope`. */
  name: string
  local: string
  /** The namespace URI, or '' when none. */
  ns: string
  /** Attributes by qualified name as written (namespace declarations included). */
  attrs: Record<string, string>
  children: XmlNode[]
}
export type XmlNode = XmlElement | string

/** Why a document was refused; `kind` lets the caller word the fault. */
export class XmlError extends Error {
  constructor(
    readonly kind: 'malformed' | 'dtd' | 'entity' | 'limit',
    message: string,
  ) {
    super(message)
    this.name = 'XmlError'
  }
}

export interface XmlLimits {
  maxDepth: number
  maxElements: number
}

const DEFAULT_LIMITS: XmlLimits = { maxDepth: 64, maxElements: 200_000 }
const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?$/
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

interface Open {
  el: XmlElement
  scope: Map<string, string>
}

export function parseXml(text: string, limits: XmlLimits = DEFAULT_LIMITS): XmlElement {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let i = 0
  let root: XmlElement | undefined
  let elements = 0
  const stack: Open[] = []
  const baseScope = new Map<string, string>([['xml', XML_NS], ['xmlns', XMLNS_NS]])

  const where = () => {
    const before = src.slice(0, i)
    const line = before.split('\n').length
    return `line ${line}, position ${i - before.lastIndexOf('\n')}`
  }
  const fail = (message: string, kind: XmlError['kind'] = 'malformed'): never => {
    throw new XmlError(kind, `${message} (${where()})`)
  }

  if (src.trim() === '') fail('the body is empty: an XML document needs a root element')
  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>')
    if (end < 0) fail('the XML declaration is not closed with ?>')
    const decl = src.slice(5, end)
    const enc = /encoding\s*=\s*["']([^"']*)["']/.exec(decl)
    if (enc && !/^utf-?8$/i.test(enc[1]!)) fail(`the XML declaration says encoding "${enc[1]}"; send UTF-8`)
    i = end + 2
  }

  while (i < src.length) {
    const lt = src.indexOf('<', i)
    const chunk = src.slice(i, lt < 0 ? src.length : lt)
    if (chunk !== '') {
      const top = stack[stack.length - 1]
      if (top) top.el.children.push(decode(chunk, fail))
      else if (chunk.trim() !== '') {
        i += chunk.search(/\S/)
        fail(root ? 'text after the root element' : 'text before the root element')
      }
    }
    if (lt < 0) break
    i = lt
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i + 4)
      if (end < 0) fail('a comment is not closed with -->')
      if (src.slice(i + 4, end).includes('--')) fail('"--" inside a comment')
      i = end + 3
    } else if (src.startsWith('<![CDATA[', i)) {
      const top = stack[stack.length - 1]
      if (!top) fail('CDATA outside the root element')
      const end = src.indexOf(']]>', i + 9)
      if (end < 0) fail('a CDATA section is not closed with ]]>')
      top!.el.children.push(src.slice(i + 9, end))
      i = end + 3
    } else if (src.startsWith('<!DOCTYPE', i) || src.startsWith('<!ENTITY', i) || src.startsWith('<!', i)) {
      fail('a document type declaration (DTD) is not allowed in a SOAP message (SOAP 1.2 part 1, 5); DTDs and entity declarations are refused', 'dtd')
    } else if (src.startsWith('<?', i)) {
      const end = src.indexOf('?>', i + 2)
      if (end < 0) fail('a processing instruction is not closed with ?>')
      if (/^<\?xml[\s?]/i.test(src.slice(i, i + 6))) fail('the XML declaration may only come first')
      i = end + 2
    } else if (src.startsWith('</', i)) {
      const end = src.indexOf('>', i)
      if (end < 0) fail('an end tag is not closed with >')
      const name = src.slice(i + 2, end).trim()
      const top = stack.pop()
      if (!top) fail(`end tag </${name}> with no element open`)
      if (top!.el.name !== name) fail(`end tag </${name}> does not match the open <${top!.el.name}>`)
      i = end + 1
    } else {
      if (root && stack.length === 0) fail('a second root element: a document has exactly one')
      const open = readStartTag()
      if (++elements > limits.maxElements) fail(`more than ${limits.maxElements} elements`, 'limit')
      const parent = stack[stack.length - 1]
      if (parent) parent.el.children.push(open.el)
      else root = open.el
      if (!open.selfClosing) {
        if (stack.length >= limits.maxDepth) fail(`elements nested deeper than ${limits.maxDepth}`, 'limit')
        stack.push({ el: open.el, scope: open.scope })
      }
    }
  }
  if (stack.length > 0) fail(`the document ends inside <${stack[stack.length - 1]!.el.name}>`)
  if (!root) fail('no root element')
  return root!

  function sticky(re: RegExp, at: number): RegExpExecArray | null {
    re.lastIndex = at
    return re.exec(src)
  }

  function readStartTag(): { el: XmlElement; scope: Map<string, string>; selfClosing: boolean } {
    i++ // <
    const nameMatch = sticky(/[^\s/>]+/y, i)
    if (!nameMatch || !NAME.test(nameMatch[0])) fail('a start tag without a valid element name')
    const name = nameMatch![0]
    i += name.length
    const attrs: Record<string, string> = {}
    for (;;) {
      const ws = sticky(/\s*/y, i)![0]
      i += ws.length
      if (src.startsWith('/>', i) || src.startsWith('>', i)) break
      if (i >= src.length) fail(`the start tag <${name}> is not closed`)
      if (ws === '') fail(`attributes of <${name}> must be separated by white space`)
      const a = sticky(/([^\s=/>]+)\s*=\s*(["'])/y, i)
      if (!a || !NAME.test(a[1]!)) fail(`a malformed attribute in <${name}>`)
      const quote = a![2]!
      const start = i + a![0].length
      const end = src.indexOf(quote, start)
      if (end < 0) fail(`an attribute value in <${name}> is not closed`)
      const raw = src.slice(start, end)
      if (raw.includes('<')) fail(`"<" inside an attribute value of <${name}>`)
      if (a![1]! in attrs) fail(`attribute ${a![1]} given twice in <${name}>`)
      attrs[a![1]!] = decode(raw, fail).replace(/[\t\n\r]/g, ' ')
      i = end + 1
    }
    const selfClosing = src.startsWith('/>', i)
    i += selfClosing ? 2 : 1

    const parentScope = stack[stack.length - 1]?.scope ?? baseScope
    let scope = parentScope
    for (const [key, value] of Object.entries(attrs)) {
      if (key === 'xmlns' || key.startsWith('xmlns:')) {
        if (scope === parentScope) scope = new Map(parentScope)
        const prefix = key === 'xmlns' ? '' : key.slice(6)
        if (prefix !== '' && value === '') fail(`the prefix ${prefix} cannot be bound to an empty namespace`)
        scope.set(prefix, value)
      }
    }
    const colon = name.indexOf(':')
    const prefix = colon < 0 ? '' : name.slice(0, colon)
    const local = colon < 0 ? name : name.slice(colon + 1)
    const ns = scope.get(prefix)
    if (prefix !== '' && ns === undefined) fail(`the prefix "${prefix}" of <${name}> is not bound to a namespace`)
    for (const key of Object.keys(attrs)) {
      const c = key.indexOf(':')
      if (c > 0 && key.slice(0, c) !== 'xmlns' && !scope.has(key.slice(0, c))) fail(`the prefix of attribute ${key} is not bound to a namespace`)
    }
    return { el: { name, local, ns: ns ?? '', attrs, children: [] }, scope, selfClosing }
  }
}

function decode(raw: string, fail: (message: string, kind?: XmlError['kind']) => never): string {
  if (!raw.includes('&')) return raw
  return raw.replace(/&([^;\s&<]{0,32});?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) fail('a bare "&": write &amp;')
    if (ref.startsWith('#')) {
      const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? Number(ref.slice(1)) : NaN
      if (!isXmlChar(code)) fail(`&${ref}; is not a character XML allows`)
      return String.fromCodePoint(code)
    }
    const value = PREDEFINED[ref]
    if (value === undefined) fail(`the entity &${ref}; is not defined: only &lt; &gt; &amp; &quot; &apos; and character references are allowed`, 'entity')
    return value!
  })
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
}

/** Child elements of `el`, optionally only those with this local name. */
export function childElements(el: XmlElement, local?: string): XmlElement[] {
  return el.children.filter((n): n is XmlElement => typeof n !== 'string' && (local === undefined || n.local === local))
}

/** The element's text (its text children joined; nested elements' text is not included). */
export function textOf(el: XmlElement): string {
  return el.children.filter((n): n is string => typeof n === 'string').join('')
}

/** Non-whitespace text directly inside `el` (SOAP's Envelope and Body may hold only elements). */
export function hasStrayText(el: XmlElement): boolean {
  return el.children.some((n) => typeof n === 'string' && n.trim() !== '')
}

/** Every descendant element with this local name, depth first. */
export function descendants(el: XmlElement, local: string): XmlElement[] {
  const out: XmlElement[] = []
  const walk = (e: XmlElement) => {
    for (const child of childElements(e)) {
      if (child.local === local) out.push(child)
      walk(child)
    }
  }
  walk(el)
  return out
}
