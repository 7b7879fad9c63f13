import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The app's side of the OAuth and payment redirects: a tiny server on 127.0.0.1 that records every
 *  request it gets and answers with a page naming the URL, as a real client's callback would. */
export interface Callback {
  url: string
  hits: URL[]
  close(): Promise<void>
}

export async function startCallback(): Promise<Callback> {
  const hits: URL[] = []
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
    hits.push(url)
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><title>callback</title><h1>callback ${url.pathname}</h1>`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** A form post that does not follow the redirect, so the 303 itself is checked. */
export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  })
}

/** The hidden dialog id of a Login Dialog page. */
export function dialogIdOf(html: string): string {
  const m = /name="dialog" value="([^"]+)"/.exec(html)
  if (!m) throw new Error(`no dialog field in:\n${html}`)
  return m[1]!
}
