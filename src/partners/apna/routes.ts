import { Hono } from 'hono'
import { refuse, type PartnerEnv } from '../../core/partner.js'
import { outboundOnly } from './errors.js'
import type { ApnaStore } from './store.js'

/** Apna serves nothing a client calls: its integration is a push to the client (seed 003). The
 *  prefix answers 404 with where to look instead. */
export function apnaRoutes() {
  const app = new Hono<PartnerEnv<ApnaStore>>()
  // route() drops a sub-app's notFound (honojs/hono#3465), so the catch-all answers here.
  app.all('*', (c) => {
    refuse(c, `Apna has no inbound route ${c.req.method} ${c.req.path}: it is outbound only`)
    return c.json(outboundOnly, 404)
  })
  return app
}
