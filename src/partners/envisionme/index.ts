import * as z from 'zod'
import { definePartner } from '../../core/partner.js'
import { envisionmeControl } from './control.js'
import { envisionmeRoutes } from './routes.js'
import { envisionmeConfig, jobRecord } from './schema.js'
import { EnvisionmeStore } from './store.js'

/** envisionme.co.za API (seed 001): the OAuth Login Dialog and its redirects, jobs, terms, and the
 *  billing server with a fake PayFast payment page. Not emulated: the SDKs' login-status helpers, and
 *  any real payment gateway. */
export const envisionme = definePartner({
  name: 'envisionme',
  title: 'envisionme.co.za API',
  config: envisionmeConfig,
  createState: (config, ctx) => new EnvisionmeStore(config, ctx),
  snapshot: (state: EnvisionmeStore) => state.snapshot(),
  restore: (config, ctx, data) => EnvisionmeStore.restore(config, ctx, data),
  // The Login Dialog issues codes and logs people in on GET, and the payment page settles on GET.
  changesOnGet: true,
  routes: envisionmeRoutes,
  control: envisionmeControl,
  summary: envisionmeSummary,
  actions: {
    addJobs: {
      description: 'Adds jobs: `count` generated ones and/or the `records` given',
      input: z.strictObject({ count: z.number().int().min(0).max(10_000).default(0), records: z.array(jobRecord).default([]) }),
      run: (state: EnvisionmeStore, input: { count: number; records: z.output<typeof jobRecord>[] }) => {
        state.jobs.add([...Array.from({ length: input.count }, () => ({})), ...input.records])
      },
    },
  },
  banner: (config, baseUrl) => [
    `login dialog ${baseUrl}/oauth/authorize?client_id=${config.clients[0]?.clientId ?? '…'}&redirect_uri=${config.clients[0]?.redirectUris[0] ?? '…'} (${config.loginDialog})`,
    ...config.clients.map((c) => `app ${c.clientId} / secret ${c.clientSecret} → ${c.redirectUris.join(', ')}`),
    ...config.users.map((u) => `user ${u.username} / ${u.password} (uid ${u.uid})`),
    ...config.tokens.map((t) => `token ${t.token} (uid ${t.uid}, app ${t.clientId})`),
  ],
})

/** Charges shown on the dashboard: the newest this many (a long session may make thousands). */
const CHARGES_SHOWN = 50

/** The dashboard's glance at a session: apps (no secrets), who is logged in, tokens, charges. */
function envisionmeSummary(store: EnvisionmeStore) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
  const charges = [...store.billing.charges.values()]
  const byStatus: Record<string, number> = {}
  for (const ch of charges) byStatus[ch.status] = (byStatus[ch.status] ?? 0) + 1
  return {
    clients: [...store.clients.values()].map((c) => ({ clientId: c.clientId, name: store.clientName(c), redirectUris: c.redirectUris })),
    users: store.users.map((u) => ({ username: u.username, uid: u.uid })),
    loggedIn: store.liveLogins().map((l) => ({ ...l, until: iso(l.until) })),
    tokens: store.tokenCounts(),
    jobs: store.jobs.size,
    billingClients: store.billing.clients.size,
    charges: {
      total: charges.length,
      byStatus,
      recent: charges.slice(-CHARGES_SHOWN).map((ch) => ({
        id: ch.id,
        clientId: ch.clientId,
        amount: ch.amount,
        status: ch.status,
        createdAt: iso(ch.createdAt),
        settledAt: iso(ch.settledAt),
      })),
    },
  }
}
