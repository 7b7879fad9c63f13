import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { checkApna } from '../../../src/partners/apna/check.js'
import { applicationSchema } from '../../../src/partners/apna/schema.js'
import { DOCUMENTED } from './receiver.js'

/** `check-apna` against receivers this test starts: one that follows the document, one that takes
 *  anything, one that is not there. */

const servers: ReturnType<typeof createServer>[] = []
afterAll(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.close(() => resolve()), s.closeAllConnections())))))

async function serve(handle: (req: IncomingMessage, body: string) => { status: number; body: unknown }): Promise<string> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const { status, body } = handle(req, Buffer.concat(chunks).toString())
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/apna`
}

/** A receiver as the document describes one: bearer auth, 400 for a bad payload, 200 with the
 *  documented body, duplicates accepted. */
function conforming(token: string) {
  const seen = new Set<string>()
  return (req: IncomingMessage, body: string) => {
    if (req.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { status: 'error', message: 'Unauthorized' } }
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return { status: 400, body: { status: 'error', message: 'Invalid JSON' } }
    }
    const parsed = applicationSchema.safeParse(json)
    if (!parsed.success) return { status: 400, body: { status: 'error', message: 'Invalid Payload' } }
    seen.add(parsed.data.contact_info.phone_number)
    return { status: 200, body: DOCUMENTED }
  }
}

const run = async (argv: string[]) => {
  let text = ''
  const code = await checkApna(argv, { out: (t) => (text += t) })
  return { code, text }
}
const FAST = ['--duration', '1s', '--retry-delay', '0s', '--timeout', '3s']

describe('check-apna', () => {
  it('passes a receiver that follows the document, printing every check', async () => {
    const url = await serve(conforming('s3cret'))
    const { code, text } = await run([url, '--auth', 'bearer:s3cret', ...FAST])
    expect(text, text).toMatch(/9 passed, 0 failed/)
    expect(code).toBe(0)
    for (const check of ['valid application', 'documented success body', 'missing required fields', 'wrong field types', 'malformed JSON', 'no credentials', 'wrong credentials', '10 requests/s for 1s', 'retried (duplicate) application']) {
      expect(text).toMatch(new RegExp(`${check.replace(/[()/]/g, '\\$&')}\\s+\\S+\\s+\\S+.*PASS`))
    }
  })

  it('fails a receiver that takes anything, naming each failing check, and skips auth checks without --auth', async () => {
    const url = await serve(() => ({ status: 200, body: 'ok' }))
    const { code, text } = await run([url, ...FAST])
    expect(code).toBe(1)
    expect(text).toMatch(/documented success body .*FAIL/)
    expect(text).toMatch(/missing required fields\s+400\s+200\s+FAIL/)
    expect(text).toMatch(/malformed JSON\s+400\s+200\s+FAIL/)
    expect(text).toMatch(/no credentials .*SKIP/)
    expect(text).toMatch(/10 requests\/s for 1s .*PASS/)
    expect(text).toMatch(/3 passed, 4 failed, 2 skipped/)
  })

  it('fails a receiver that is not there, and refuses unusable arguments with exit code 2', async () => {
    const { code, text } = await run(['http://127.0.0.1:9/apna', '--auth', 'basic:user:pa:ss', ...FAST])
    expect(code).toBe(1)
    expect(text).toMatch(/valid application\s+200\s+no answer\s+FAIL/)
    expect((await run([])).code).toBe(2)
    expect((await run(['ftp://x'])).code).toBe(2)
    expect((await run(['http://x', '--auth', 'magic:x'])).code).toBe(2)
    expect((await run(['http://x', '--duration', 'soon'])).code).toBe(2)
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.text).toMatch(/--auth A/)
  })
})

describe('scenarios/apna-*.yaml', () => {
  it('are valid scenarios for the Apna partner', async () => {
    const { readdir } = await import('node:fs/promises')
    const { loadScenarioFile, scenarioSchema } = await import('../../../src/core/scenario.js')
    const { apna } = await import('../../../src/partners/apna/index.js')
    const files = (await readdir('scenarios')).filter((f) => /^apna-.*\.yaml$/.test(f))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const scenario = await loadScenarioFile(scenarioSchema([apna]), `scenarios/${file}`)
      expect(scenario.partners.apna, file).toBeDefined()
    }
  })
})
