import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser } from 'playwright-core'
import { startSandbox, type RunningSandbox } from '../../../src/sandbox.js'
import { envisionme } from '../../../src/partners/envisionme/index.js'
import { startCallback, type Callback } from './support.js'

/** Debian's Chromium, driven by playwright-core, goes through the Login Dialog and the payment page as
 *  a person would, with JavaScript switched off (the pages must work without it), and lands on a
 *  callback server this test runs. */
let browser: Browser
let cb: Callback
let sb: RunningSandbox
let base: string

beforeAll(async () => {
  cb = await startCallback()
  sb = await startSandbox({
    partners: [envisionme],
    scenario: {
      seed: 3,
      partners: {
        envisionme: {
          clients: [{ clientId: 10, clientSecret: 'xyz123', name: 'Browser App', redirectUris: [`${cb.url}/callback`] }],
          users: [{ username: 'demo', password: 'demo', uid: 2753 }],
          billing: { clients: [{ client_id: '1212' }] },
        },
      },
    },
  })
  base = `${sb.url}/envisionme`
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
})
afterAll(async () => {
  await browser?.close()
  await sb?.close()
  await cb?.close()
})

const authorize = (state: string, responseType = 'code') =>
  `${base}/oauth/authorize?${new URLSearchParams({ client_id: '10', redirect_uri: `${cb.url}/callback`, state, response_type: responseType })}`

describe('in a real browser', () => {
  it('logs in and allows (code), is sent straight back next time, and token flow lands with a fragment', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    try {
      const page = await context.newPage()
      await page.goto(authorize('first'))
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Log in with envisionme.co.za')
      // A wrong password keeps the person on the dialog with an alert.
      await page.getByLabel('Username').fill('demo')
      await page.getByLabel('Password').fill('wrong')
      await page.getByRole('button', { name: 'Allow' }).click()
      await expect(page.getByRole('alert').textContent()).resolves.toContain('incorrect')
      await page.getByLabel('Password').fill('demo')
      // Enter submits with the first button, Allow.
      await page.getByLabel('Password').press('Enter')
      await page.waitForURL(`${cb.url}/callback?**`)
      const landed = new URL(page.url())
      expect(landed.searchParams.get('state')).toBe('first')
      const code = landed.searchParams.get('code')!
      // favicon requests land on the callback server too, so only /callback counts.
      const callbacks = () => cb.hits.filter((u) => u.pathname === '/callback')
      expect(callbacks().at(-1)?.searchParams.get('code')).toBe(code)

      // The app's server exchanges the code.
      const ex = await fetch(`${base}/oauth/access_token?${new URLSearchParams({ client_id: '10', client_secret: 'xyz123', redirect_uri: `${cb.url}/callback`, code })}`, { method: 'POST', redirect: 'manual' })
      expect(ex.status).toBe(303)
      const token = new URLSearchParams(await ex.text()).get('access_token')!
      expect((await fetch(`${base}/job?access_token=${token}&limit=1`)).status).toBe(200)

      // Logged in and allowed before: no dialog this time.
      const before = callbacks().length
      await page.goto(authorize('second'))
      await page.waitForURL(`${cb.url}/callback?**`)
      expect(new URL(page.url()).searchParams.get('state')).toBe('second')
      expect(callbacks().length).toBe(before + 1)
      expect(callbacks().at(-1)?.searchParams.get('code')).toMatch(/^[0-9a-f]{40}$/)

      await page.goto(authorize('third', 'token'))
      await page.waitForURL(`${cb.url}/callback#**`)
      const fragment = new URLSearchParams(new URL(page.url()).hash.slice(1))
      expect(fragment.get('access_token')).toMatch(/^EVM/)
      expect(fragment.get('state')).toBe('third')
    } finally {
      await context.close()
    }
  }, 60_000)

  it('Cancel with empty fields lands on the callback with error=access_denied', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    try {
      const page = await context.newPage()
      await page.goto(authorize('nope'))
      await page.getByRole('button', { name: 'Cancel' }).click()
      await page.waitForURL(`${cb.url}/callback?**`)
      expect(page.url()).toBe(`${cb.url}/callback?error=access_denied&state=nope`)
    } finally {
      await context.close()
    }
  }, 60_000)

  it('the payment page: Pay returns with charge_id and the charge is ok; Cancel goes to cancel_url', async () => {
    const make = async (amount: string) =>
      (
        await (
          await fetch(`${base}/charge`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              client_id: '1212', gateway_mode: '0', amount, internal_id: '313', first_name: 'Peter', last_name: 'John', email: 'address@example.com',
              return_url: `${cb.url}/after-payment`, cancel_url: `${cb.url}/order-cancelled`,
            }).toString(),
          })
        ).json()
      ) as { redirect: string[]; charge_id: string[] }
    const context = await browser.newContext({ javaScriptEnabled: false })
    try {
      const page = await context.newPage()
      const paid = await make('500')
      await page.goto(paid.redirect[0]!)
      await expect(page.locator('#amount').textContent()).resolves.toBe('R 500.00')
      await page.getByRole('button', { name: 'Pay R 500.00' }).click()
      await page.waitForURL(`${cb.url}/after-payment?**`)
      expect(new URL(page.url()).searchParams.get('charge_id')).toBe(paid.charge_id[0])
      const status = await (await fetch(`${base}/charge?client_id=1212&charge_id=${paid.charge_id[0]}`)).json()
      expect(status.status).toEqual(['ok'])

      const cancelled = await make('75.25')
      await page.goto(cancelled.redirect[0]!)
      await page.getByRole('button', { name: 'Cancel' }).click()
      await page.waitForURL(`${cb.url}/order-cancelled`)
      const after = await (await fetch(`${base}/charge?client_id=1212&charge_id=${cancelled.charge_id[0]}`)).json()
      expect(after.status).toEqual(['cancelled'])
    } finally {
      await context.close()
    }
  }, 60_000)
})
