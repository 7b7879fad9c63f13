import { expect } from 'vitest'
import type { RunningSandbox } from '../../src/sandbox.js'

/** Control-API calls against one session. */
export function controlOf(sb: RunningSandbox, session: string) {
  const url = (path: string) => `${sb.url}/__sandbox${path}`
  const headers = { 'content-type': 'application/json', 'X-Sandbox-Session': session }
  return {
    get: (path: string) => fetch(url(path), { headers }),
    post: (path: string, body: unknown) => fetch(url(path), { method: 'POST', headers, body: JSON.stringify(body) }),
    put: (path: string, body: unknown) => fetch(url(path), { method: 'PUT', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    snapshot: async () => {
      const res = await fetch(url('/snapshot'), { headers })
      expect(res.status).toBe(200)
      return (await res.json()) as Record<string, unknown> & { partners: Record<string, { random: number; data: unknown }> }
    },
  }
}

/** Takes `from`'s snapshot, restores it into `to`, and checks that `to`'s snapshot is the same (but
 *  for the session id); returns the snapshot. */
export async function copySession(sb: RunningSandbox, from: string, to: string) {
  const snap = await controlOf(sb, from).snapshot()
  const put = await controlOf(sb, to).put('/snapshot', snap)
  expect(put.status, await put.clone().text()).toBe(200)
  const again = await controlOf(sb, to).snapshot()
  expect({ ...again, session: from }).toEqual(snap)
  return snap
}

/** The same request to two sessions answers the same: status, content type and body. */
export async function sameAnswer(sb: RunningSandbox, a: string, b: string, path: string, init: RequestInit = {}) {
  const call = async (session: string) => {
    const res = await fetch(`${sb.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), 'X-Sandbox-Session': session } })
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() }
  }
  const left = await call(a)
  const right = await call(b)
  expect(right, `${init.method ?? 'GET'} ${path}`).toEqual(left)
  return left
}
