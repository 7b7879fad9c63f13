import { request as httpRequest } from 'node:http'

/** A raw HTTP exchange that reports what the socket did, for faults that drop or truncate. */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status?: number; body: string; error?: string; declared?: number }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), declared: Number(res.headers['content-length']) }))
      res.on('error', (e) => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), error: e.message, declared: Number(res.headers['content-length']) }))
      res.on('aborted', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), error: 'aborted', declared: Number(res.headers['content-length']) }))
    })
    req.on('error', (e) => resolve({ body: '', error: e.message }))
    req.end()
  })
}
