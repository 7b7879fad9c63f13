import { lazily } from '../../core/lazy.js'
import { actionOf, NS, OPERATIONS, type Field } from './fields.js'

const xmlbuilder2 = lazily<typeof import('xmlbuilder2')>('xmlbuilder2')

/** The service description at `GET /cordell/Costing?wsdl`: WSDL 1.1 with one SOAP 1.2 binding and one
 *  port (node-soap binds to the last port it finds, so there is no SOAP 1.1 port to pick by mistake),
 *  document/literal wrapped, and an XSD of every element the document lists. The port's address is the
 *  dispatching endpoint, `<base>/Costing`, where the body element chooses the method.
 *
 *  Every response column is minOccurs="0" because a column without a value is omitted (views.ts); every
 *  request parameter is minOccurs="0" because the document says "All request parameters are optional
 *  unless explicitly marked as [mandatory]" and marks none (the service then faults on the ones it
 *  needs). */

type XMLBuilder = ReturnType<typeof import('xmlbuilder2').create>

const WSDL = 'http://schemas.xmlsoap.org/wsdl/'
const SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/'
const XS = 'http://www.w3.org/2001/XMLSchema'
const XMLNS = 'http://www.w3.org/2000/xmlns/'

export function wsdl(baseUrl: string): string {
  const doc = xmlbuilder2().create({ version: '1.0', encoding: 'utf-8' })
  const defs = doc
    .ele(WSDL, 'wsdl:definitions')
    .att(XMLNS, 'xmlns:soap12', SOAP12)
    .att(XMLNS, 'xmlns:xs', XS)
    .att(XMLNS, 'xmlns:tns', NS)
    .att('targetNamespace', NS)
    .att('name', 'Costing')
  defs.ele(WSDL, 'wsdl:documentation').txt(
    'Cordell Costing Web API (partner-sandbox). Log in with POST <base>/Costing/Login, then send the access token in the AuthHeader SOAP header or as Authorization: Bearer.',
  )

  const schema = defs.ele(WSDL, 'wsdl:types').ele(XS, 'xs:schema').att('elementFormDefault', 'qualified').att('targetNamespace', NS)
  const sequence = (parent: XMLBuilder) => parent.ele(XS, 'xs:complexType').ele(XS, 'xs:sequence')
  const field = (seq: XMLBuilder, [name, type]: Field) => seq.ele(XS, 'xs:element').att('minOccurs', '0').att('maxOccurs', '1').att('name', name).att('type', `xs:${type}`)

  const auth = sequence(schema.ele(XS, 'xs:element').att('name', 'AuthHeader'))
  auth.ele(XS, 'xs:element').att('minOccurs', '0').att('maxOccurs', '1').att('name', 'AccessToken').att('type', 'xs:string')

  const rowTypes = new Set<string>()
  for (const op of OPERATIONS) {
    const input = sequence(schema.ele(XS, 'xs:element').att('name', op.name))
    for (const f of op.input) field(input, f)
    const output = sequence(schema.ele(XS, 'xs:element').att('name', `${op.name}Response`))
    output.ele(XS, 'xs:element').att('minOccurs', '0').att('maxOccurs', '1').att('name', `${op.name}Result`).att('type', `tns:${op.name}Result`)
    const result = schema.ele(XS, 'xs:complexType').att('name', `${op.name}Result`).ele(XS, 'xs:sequence')
    for (const table of op.tables) {
      result.ele(XS, 'xs:element').att('minOccurs', '0').att('maxOccurs', 'unbounded').att('name', table.row).att('type', `tns:${table.row}Row`)
      if (rowTypes.has(table.row)) continue
      rowTypes.add(table.row)
      const row = schema.ele(XS, 'xs:complexType').att('name', `${table.row}Row`).ele(XS, 'xs:sequence')
      for (const f of table.fields) field(row, f)
    }
  }

  defs.ele(WSDL, 'wsdl:message').att('name', 'AuthHeader').ele(WSDL, 'wsdl:part').att('name', 'AuthHeader').att('element', 'tns:AuthHeader')
  for (const op of OPERATIONS) {
    defs.ele(WSDL, 'wsdl:message').att('name', `${op.name}SoapIn`).ele(WSDL, 'wsdl:part').att('name', 'parameters').att('element', `tns:${op.name}`)
    defs.ele(WSDL, 'wsdl:message').att('name', `${op.name}SoapOut`).ele(WSDL, 'wsdl:part').att('name', 'parameters').att('element', `tns:${op.name}Response`)
  }

  const portType = defs.ele(WSDL, 'wsdl:portType').att('name', 'CostingSoap')
  for (const op of OPERATIONS) {
    const o = portType.ele(WSDL, 'wsdl:operation').att('name', op.name)
    o.ele(WSDL, 'wsdl:input').att('message', `tns:${op.name}SoapIn`)
    o.ele(WSDL, 'wsdl:output').att('message', `tns:${op.name}SoapOut`)
  }

  const binding = defs.ele(WSDL, 'wsdl:binding').att('name', 'CostingSoap12').att('type', 'tns:CostingSoap')
  binding.ele(SOAP12, 'soap12:binding').att('transport', 'http://schemas.xmlsoap.org/soap/http')
  for (const op of OPERATIONS) {
    const o = binding.ele(WSDL, 'wsdl:operation').att('name', op.name)
    o.ele(SOAP12, 'soap12:operation').att('soapAction', actionOf(op.name)).att('style', 'document')
    const input = o.ele(WSDL, 'wsdl:input')
    input.ele(SOAP12, 'soap12:body').att('use', 'literal')
    input.ele(SOAP12, 'soap12:header').att('message', 'tns:AuthHeader').att('part', 'AuthHeader').att('use', 'literal')
    o.ele(WSDL, 'wsdl:output').ele(SOAP12, 'soap12:body').att('use', 'literal')
  }

  defs
    .ele(WSDL, 'wsdl:service')
    .att('name', 'Costing')
    .ele(WSDL, 'wsdl:port')
    .att('name', 'CostingSoap12')
    .att('binding', 'tns:CostingSoap12')
    .ele(SOAP12, 'soap12:address')
    .att('location', `${baseUrl}/Costing`)
  return doc.end({ prettyPrint: true })
}
