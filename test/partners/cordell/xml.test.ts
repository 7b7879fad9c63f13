import { describe, expect, it } from 'vitest'
import { childElements, parseXml, textOf, XmlError } from '../../../src/partners/cordell/xml.js'

/** The partner's XML reader on its own: what it must accept, and what it must refuse. */
describe('the Cordell XML reader', () => {
  it('resolves namespaces, the five entities, character references, CDATA and comments', () => {
    const root = parseXml(`\uFEFF<?xml version="1.0" encoding="utf-8"?><!-- c --><a:r xmlns:a="urn:a" xmlns="urn:d"><b x='1'   ${' '.repeat(300)}y="&lt;&#65;&#x42;">t&amp;<![CDATA[<raw>]]></b><a:c/></a:r>`)
    expect([root.local, root.ns]).toEqual(['r', 'urn:a'])
    const [b, c] = childElements(root)
    expect([b!.ns, b!.attrs.y, textOf(b!)]).toEqual(['urn:d', '<AB', 't&<raw>'])
    expect([c!.local, c!.ns]).toEqual(['c', 'urn:a'])
  })

  it.each([
    ['<a><b></a>', 'malformed'],
    ['hello', 'malformed'],
    ['<a/><b/>', 'malformed'],
    ['<x:a/>', 'malformed'],
    ['<a b="1" b="2"/>', 'malformed'],
    ['<a>&</a>', 'malformed'],
    ['<a>&#0;</a>', 'malformed'],
    ['<a>&foo;</a>', 'entity'],
    ['<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>', 'dtd'],
    ['<?xml version="1.0" encoding="ISO-8859-1"?><a/>', 'malformed'],
    [`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`, 'limit'],
  ])('refuses %s (%s)', (text, kind) => {
    const error = (() => {
      try {
        parseXml(text)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(XmlError)
    expect((error as XmlError).kind).toBe(kind)
  })
})
