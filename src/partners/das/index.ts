import * as z from 'zod'
import { definePartner } from '../../core/partner.js'
import { audiences } from './auth.js'
import { dasControl } from './control.js'
import { STREAMS, type StreamName } from './fixtures.js'
import { dasRoutes } from './routes.js'
import { dasConfig } from './schema.js'
import { DasStore } from './store.js'

/** DAS Events API (seed 002), shaped after SkillsFundingAgency/das-events (ASP.NET Web API 2) and its
 *  token handler in SkillsFundingAgency/das-shared-packages (SFA.DAS.ApiTokens.Client).
 *  Not emulated: its SQL Server (events live in the session; DATETIME's 1/300 s rounding is not copied),
 *  the 500s it answers for inputs its database rejects (the sandbox answers 400, see the README). */
export const das = definePartner({
  name: 'das',
  title: 'DAS Events API',
  config: dasConfig,
  createState: (config, ctx) => new DasStore(config, ctx),
  snapshot: (state: DasStore) => state.snapshot(),
  restore: (config, ctx, data) => DasStore.restore(config, ctx, data),
  routes: dasRoutes,
  control: dasControl,
  // Event counts per stream; the signing key stays out (the banner shows it, the dashboard need not).
  summary: (state: DasStore) => ({
    streams: state.summary(),
    generatedUntil: new Date(state.generatedUntil).toISOString(),
    trainingTypeNumbers: state.config.trainingTypeNumbers,
  }),
  actions: {
    addEvents: {
      description: 'Stores `count` more seeded events in a stream (apprenticeships, engagements, accounts, generic), created at the step time',
      input: z.strictObject({ stream: z.enum(STREAMS as [StreamName, ...StreamName[]]), count: z.number().int().min(1).max(100_000).default(1) }),
      run: (state: DasStore, input: { stream: StreamName; count: number }) => state.addGenerated(input.stream, input.count),
    },
  },
  banner: (config, baseUrl) => [
    `${baseUrl}/api/events/apprenticeships · engagements · accounts (HS256 JWT bearer, permissions in the data claim)`,
    `token: POST /__sandbox/das/tokens {"permissions":["ReadApprenticeshipEvent"]} · or sign with key "${config.signingKey}", iss ${config.issuer}, aud ${audiences(config)[0]}`,
  ],
})
