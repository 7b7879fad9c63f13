import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { artifact, hasChromium, launch, startReceiver, type Receiver } from './support.js'

/** The QA dashboard in Debian's Chromium: the clock, the live journal, Apna pushes to a real receiver,
 *  faults, DAS tokens, and screenshots (test/artifacts/) to look at. */
const SESSION = 'qa-ui'
const START = '2026-01-14T05:00:00.000Z'

let sb: RunningSandbox
let browser: Browser
let receiver: Receiver
let page: Page

const headers = { 'x-sandbox-session': SESSION }
const control = (path: string, init: RequestInit = {}) =>
  fetch(`${sb.url}/__sandbox${path}`, { ...init, headers: { ...headers, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } })

describe.skipIf(!hasChromium)('QA dashboard in a real browser', () => {
  beforeAll(async () => {
    receiver = await startReceiver()
    sb = await startSandbox({
      log: () => undefined,
      scenario: {
        name: 'dashboard-test',
        seed: 11,
        clock: { start: START, frozen: true },
        partners: {
          beoe: { schedule: { timezone: 'Asia/Karachi', open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] } },
          apna: { rate: 0, retry: { attempts: 1, delay: '5s' } },
        },
      },
    })
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await page.goto(`${sb.url}/__sandbox/ui?session=${SESSION}`)
    await page.locator('#live').getByText('live').waitFor()
  })
  afterAll(async () => {
    await browser?.close()
    await sb?.close()
    await receiver?.close()
  })

  it('shows the session, its scenario, a partner card each, and every control labelled', async () => {
    await expect(page.title()).resolves.toBe('partner-sandbox dashboard')
    await expect(page.locator('#session-name').textContent()).resolves.toBe(SESSION)
    await page.locator('#scenario-name').getByText('dashboard-test').waitFor()
    for (const name of ['beoe', 'envisionme', 'das', 'cordell', 'apna']) await page.locator(`#partner-${name}`).waitFor()
    // 10:00 in Karachi on a Wednesday: open, closing at 17:00 local.
    await expect(page.locator('#partner-beoe').textContent()).resolves.toMatch(/open.*closes at 2026-01-14T17:00:00\+05:00/)
    // Every input, select and textarea has a label (getByLabel finds each by name).
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input:not([type=checkbox]), select, textarea')].filter((el) => !document.querySelector(`label[for="${el.id}"]`)).map((el) => el.id),
    )
    expect(unlabelled).toEqual([])
  })

  it('advances the clock from the buttons and a custom duration, and freezes it', async () => {
    const clock = page.locator('#clock')
    await expect(clock.textContent()).resolves.toBe('2026-01-14 05:00:00 UTC')
    await page.getByRole('button', { name: '+1h' }).click()
    await page.locator('#clock').getByText('2026-01-14 06:00:00 UTC').waitFor()
    await page.getByLabel('Advance by').fill('1d30m')
    await page.getByRole('button', { name: 'Advance', exact: true }).click()
    await page.locator('#clock').getByText('2026-01-15 06:30:00 UTC').waitFor()
    await page.getByRole('button', { name: '+5s' }).click()
    await page.locator('#clock').getByText('2026-01-15 06:30:05 UTC').waitFor()
    // A bad duration is refused with the server's reason, and nothing moves.
    await page.getByLabel('Advance by').fill('soon')
    await page.getByRole('button', { name: 'Advance', exact: true }).click()
    await page.locator('.toast.error').first().waitFor()
    await expect(clock.textContent()).resolves.toBe('2026-01-15 06:30:05 UTC')
    // Unfreeze: it ticks on its own; freeze again.
    await page.getByRole('button', { name: 'Unfreeze' }).click()
    await page.waitForFunction(() => document.getElementById('clock')?.textContent !== '2026-01-15 06:30:05 UTC', undefined, { timeout: 5000 })
    expect((await (await control('/clock')).json()).frozen).toBe(false)
    await page.getByRole('button', { name: 'Freeze', exact: true }).click()
    await page.getByRole('button', { name: 'Unfreeze' }).waitFor()
    expect((await (await control('/clock')).json()).frozen).toBe(true)
  })

  it('shows a request made with fetch in the journal, newest first, in full, with curl', async () => {
    const login = await fetch(`${sb.url}/beoe/api/login`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'user@beoe.com', password: '123456' }),
    })
    expect(login.status).toBe(200)
    const wsdl = await fetch(`${sb.url}/cordell/Costing?wsdl`, { headers })
    expect(wsdl.status).toBe(200)
    const first = page.locator('#journal tbody tr').first()
    await first.getByText('GET /Costing').waitFor()
    await expect(page.locator('#journal tbody tr').nth(1).textContent()).resolves.toContain('POST /api/login')

    // Filters: by partner, by status class, by path.
    await page.locator('#filter-partner').selectOption('beoe')
    await expect(page.locator('#journal tbody tr').count()).resolves.toBe(1)
    await page.locator('#filter-partner').selectOption('')
    await page.locator('#filter-status').selectOption('4xx')
    await page.locator('#journal').getByText('No request matches the filters.').waitFor()
    await page.locator('#filter-status').selectOption('')
    await page.locator('#filter-path').fill('/api/*')
    await expect(page.locator('#journal tbody tr').count()).resolves.toBe(1)
    await page.locator('#filter-path').fill('')

    // The login in full: the password masked as in the journal, bodies pretty-printed.
    await page.getByRole('button', { name: 'POST /api/login' }).click()
    await page.locator('#detail-h').getByText(/POST \/api\/login → 200/).waitFor()
    const request = await page.locator('#request-body').textContent()
    expect(request).toContain('"email": "user@beoe.com"')
    expect(request).not.toContain('123456')
    expect(await page.locator('#response-body').textContent()).toMatch(/^\{\n {2}"success": \{\n {4}"token": "/)
    const curl = await page.locator('#curl').textContent()
    expect(curl).toMatch(/^curl -i -X POST 'http:\/\/127\.0\.0\.1:\d+\/beoe\/api\/login' /)
    expect(curl).toContain(`-H 'x-sandbox-session: ${SESSION}'`)
    expect(curl).toContain(`--data-raw '{"email":"user@beoe.com","password":"[redacted]"}'`)
    await page.getByRole('button', { name: 'Copy as curl' }).click()
    await page.locator('.toast').first().waitFor()

    // XML is indented: the WSDL's elements each on their own line.
    await page.getByRole('button', { name: 'GET /Costing' }).click()
    const xml = (await page.locator('#response-body').textContent()) ?? ''
    expect(xml.split('\n').length).toBeGreaterThan(20)
    expect(xml).toMatch(/\n {2}<wsdl:documentation>/)
  })

  it('pushes an Apna application to a receiver and shows it delivered; redelivers it', async () => {
    await page.getByLabel('Target URL').fill(receiver.url)
    await page.getByRole('button', { name: 'Set target' }).click()
    await page.locator('#partner-apna .state').getByText(receiver.url).waitFor()
    await page.getByLabel('Applications').fill('1')
    await page.getByRole('button', { name: 'Push', exact: true }).click()
    const row = page.locator('#apna-deliveries tbody tr').first()
    await row.getByText('delivered').waitFor()
    expect(receiver.received).toHaveLength(1)
    expect(JSON.parse(receiver.received[0]!.body)).toHaveProperty('full_name')
    // The outbound POST is in the journal too.
    await page.locator('#journal tbody tr').first().getByText('POST /apna').waitFor()
    await row.getByRole('button', { name: /^Redeliver d-/ }).click()
    await page.locator('#apna-deliveries tbody tr').first().getByText(/2 \(1 redelivered\)/).waitFor()
    expect(receiver.received).toHaveLength(2)
  })

  it('adds a fault from the form, sees it act, and removes it', async () => {
    await page.locator('#fault-partner').selectOption('beoe')
    await page.locator('#fault-method').selectOption('GET')
    await page.getByLabel('Path (glob)').fill('/api/foreignjobs')
    await page.locator('#fault-action').selectOption('respond')
    await page.getByLabel('Status / delay').fill('503')
    await page.getByLabel('Times').fill('2')
    await page.getByRole('button', { name: 'Add fault' }).click()
    const rule = page.locator('#faults tbody tr')
    await rule.first().waitFor()
    await expect(rule.count()).resolves.toBe(1)
    const res = await fetch(`${sb.url}/beoe/api/foreignjobs`, { headers: { ...headers, accept: 'application/json' } })
    expect(res.status).toBe(503)
    await page.locator('#faults tbody tr').first().getByText(/^1 \(1 left\)$/).waitFor()
    await page.locator('#journal tbody tr').first().getByText('fault').waitFor()
    await page.getByRole('button', { name: /^Remove fault / }).click()
    await page.locator('#faults').getByText('No fault rules').waitFor()
    expect((await (await control('/faults')).json()).faults).toEqual([])
  })

  it('mints a DAS token from the form, and lists Cordell downloads and its audit trail', async () => {
    await page.getByRole('button', { name: 'Mint token' }).click()
    const token = await page.locator('#das-token-value').inputValue()
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
    const res = await fetch(`${sb.url}/das/api/events/accounts?pageSize=1`, { headers: { ...headers, authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)

    const login = await fetch(`${sb.url}/cordell/Costing/Login`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ UserName: 'qs', Password: 'pass' }),
    })
    expect(login.status).toBe(200)
    const { AccessToken } = (await login.json()) as { AccessToken: string }
    const call = await fetch(`${sb.url}/cordell/Costing/GetCategories/`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/soap+xml; charset=utf-8' },
      body:
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><AuthHeader xmlns="http://www.cordell.com.au/Costing/">' +
        `<AccessToken>${AccessToken}</AccessToken></AuthHeader></s:Header><s:Body><GetCategories xmlns="http://www.cordell.com.au/Costing/"/></s:Body></s:Envelope>`,
    })
    expect(call.status).toBe(200)
    await page.locator('#partner-cordell .state').getByText(/^GetCategories: 2026-01-15 06:30:\d\d UTC$/).waitFor()
    await page.locator('#cordell-audit tbody tr').first().getByText('GetCategories').waitFor()
    await page.locator('#partner-cordell .state').getByText('1 (1 live)').waitFor()
  })

  it('takes screenshots, wide and narrow, that a person looks at', async () => {
    await page.getByRole('button', { name: 'POST /api/login' }).click()
    // Messages of earlier steps are transient: let them not cover what the screenshot is for.
    await page.evaluate(() => document.getElementById('toasts')?.replaceChildren())
    await page.screenshot({ path: artifact('dashboard-wide.png'), fullPage: true })
    await page.setViewportSize({ width: 420, height: 900 })
    // Nothing may stick out sideways on a narrow window.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: artifact('dashboard-narrow.png'), fullPage: true })
    // The full narrow page is too tall to read at once: also in screen-sized parts.
    const height = await page.evaluate(() => document.documentElement.scrollHeight)
    for (let y = 0, part = 1; y < height && part <= 4; y += 1200, part++) {
      await page.screenshot({ path: artifact(`dashboard-narrow-${part}.png`), fullPage: true, clip: { x: 0, y, width: 420, height: Math.min(1200, height - y) } })
    }
    await page.setViewportSize({ width: 1440, height: 1000 })
  })

  it('is reachable from the keyboard: Tab reaches the clock buttons and Enter advances', async () => {
    await page.locator('#session-input').focus()
    let reached = false
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(() => document.activeElement?.textContent === '+1m')
    }
    expect(reached).toBe(true)
    const before = await page.locator('#clock').textContent()
    await page.keyboard.press('Enter')
    await page.waitForFunction((b) => document.getElementById('clock')?.textContent !== b, before)
  })

  it('follows a reset: the journal empties and the clock goes back to the start', async () => {
    await page.getByRole('button', { name: 'Reset session' }).click()
    await page.locator('#clock').getByText('2026-01-14 05:00:00 UTC').waitFor()
    await page.locator('#journal').getByText('No requests yet').waitFor()
  })

  it('renders journal data as text, never as markup', async () => {
    await fetch(`${sb.url}/beoe/api/<img src=x onerror="window.__pwned=1">`, { headers })
    await page.locator('#journal tbody tr').first().waitFor()
    await page.locator('#journal tbody tr').first().click()
    await page.locator('#detail-h').waitFor()
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.locator('#journal img, #detail img').count()).toBe(0)
  })
})
