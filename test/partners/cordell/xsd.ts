import { DOMParser } from '@xmldom/xmldom'

/** A small XSD checker for the subset the Cordell WSDL uses (global elements, named and inline complex
 *  types, xs:sequence of elements with minOccurs/maxOccurs, xs:int and xs:string), so a test can check
 *  that a response is valid against the served schema. xmllint-wasm is not installed; @xmldom/xmldom
 *  (node-soap's own parser) reads both documents, independently of the partner's XML reader. */

const XS = 'http://www.w3.org/2001/XMLSchema'
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope'

type El = Element

function elementChildren(node: Node): El[] {
  const out: El[] = []
  for (let n = node.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as El)
  return out
}

function xs(node: Node, local: string): El[] {
  return elementChildren(node).filter((e) => e.namespaceURI === XS && e.localName === local)
}

export class Xsd {
  readonly tns: string
  #elements = new Map<string, El>()
  #types = new Map<string, El>()

  constructor(wsdlText: string) {
    const doc = new DOMParser().parseFromString(wsdlText, 'text/xml')
    const schema = doc.getElementsByTagNameNS(XS, 'schema')[0]
    if (!schema) throw new Error('no xs:schema in the WSDL')
    this.tns = schema.getAttribute('targetNamespace') ?? ''
    if (schema.getAttribute('elementFormDefault') !== 'qualified') throw new Error('the checker assumes elementFormDefault="qualified"')
    for (const e of xs(schema, 'element')) this.#elements.set(e.getAttribute('name')!, e)
    for (const t of xs(schema, 'complexType')) this.#types.set(t.getAttribute('name')!, t)
  }

  get elementNames(): string[] {
    return [...this.#elements.keys()]
  }

  /** Every element name declared anywhere in the schema. */
  allNames(): Set<string> {
    const names = new Set<string>()
    const walk = (n: Node) => {
      for (const c of elementChildren(n)) {
        if (c.localName === 'element' && c.getAttribute('name')) names.add(c.getAttribute('name')!)
        walk(c)
      }
    }
    for (const e of this.#elements.values()) walk(e.parentNode!)
    return names
  }

  /** Problems of a SOAP 1.2 response's body element against its global declaration; [] when valid. */
  validateEnvelope(xml: string): string[] {
    const problems: string[] = []
    const doc = new DOMParser({ onError: (level: string, msg: string) => { if (level !== 'warning') problems.push(`parse: ${msg}`) } } as never).parseFromString(xml, 'text/xml')
    const env = doc.documentElement
    if (!env || env.namespaceURI !== SOAP12 || env.localName !== 'Envelope') return [...problems, 'not a SOAP 1.2 Envelope']
    const body = elementChildren(env).find((e) => e.localName === 'Body' && e.namespaceURI === SOAP12)
    if (!body) return [...problems, 'no Body']
    for (const child of elementChildren(body)) this.#validateGlobal(child, problems)
    return problems
  }

  #validateGlobal(el: El, problems: string[]): void {
    if (el.namespaceURI !== this.tns) return void problems.push(`${el.localName} is in ${el.namespaceURI}, not ${this.tns}`)
    const decl = this.#elements.get(el.localName!)
    if (!decl) return void problems.push(`no global element ${el.localName}`)
    this.#validate(el, decl, el.localName!, problems)
  }

  #validate(el: El, decl: El, path: string, problems: string[]): void {
    const type = decl.getAttribute('type')
    if (type === 'xs:int' || type === 'xs:string') {
      if (elementChildren(el).length > 0) problems.push(`${path}: ${type} holds elements`)
      const text = el.textContent ?? ''
      if (type === 'xs:int' && !(/^\s*[+-]?\d+\s*$/.test(text) && Math.abs(Number(text)) <= 2_147_483_647)) problems.push(`${path}: "${text}" is not an xs:int`)
      return
    }
    let complex: El | undefined
    if (type) {
      const name = type.replace(/^tns:/, '')
      complex = this.#types.get(name)
      if (!complex) return void problems.push(`${path}: unknown type ${type}`)
    } else {
      complex = xs(decl, 'complexType')[0]
      if (!complex) return void problems.push(`${path}: a declaration without a type`)
    }
    const seq = xs(complex, 'sequence')[0]
    const children = elementChildren(el)
    let at = 0
    for (const particle of seq ? xs(seq, 'element') : []) {
      const name = particle.getAttribute('name')!
      const min = Number(particle.getAttribute('minOccurs') ?? '1')
      const maxAttr = particle.getAttribute('maxOccurs') ?? '1'
      const max = maxAttr === 'unbounded' ? Infinity : Number(maxAttr)
      let n = 0
      while (at < children.length && children[at]!.localName === name && n < max) {
        const child = children[at]!
        if (child.namespaceURI !== this.tns) problems.push(`${path}/${name}: in namespace ${child.namespaceURI}, not ${this.tns}`)
        this.#validate(child, particle, `${path}/${name}[${n}]`, problems)
        at++
        n++
      }
      if (n < min) problems.push(`${path}: needs ${min} ${name}, has ${n}`)
    }
    if (at < children.length) problems.push(`${path}: unexpected <${children[at]!.localName}> at position ${at}`)
    for (let n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 && (n.nodeValue ?? '').trim() !== '') problems.push(`${path}: text in a complex element`)
    }
  }
}
