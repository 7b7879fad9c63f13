import { definePartner } from '../../core/partner.js'
import { formatDuration } from '../../core/duration.js'
import { beoeControl } from './control.js'
import { beoeRoutes } from './routes.js'
import { addJobsInput, beoeConfig, removeJobsInput, type AddJobsInput, type RemoveJobsInput } from './schema.js'
import { BeoeState } from './state.js'
import { Schedule } from './schedule.js'

/** BE&OE Foreign Jobs API (seed 000_33a71c25f32dbd6f), shaped after the Laravel + Passport app behind
 *  it: login for a one-hour RS256 token, then the jobs 25,000 a page as Laravel's paginator JSON, only
 *  inside the agreed schedule. Not emulated: its MySQL database and Passport's clients and refresh
 *  tokens; users, tokens and jobs live in the session. */
export const beoe = definePartner({
  name: 'beoe',
  title: 'BE&OE Foreign Jobs',
  config: beoeConfig,
  createState: (config, ctx) => new BeoeState(config, ctx),
  snapshot: (state: BeoeState) => state.snapshot(),
  restore: (config, ctx, data) => BeoeState.restore(config, ctx, data),
  routes: beoeRoutes,
  control: beoeControl,
  summary: beoeSummary,
  actions: {
    addJobs: {
      description: 'Adds jobs: { count } new generated ones with the next ids, and/or { records } given inline',
      input: addJobsInput,
      run: (state: BeoeState, input: AddJobsInput) => {
        const { added } = state.jobs.add(input)
        state.ctx.events.emit('beoe.jobs', { added: added.length, ...state.jobs.summary() })
      },
    },
    removeJobs: {
      description: 'Takes jobs down: { ids }, and/or the { oldest } or { newest } n',
      input: removeJobsInput,
      run: (state: BeoeState, input: RemoveJobsInput) => {
        const { removed } = state.jobs.remove(input)
        state.ctx.events.emit('beoe.jobs', { removed, ...state.jobs.summary() })
      },
    },
  },
  banner: (config, baseUrl) => [
    `POST ${baseUrl}/api/login  ${config.users.map((u) => `${u.email} / ${u.password}`).join(', ') || '(no users)'}`,
    `GET  ${baseUrl}/api/foreignjobs?page=1  (Bearer token, Accept: application/json; tokens last ${formatDuration(config.tokenTtl)})`,
    `${config.jobs.generate + config.jobs.records.length} jobs, ${config.pageSize} a page; ${config.schedule ? `open ${new Schedule(config.schedule).describe()}` : 'always open'}`,
  ],
})

/** The dashboard's glance at a session: open now and until when, the job list, the tokens issued.
 *  Users are listed by email only; passwords and tokens never leave the state. */
function beoeSummary(state: BeoeState) {
  const now = state.ctx.clock.now()
  const { schedule } = state
  const open = !schedule || schedule.isOpen(now)
  const change = !schedule ? undefined : open ? schedule.nextClosing(now) : schedule.nextOpening(now)
  const jobs = state.jobs.summary()
  return {
    open,
    schedule: schedule ? schedule.describe() : 'always open',
    nextChange: change === undefined || !schedule ? null : { to: open ? 'closed' : 'open', at: schedule.isoLocal(change) },
    jobs: { total: jobs.total, firstId: jobs.firstId, lastId: jobs.lastId, perPage: state.config.pageSize },
    pages: Math.max(1, Math.ceil(jobs.total / state.config.pageSize)),
    tokens: state.tokens.counts(now),
    users: state.users.map((u) => u.email),
  }
}
