/** `npm run build`'s second step: the CLI as one file. Node then reads one module instead of some two
 *  hundred, which halves the time from `partner-sandbox` to a healthy sandbox. The library entry
 *  (dist/index.js) stays tsc's output, with its types. */
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

await build({
  entryPoints: [`${root}/src/main.ts`],
  outfile: `${root}/dist/main.js`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'error',
  // CommonJS modules in the bundle (yaml's) call require() for Node's own modules; an ES module has none
  // of its own. jsonwebtoken and xmlbuilder2 are not bundled: core/lazy.ts loads them from node_modules
  // when first needed, which keeps them out of start-up.
  banner: { js: "import { createRequire as __sandboxRequire } from 'node:module'; const require = __sandboxRequire(import.meta.url);" },
})
