// The limit to measure against: node:http sending prebuilt bytes, nothing else. Reads the responses
// to serve (path+query -> status, headers, body) from the file named in argv[2], answers every request
// for an unknown path with the first one, and prints its port.
import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'

const table = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const routes = new Map(Object.entries(table).map(([key, r]) => [key, { status: r.status, headers: { ...r.headers, 'content-length': String(Buffer.byteLength(Buffer.from(r.body, 'base64'))) }, body: Buffer.from(r.body, 'base64') }]))
const first = routes.values().next().value
const server = createServer((req, res) => {
  const r = routes.get(req.url) ?? first
  req.resume()
  res.writeHead(r.status, r.headers)
  res.end(r.body)
})
server.keepAliveTimeout = 65_000
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`))
process.on('SIGTERM', () => process.exit(0))
