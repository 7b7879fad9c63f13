import { parseArgs } from 'node:util'
import { duration } from '../../core/duration.js'
import { loadScenarioFile, ScenarioError, scenarioSchema } from '../../core/scenario.js'
import type { AnyPartner } from '../../core/partner.js'
import { mintToken } from './auth.js'
import { PERMISSIONS, type DasConfig } from './schema.js'

const HELP = `partner-sandbox token das: print a DAS bearer token, signed with the scenario's key, so a client
under test is configured in one step.

Usage:
  partner-sandbox token das --permissions ReadApprenticeshipEvent,StoreApprenticeshipEvent [options]
  partner-sandbox token das --all

Options:
  --permissions P   roles for the token's data claim, comma- or space-separated, repeatable:
                    ${PERMISSIONS.join(', ')}
  --all             every permission above
  --expires-in D    lifetime, e.g. 1h or 7d (default: the scenario's das.tokenTtl)
  --scenario FILE   whose signing key, issuer and audience to use (default: SANDBOX_SCENARIO or
                    scenarios/default.yaml); the token is valid from the scenario's clock start, or now
The token goes to standard output alone; what it allows and until when goes to standard error.
`

/** `partner-sandbox token das …`; returns the exit code. */
export async function dasTokenCommand(argv: string[], partners: readonly AnyPartner[], defaultScenario: string, now: number): Promise<number> {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        permissions: { type: 'string', multiple: true },
        all: { type: 'boolean' },
        'expires-in': { type: 'string' },
        scenario: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nRun partner-sandbox token das --help.\n`)
    return 2
  }
  if (values.help) return void process.stdout.write(HELP), 0
  const permissions = values.all ? [...PERMISSIONS] : (values.permissions ?? []).flatMap((p) => p.split(/[\s,]+/)).filter(Boolean)
  if (permissions.length === 0) {
    process.stderr.write('give --permissions (or --all): a token without permissions is refused by every call\n')
    return 2
  }
  const unknown = permissions.filter((p) => !PERMISSIONS.some((known) => known.toLowerCase() === p.toLowerCase()))
  if (unknown.length > 0) process.stderr.write(`warning: the service knows no permission ${unknown.join(', ')}\n`)
  const expires = values['expires-in'] !== undefined ? duration.safeParse(values['expires-in']) : undefined
  if (expires && !expires.success) {
    process.stderr.write(`--expires-in: ${expires.error.issues[0]?.message}\n`)
    return 2
  }
  const file = values.scenario ?? (process.env.SANDBOX_SCENARIO || defaultScenario)
  let scenario
  try {
    scenario = await loadScenarioFile(scenarioSchema(partners), file)
  } catch (error) {
    process.stderr.write(error instanceof ScenarioError ? `${error.message}\n` : `${(error as Error).message}\n`)
    return 1
  }
  const config = scenario.partners.das as DasConfig
  const at = scenario.clock.start !== undefined ? Date.parse(scenario.clock.start) : now
  const minted = mintToken(config, { permissions, now: at, expiresIn: expires?.data ?? config.tokenTtl })
  process.stdout.write(`${minted.token}\n`)
  process.stderr.write(`DAS token for ${permissions.join(' ')}; issuer ${minted.issuer}, audience ${minted.audience}, expires ${minted.expiresAt}\n`)
  return 0
}
