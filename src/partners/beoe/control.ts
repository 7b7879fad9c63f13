import { Hono } from 'hono'
import type { ControlEnv } from '../../core/partner.js'
import { controlError, validate } from '../../control/errors.js'
import { addJobsInput, removeJobsInput } from './schema.js'
import type { BeoeState } from './state.js'

/** `/__sandbox/beoe`: look at and change a session's job list by hand (the timeline's `beoe.addJobs` /
 *  `beoe.removeJobs` do the same on schedule), and fetch the public key that verifies its tokens
 *  (Passport's oauth-public.key). */
export function beoeControl() {
  const app = new Hono<ControlEnv<BeoeState>>()

  app.get('/jobs', (c) => c.json(summary(c.get('state'))))

  app.get('/jobs/:id{[0-9]+}', (c) => {
    const job = c.get('state').jobs.job(Number(c.req.param('id')))
    if (!job) throw controlError(404, 'not_found', `no job with id ${c.req.param('id')} in this session`)
    return c.json(job)
  })

  app.post('/jobs', validate('json', addJobsInput), (c) => {
    try {
      const { added } = c.get('state').jobs.add(c.req.valid('json'))
      return c.json({ added, ...summary(c.get('state')) }, 201)
    } catch (error) {
      throw controlError(409, 'conflict', (error as Error).message)
    }
  })

  app.post('/jobs/remove', validate('json', removeJobsInput), (c) => {
    try {
      const { removed } = c.get('state').jobs.remove(c.req.valid('json'))
      return c.json({ removed, ...summary(c.get('state')) })
    } catch (error) {
      throw controlError(404, 'not_found', (error as Error).message)
    }
  })

  app.get('/public-key', async (c) => {
    const keys = await c.get('state').shared.keys()
    return c.text(keys.publicPem, 200, { 'content-type': 'application/x-pem-file' })
  })

  return app
}

function summary(state: BeoeState) {
  const jobs = state.jobs.summary()
  return { ...jobs, perPage: state.config.pageSize, lastPage: Math.max(1, Math.ceil(jobs.total / state.config.pageSize)) }
}
