import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { artifact, hasChromium, launch } from './support.js'

/** The docs page in a browser, and the dashboard of a sandbox that needs SANDBOX_ADMIN_TOKEN. */
const TOKEN = 'qa-admin-token-0123456789'
let open: RunningSandbox
let locked: RunningSandbox
let browser: Browser | undefined

beforeAll(async () => {
  open = await startSandbox({ log: () => undefined, scenario: { name: 'docs' } })
  locked = await startSandbox({ log: () => undefined, adminToken: TOKEN, scenario: { name: 'locked', clock: { start: '2026-01-14T05:00:00Z', frozen: true } } })
  if (hasChromium) browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await open?.close()
  await locked?.close()
})

describe('?token= with SANDBOX_ADMIN_TOKEN set', () => {
  it('is taken on GET /events only; every other call needs the header; /ui loads without it', async () => {
    const ui = await fetch(`${locked.url}/__sandbox/ui`)
    expect(ui.status).toBe(200)
    expect(ui.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/)
    expect((await fetch(`${locked.url}/__sandbox/state`)).status).toBe(401)
    expect((await fetch(`${locked.url}/__sandbox/state?token=${TOKEN}`)).status).toBe(401)
    expect((await fetch(`${locked.url}/__sandbox/events?token=wrong`)).status).toBe(401)
    expect((await fetch(`${locked.url}/__sandbox/state`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
    const controller = new AbortController()
    const events = await fetch(`${locked.url}/__sandbox/events?session=s1&token=${TOKEN}`, { signal: controller.signal })
    expect(events.status).toBe(200)
    expect(events.headers.get('content-type')).toMatch(/event-stream/)
    controller.abort()
  })
})

describe.skipIf(!hasChromium)('in a real browser', () => {
  it('the docs page shows every API, opens an operation, and links the WSDL', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${open.url}/__sandbox/docs`)
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('partner-sandbox API docs')
    for (const name of ['partner-sandbox control API', 'BE&OE Foreign Jobs (sandbox)', 'envisionme.co.za API (sandbox)', 'DAS Events API (sandbox)', 'Cordell Costing Web API (SOAP 1.2)']) {
      await page.getByRole('heading', { level: 2, name }).waitFor()
    }
    await page.screenshot({ path: artifact('docs.png') })
    await page.locator('#beoe summary').filter({ hasText: '/api/foreignjobs' }).click()
    await page.locator('#beoe').getByText('Required: only a JSON media range passes').waitFor()
    await page.locator('#das summary').filter({ hasText: '/api/events/apprenticeships' }).first().click()
    const wsdl = page.getByRole('link', { name: `${open.url}/cordell/Costing?wsdl` })
    await expect(wsdl.getAttribute('href')).resolves.toBe(`${open.url}/cordell/Costing?wsdl`)
    await page.locator('#beoe').scrollIntoViewIfNeeded()
    await page.screenshot({ path: artifact('docs-beoe.png') })
    await page.close()
  })

  it('the dashboard asks for the admin token, keeps it for the tab, and streams with it', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${locked.url}/__sandbox/ui`)
    await page.getByRole('alert').getByText(/needs its admin token/).waitFor()
    await page.getByLabel('Admin token').fill(TOKEN)
    await page.getByRole('button', { name: 'Use' }).click()
    await page.locator('#scenario-name').getByText('locked').waitFor()
    await page.locator('#live').getByText('live').waitFor()
    expect(await page.getByRole('alert').isHidden()).toBe(true)
    expect(await page.evaluate(() => sessionStorage.getItem('partner-sandbox.admin-token'))).toBe(TOKEN)
    // Live: a request shows without a reload.
    await fetch(`${locked.url}/das/api/HealthCheck`)
    await page.locator('#journal').getByText('GET /api/HealthCheck').waitFor()
    await page.close()

    // ?token= in the dashboard's URL is stored, then taken off the address bar.
    const second = await browser!.newPage()
    await second.goto(`${locked.url}/__sandbox/ui?token=${TOKEN}&session=other`)
    await second.locator('#scenario-name').getByText('locked').waitFor()
    expect(second.url()).not.toContain('token=')
    expect(second.url()).toContain('session=other')
    await second.close()
  })
})
