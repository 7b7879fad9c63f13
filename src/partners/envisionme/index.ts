import { z } from 'zod'
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
  routes: envisionmeRoutes,
  control: envisionmeControl,
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
