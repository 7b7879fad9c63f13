import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadScenarioFile, parseScenario, parseScenarioText, ScenarioError, scenarioSchema } from '../../src/core/scenario.js'
import { echo } from '../support/echo-partner.js'
import { partners } from '../../src/partners/index.js'
import { SCHEMA_FILE, schemaText } from '../../src/tools/write-schema.js'

const schema = scenarioSchema([echo])

function problemsOf(run: () => unknown) {
  try {
    run()
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems
    throw error
  }
  throw new Error('expected a ScenarioError')
}

describe('scenario schema', () => {
  it('fills every default from an empty scenario', () => {
    const s = parseScenario(schema, {})
    expect(s).toMatchObject({
      name: 'unnamed',
      seed: 1,
      clock: { frozen: false },
      partners: { echo: { greeting: 'hello', ttl: 3_600_000, items: [] } },
      faults: [],
      timeline: [],
      limits: { sessions: 1_000, journal: 10_000 },
    })
    expect(parseScenario(schema, { partners: { echo: {} } }).partners.echo).toEqual({ greeting: 'hello', ttl: 3_600_000, items: [] })
  })

  it('reads YAML and JSON alike, durations included', () => {
    const fromYaml = parseScenarioText(schema, 'name: y\npartners:\n  echo: { ttl: 61m }\n')
    const fromJson = parseScenarioText(schema, '{"name":"y","partners":{"echo":{"ttl":"61m"}}}')
    expect(fromYaml).toEqual(fromJson)
    expect((fromYaml.partners.echo as { ttl: number }).ttl).toBe(61 * 60_000)
  })

  it('lists every problem with its path, not just the first', () => {
    const problems = problemsOf(() =>
      parseScenario(schema, {
        seed: 'x',
        clock: { start: 'yesterday' },
        partners: { echo: { ttl: '5 minutes', colour: 'red' }, nobody: {} },
        faults: [{ partner: 'echo' }, { partner: 'ghost', respond: {} }],
        timeline: [{ at: 'soon', do: 'echo.add' }, { at: '+1h', do: 'echo.vanish' }, { at: '+1h', do: 'echo.add', with: { name: 3 } }],
        listen: { echo: 99999 },
      }),
    )
    const paths = problems.map((p) => p.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'seed',
        'clock.start',
        'partners.echo.ttl',
        'partners.echo',
        'partners',
        'faults.0',
        'faults.1.partner',
        'timeline.0.at',
        'timeline.1.do',
        'timeline.2.with.name',
        'listen.echo',
      ]),
    )
    expect(problems.find((p) => p.path === 'partners.echo.ttl')?.message).toMatch(/not a duration/)
    expect(problems.find((p) => p.path === 'faults.0')?.message).toMatch(/needs an action/)
    expect(problems.find((p) => p.path === 'partners')?.message).toMatch(/nobody/)
  })

  it('names the file in every problem, and says when the file is not YAML or cannot be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-'))
    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, 'seed: -4\nclock: { frozen: maybe }\n')
    const error = await loadScenarioFile(schema, bad).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ScenarioError)
    expect((error as Error).message).toContain(`${bad}: seed:`)
    expect((error as Error).message).toContain(`${bad}: clock.frozen:`)

    writeFileSync(bad, 'seed: [unclosed\n')
    expect(((await loadScenarioFile(schema, bad).catch((e: unknown) => e)) as ScenarioError).problems[0]?.message).toMatch(/not YAML or JSON/)
    expect(((await loadScenarioFile(schema, join(dir, 'none.yaml')).catch((e: unknown) => e)) as ScenarioError).problems[0]?.message).toMatch(/ENOENT/)
  })

  it('refuses YAML alias bombs rather than expanding them', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n')
    const problems = problemsOf(() => parseScenarioText(schema, bomb))
    expect(problems[0]?.message).toMatch(/not YAML or JSON|alias/i)
  })

  it('refuses absurdly nested text before the YAML parser sees it (100,000 brackets ran it out of memory)', () => {
    for (const text of ['{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), '['.repeat(200_000) + ']'.repeat(200_000)]) {
      expect(problemsOf(() => parseScenarioText(schema, text))[0]?.message).toMatch(/nested \d+ levels deep; a scenario nests at most 64/)
    }
    // JSON goes through JSON.parse; YAML's flow style, which starts the same way, still reads.
    expect(parseScenarioText(schema, '{name: flow, seed: 3}')).toMatchObject({ name: 'flow', seed: 3 })
    expect(parseScenarioText(schema, '{"name": "json", "seed": 4}')).toMatchObject({ name: 'json', seed: 4 })
  })

  it('scenarios/scenario.schema.json is what `npm run schema` writes now', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'run `npm run schema` and commit the result').toBe(schemaText())
  })

  it('every shipped scenario validates against the real partners', async () => {
    const real = scenarioSchema(partners)
    const { readdirSync } = await import('node:fs')
    const dir = join(SCHEMA_FILE, '..')
    const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'scenario.schema.json')
    expect(files).toContain('default.yaml')
    for (const file of files) await expect(loadScenarioFile(real, join(dir, file))).resolves.toBeTruthy()
  })
})
