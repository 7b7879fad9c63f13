import { definePartner } from '../../core/partner.js'
import { formatDuration } from '../../core/duration.js'
import { apnaControl } from './control.js'
import { apnaRoutes } from './routes.js'
import { apnaConfig, pushInput, streamInput, type ApnaAuth, type PushInput, type StreamInput } from './schema.js'
import { ApnaStore } from './store.js'
import { targetView } from './views.js'
import { redactUrl } from '../../core/redact.js'

/** Apna's application push (seed 003_59e9a0725a01f398): the sandbox plays Apna and POSTs candidate
 *  applications to the client's endpoint, retries once 5 s later, paces at 10 requests/s, and keeps a
 *  delivery log. Not emulated: job posting (the document: "There is no ready API for posting a job on
 *  Apna"), and any two-way integration. */
export const apna = definePartner({
  name: 'apna',
  title: 'Apna application pusher',
  config: apnaConfig,
  createState: (config, ctx) => new ApnaStore(config, ctx),
  snapshot: (state: ApnaStore) => state.snapshot(),
  restore: (config, ctx, data) => ApnaStore.restore(config, ctx, data),
  routes: apnaRoutes,
  control: apnaControl,
  actions: {
    push: {
      description: 'Pushes applications to the target: { count } or { candidates: [...] }, with overrides, omit, invalid',
      input: pushInput,
      run: (state: ApnaStore, input: PushInput) => {
        state.push(input, 'timeline')
        return state.settleIfFrozen()
      },
    },
    stream: {
      description: 'A steady stream of applications: { rate: per second, for: duration }',
      input: streamInput,
      run: (state: ApnaStore, input: StreamInput) => {
        state.startStream(input)
        return state.settleIfFrozen()
      },
    },
  },
  banner: (config) => [
    config.target.url ? `pushes to ${config.target.url}, ${describeAuth(config.target.auth)}` : 'no target yet: PUT /__sandbox/apna/target {"url": …}',
    `retry ${config.retry.attempts}× after ${formatDuration(config.retry.delay)}, ${config.rate > 0 ? `${config.rate} requests/s` : 'unpaced'}; push with POST /__sandbox/apna/applications {"count": 5}`,
  ],
  summary: apnaSummary,
  disposeState: (state) => state.dispose(),
})

/** The dashboard's glance at a session: where pushes go (secrets masked, as GET /target shows them)
 *  and how many deliveries are in each state. */
function apnaSummary(state: ApnaStore) {
  const target = targetView(state.target)
  return {
    target: { ...target, url: target.url === null ? null : redactUrl(target.url) },
    counts: state.counts(),
    stats: state.stats,
    open: state.open,
    inFlight: state.inFlight,
    streams: state.streams().filter((s) => s.state === 'running').length,
  }
}

/** The banner shows the scenario's own credentials, as the other partners' banners do: they are what
 *  the newcomer's endpoint must accept. */
function describeAuth(auth: ApnaAuth): string {
  switch (auth.type) {
    case 'basic':
      return `Basic ${auth.username} / ${auth.password}`
    case 'bearer':
      return `Authorization: Bearer ${auth.token}`
    case 'header':
      return `${auth.name}: ${auth.value}`
    case 'none':
      return 'no auth'
  }
}

export { checkApna } from './check.js'
export { applicationSchema, type Application } from './schema.js'
export { candidateAt } from './fixtures.js'
