/** A sandbox serving only the test partner `echo`, for measuring what the core costs a request:
 *  `npx tsx bench/lib/echo-server.ts` prints its URL. */
import { startSandbox } from '../../src/sandbox.js'
import { echo } from '../../test/support/echo-partner.js'

const sb = await startSandbox({ partners: [echo], port: Number(process.env.PORT ?? 0) })
process.stdout.write(`${sb.url}\n`)
process.on('SIGTERM', () => void sb.close().then(() => process.exit(0)))
