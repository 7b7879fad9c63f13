import { definePartner } from '../../core/partner.js'
import { formatDuration } from '../../core/duration.js'
import { applyChanges, cordellControl } from './control.js'
import { cordellRoutes } from './routes.js'
import { changesInput, cordellConfig, type ChangesInput } from './schema.js'
import { CordellStore, iso } from './store.js'

/** Cordell Costing Web API (seed 004): a SOAP 1.2 service with a JSON token login, per-user delta
 *  downloads, dataset licences, privileged ingredients and an audit trail.
 *  Not emulated: the "platform" part of a licence, SOAP mustUnderstand headers, WS-Addressing. */
export const cordell = definePartner({
  name: 'cordell',
  title: 'Cordell Costing Web API (SOAP 1.2)',
  config: cordellConfig,
  createState: (config, ctx) => new CordellStore(config, ctx),
  snapshot: (state: CordellStore) => state.snapshot(),
  restore: (config, ctx, data) => CordellStore.restore(config, ctx, data),
  routes: cordellRoutes,
  control: cordellControl,
  summary: cordellSummary,
  actions: {
    change: {
      description: 'Changes the costing data: { op: add|modify|delete, table, id | count, dataset?, values? }, or { changes: [...] }',
      input: changesInput,
      run: (state: CordellStore, input: ChangesInput) => applyChanges(state, input),
    },
  },
  banner: (config, baseUrl) => [
    `WSDL ${baseUrl}/Costing?wsdl · login POST ${baseUrl}/Costing/Login (tokens live ${formatDuration(config.tokenTtl)})`,
    ...config.users.map((u) => `${u.username} / ${u.password} · datasets ${u.datasets.join(', ') || '(none)'}${u.privileged ? ' · privileged' : ''}`),
  ],
})

/** The dashboard's glance at a session: each user with the last time they downloaded each method
 *  (per dataset where it has one), token and audit counts. Passwords and tokens stay in the store. */
function cordellSummary(store: CordellStore) {
  const marks = store.marks()
  return {
    users: [...store.users.values()].map((u) => ({
      username: u.username,
      datasets: u.datasets,
      privileged: u.privileged,
      lastDownloads: marks
        .filter((m) => m.user === u.username)
        .map((m) => ({ method: m.method, dataset: m.dataset ?? null, at: iso(m.at) })),
    })),
    tokens: store.tokenCounts(),
    audit: store.auditSize,
  }
}
