/** `npm run build`'s second step: the CLI as one file, and a code cache for it. Node then reads one
 *  module instead of some two hundred, which halves the time from `partner-sandbox` to a healthy
 *  sandbox, and V8 compiles little of it (see launcher.ts). The library entry (dist/index.js) stays
 *  tsc's output, with its types. */
import { build, type BuildOptions } from 'esbuild'
import { spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
  // Without comments and indentation, and so pure ASCII (esbuild escapes the rest), Node decodes the
  // file as one-byte text and V8 scans a third less. Names stay, for stack traces.
  minifyWhitespace: true,
}

// The CLI, as CommonJS so that the launcher can compile it with a code cache. jsonwebtoken and
// xmlbuilder2 are not bundled: core/lazy.ts loads them from node_modules when first needed, which keeps
// them out of start-up.
await build({
  ...common,
  entryPoints: [`${root}/src/main.ts`],
  outfile: `${root}/dist/cli.cjs`,
  format: 'cjs',
  sourcemap: true,
  define: { 'import.meta.url': '__sandboxUrl' },
  banner: { js: "const __sandboxUrl = require('node:url').pathToFileURL(__filename).href;" },
})
// `partner-sandbox` itself (package.json's bin): the launcher, over tsc's dist/main.js.
await build({ ...common, entryPoints: [`${root}/src/launcher.ts`], outfile: `${root}/dist/main.js`, format: 'esm', banner: { js: '#!/usr/bin/env node' } })

// The cache is made by starting the sandbox once, as a user would, asking it whether it is healthy
// (so the request path is compiled too, and in the cache), and stopping it.
const cache = `${root}/dist/cli.cjs.cache`
rmSync(cache, { force: true })
const made = await new Promise<boolean>((resolve) => {
  const child = spawn(process.execPath, [`${root}/dist/main.js`, '--port', '0', '--host', '127.0.0.1', '--scenario', `${root}/scenarios/default.yaml`], {
    env: { ...process.env, PARTNER_SANDBOX_WRITE_CODE_CACHE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let asked = false
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  child.stdout.on('data', (d: Buffer) => {
    out += d
    const base = /control API\s+(http:\/\/\S+)\/__sandbox/.exec(out)?.[1]
    if (base === undefined || asked) return
    asked = true
    void fetch(`${base}/__sandbox/health`).then((r) => r.arrayBuffer(), () => undefined).finally(() => child.kill('SIGTERM'))
  })
  child.stderr.on('data', (d: Buffer) => (out += d))
  child.on('exit', () => {
    clearTimeout(timer)
    if (!existsSync(cache)) process.stderr.write(`bundle: no code cache made (the CLI starts without one, only slower):\n${out}\n`)
    resolve(existsSync(cache))
  })
})
if (!made) rmSync(cache, { force: true })
