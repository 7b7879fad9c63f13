import { definePartner } from '../../core/partner.js'
import { formatDuration } from '../../core/duration.js'
import { applyChanges, cordellControl } from './control.js'
import { cordellRoutes } from './routes.js'
import { changesInput, cordellConfig, type ChangesInput } from './schema.js'
import { CordellStore } from './store.js'

/** Cordell Costing Web API (seed 004): a SOAP 1.2 service with a JSON token login, per-user delta
 *  downloads, dataset licences, privileged ingredients and an audit trail.
 *  Not emulated: the "platform" part of a licence, SOAP mustUnderstand headers, WS-Addressing. */
export const cordell = definePartner({
  name: 'cordell',
  title: 'Cordell Costing Web API (SOAP 1.2)',
  config: cordellConfig,
  createState: (config, ctx) => new CordellStore(config, ctx),
  routes: cordellRoutes,
  control: cordellControl,
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
