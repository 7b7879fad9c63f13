#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { setFlagsFromString } from 'node:v8'
import { CLI_V8_FLAGS } from './cli-flags.js'
import * as z from 'zod'
import { loadScenarioFile, ScenarioError, scenarioSchema } from './core/scenario.js'
import { checkApna } from './partners/apna/index.js'
import { dasTokenCommand } from './partners/das/cli.js'
import { partners } from './partners/index.js'
import { startSandbox } from './sandbox.js'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
// The packaged default, so the command works from any folder (and in the Docker image).
const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url))

const HELP = `partner-sandbox ${pkg.version}: one local server that stands in for five partner APIs
(BE&OE Foreign Jobs, envisionme, DAS Events, Cordell Costing, Apna) for development, CI and QA.

Usage:
  partner-sandbox [options]          start the sandbox
  partner-sandbox validate FILE...   check scenario files; lists every problem, exits 1 if any
  partner-sandbox token das --permissions P[,P…]
                                     print a signed DAS bearer token (token das --help)
  partner-sandbox check-apna URL [--auth …]
                                     run Apna's conformance checks against your receiver
                                     (partner-sandbox check-apna --help for its options)

Options (each has an environment twin):
  --scenario FILE   scenario to load, YAML or JSON     SANDBOX_SCENARIO  (default: scenarios/default.yaml)
  --port N          port to listen on, 0 for any free  PORT              (default: 4010)
  --host H          address to bind                    HOST              (default: 127.0.0.1; Docker: 0.0.0.0)
  --seed N          override the scenario's seed       SANDBOX_SEED
  --admin-token T   require Bearer T on /__sandbox     SANDBOX_ADMIN_TOKEN
  --state-dir DIR   keep every session in DIR across   SANDBOX_STATE_DIR
                    restarts (each write is on disk before it is answered)
  -h, --help        this text
  -v, --version     the version

Once it runs, every partner is served under its prefix on one port (http://127.0.0.1:4010/beoe, ...),
the control API under /__sandbox, and its docs at /__sandbox/docs. Send X-Sandbox-Session: <id>
to give a test its own isolated world. Stop it with Ctrl+C (or SIGTERM): requests in flight finish.
`

const flags = z.object({
  scenario: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535),
  host: z.string().min(1),
  seed: z.coerce.number().int().nonnegative().optional(),
  adminToken: z.string().min(1).optional(),
  stateDir: z.string().min(1).optional(),
})

async function main(argv: string[]): Promise<number> {
  // Its own flags (--auth, --header …): parsed by the command itself.
  if (argv[0] === 'check-apna') return checkApna(argv.slice(1))
  if (argv[0] === 'token' && argv[1] === 'das') return dasTokenCommand(argv.slice(2), partners, DEFAULT_SCENARIO, Date.now())
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        scenario: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'admin-token': { type: 'string' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nRun partner-sandbox --help for the options.\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) return void process.stdout.write(HELP), 0
  if (values.version) return void process.stdout.write(`${pkg.version}\n`), 0

  if (positionals[0] === 'validate') return validate(positionals.slice(1))
  if (positionals.length > 0) {
    process.stderr.write(`unknown command "${positionals[0]}"\nRun partner-sandbox --help for the commands.\n`)
    return 2
  }

  // An empty variable (`-e SANDBOX_SEED=` in Docker) counts as unset.
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')) as NodeJS.ProcessEnv
  const options = flags.safeParse({
    scenario: values.scenario ?? env.SANDBOX_SCENARIO ?? DEFAULT_SCENARIO,
    port: values.port ?? env.PORT ?? 4010,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    seed: values.seed ?? env.SANDBOX_SEED,
    adminToken: values['admin-token'] ?? env.SANDBOX_ADMIN_TOKEN,
    stateDir: values['state-dir'] ?? env.SANDBOX_STATE_DIR,
  })
  if (!options.success) {
    for (const issue of options.error.issues) process.stderr.write(`--${issue.path.join('.')}: ${issue.message}\n`)
    return 2
  }
  const o = options.data

  let running
  try {
    running = await startSandbox({
      scenario: o.scenario,
      port: o.port,
      host: o.host,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.adminToken !== undefined ? { adminToken: o.adminToken } : {}),
      ...(o.stateDir !== undefined ? { stateDir: o.stateDir } : {}),
    })
  } catch (error) {
    if (error instanceof ScenarioError) process.stderr.write(`${error.message}\n`)
    else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') process.stderr.write(`port ${o.port} is in use: pick another with --port or PORT\n`)
    else process.stderr.write(`cannot start: ${(error as Error).message}\n`)
    return 1
  }

  // A server under a CI suite's load makes much short-lived garbage in the old generation (journal entries
  // shed, sessions deleted, large listings), and V8 lets the heap grow to several times what is live
  // before collecting it. Past 1.5 times, it collects: RSS stays near what the sandbox holds (the soak's
  // memory target), for a few more major collections. Only this process: the programmatic API leaves its
  // host's heap alone. Set only now that it serves: V8 takes a code cache only under the flags it was made
  // with, and Node's caches of its own modules, like the CLI's (launcher.ts), were made without this one;
  // the build's run that writes the CLI's cache leaves it unset for the same reason.
  if (process.env.PARTNER_SANDBOX_WRITE_CODE_CACHE !== '1') setFlagsFromString(CLI_V8_FLAGS)

  const scenario = running.sandbox.scenario()
  const clock = running.clock
  const lines = [
    `partner-sandbox ${pkg.version}: scenario "${scenario.name}" (seed ${scenario.seed}), clock ${new Date(clock.now()).toISOString()}${clock.frozen ? ' (frozen)' : ''}`,
  ]
  for (const partner of running.sandbox.partners) {
    const base = running.urlFor(partner.name)
    const extra = partner.banner?.(scenario.partners[partner.name], base) ?? []
    lines.push(`  ${partner.title.padEnd(24)} ${base}${extra.length ? `   ${extra.join('; ')}` : ''}`)
  }
  lines.push(`  ${'control API'.padEnd(24)} ${running.url}/__sandbox   docs: ${running.url}/__sandbox/docs${o.adminToken ? '   (needs the admin token)' : ''}`)
  if (running.sandbox.stateDir) {
    const saved = running.sandbox.stateDir.ids().length
    lines.push(`  ${'state dir'.padEnd(24)} ${o.stateDir}: ${saved} saved session${saved === 1 ? '' : 's'}, each restored on first use`)
  }
  lines.push('Ready. Ctrl+C stops it.')

  return new Promise<number>((resolve) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) {
        process.stderr.write(`${signal} again: exiting now\n`)
        return resolve(1)
      }
      stopping = true
      process.stdout.write(`${signal}: finishing requests in flight, then stopping\n`)
      running.close().then(() => resolve(0), () => resolve(1))
    }
    process.on('SIGTERM', () => stop('SIGTERM'))
    process.on('SIGINT', () => stop('SIGINT'))
    // Only now: a supervisor (or a test) that signals as soon as it reads "Ready" must find the handlers
    // in place, or the signal's default action kills the process without the orderly stop.
    process.stdout.write(`${lines.join('\n')}\n`)
  })
}

async function validate(files: string[]): Promise<number> {
  if (files.length === 0) {
    process.stderr.write('usage: partner-sandbox validate FILE...\n')
    return 2
  }
  const schema = scenarioSchema(partners)
  let failed = 0
  for (const file of files) {
    try {
      const scenario = await loadScenarioFile(schema, file)
      process.stdout.write(`${file}: ok (scenario "${scenario.name}")\n`)
    } catch (error) {
      failed++
      process.stderr.write(error instanceof ScenarioError ? `${error.problems.map((p) => `${file}: ${p.path}: ${p.message}`).join('\n')}\n` : `${file}: ${(error as Error).message}\n`)
    }
  }
  return failed > 0 ? 1 : 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
    process.exit(1)
  },
)
