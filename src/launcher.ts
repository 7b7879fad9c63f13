/** What `partner-sandbox` (dist/main.js) runs: the CLI bundle (dist/cli.cjs), compiled with the code
 *  cache that `npm run build` made by starting it once (dist/cli.cjs.cache).
 *
 *  Why: V8 compiling the bundle, and then each function the start-up runs, was about a fifth of the time
 *  from the command to a healthy sandbox. Node 20 has no compile cache for ES modules
 *  (module.enableCompileCache came in 22), so the CLI is bundled as CommonJS and compiled here with
 *  vm.Script's cachedData. A missing, stale or rejected cache (another Node, other flags) costs only the
 *  time it would have saved: the source is compiled as usual.
 *
 *  No V8 flag is set here: V8 accepts a code cache only under the flags it was made with, and that holds
 *  for Node's own, built into the binary for its built-in modules (node:http, the undici behind
 *  Response...). With a flag set before they load, Node compiled them from source: 186 million
 *  instructions, about 30 ms of every start. The CLI sets its flags once it is serving (main.ts). */
import { closeSync, fstatSync, openSync, read, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'

const dir = dirname(fileURLToPath(import.meta.url))
const filename = join(dir, 'cli.cjs')
const cacheFile = `${filename}.cache`
// Both files are read on libuv's thread pool while this thread loads what the bundle's first modules
// need (@hono/node-server: node:http, and undici behind Response), some 35 ms it would spend anyway: on
// this host a read of the 0.8 MB files takes 4 ms each.
const reads = Promise.all([readInBackground(cacheFile), readInBackground(filename)])
const require = createRequire(filename)
require('node:http')
void globalThis.Response
const [cachedData, bytes] = await reads
if (bytes === undefined) throw new Error(`cannot read ${filename}: run npm run build`)
// The same wrapper Node gives a CommonJS module; the bundle's first line (#!) is not JavaScript. The
// bundle is ASCII (see bundle.ts), so Latin-1 decodes it as UTF-8 would, and more cheaply.
const source = bytes.toString('latin1').replace(/^#!.*/, '')
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename, ...(cachedData ? { cachedData } : {}) })
// `npm run build` sets this to make the cache: written as the process ends, so it holds every function
// that start-up and shutdown compiled.
if (process.env.PARTNER_SANDBOX_WRITE_CODE_CACHE === '1') process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()))
// Why a start is slow, for a user or a test: whether V8 took the cache.
if (process.env.PARTNER_SANDBOX_CODE_CACHE_REPORT === '1') process.stderr.write(`code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used'}\n`)
const module = { exports: {} }
;(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, filename, dir)

/** A file's bytes, read off this thread; undefined when it cannot be read (no cache: the bundle is then
 *  compiled as usual). */
function readInBackground(file: string): Promise<Buffer | undefined> {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return Promise.resolve(undefined)
  }
  let bytes: Buffer
  try {
    bytes = Buffer.allocUnsafe(fstatSync(fd).size)
  } catch {
    closeSync(fd)
    return Promise.resolve(undefined)
  }
  return new Promise((resolve) => {
    const more = (offset: number) =>
      read(fd, bytes, offset, bytes.length - offset, offset, (error, n) => {
        if (!error && n > 0 && offset + n < bytes.length) return more(offset + n)
        closeSync(fd)
        resolve(error || offset + n !== bytes.length ? undefined : bytes)
      })
    more(0)
  })
}
