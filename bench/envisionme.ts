/** How long the envisionme partner takes per call, over a real socket, for the default-sized data and
 *  for the largest catalogue a scenario may ask for (100,000 jobs and terms), where every filtered call
 *  scans the catalogue. Run: npx tsx bench/envisionme.ts */
import { startSandbox } from '../src/sandbox.js'
import { envisionme } from '../src/partners/envisionme/index.js'

const ROUNDS = 20

async function time(label: string, url: string, init?: RequestInit): Promise<void> {
  await (await fetch(url, init)).arrayBuffer() // warm up
  const started = performance.now()
  let bytes = 0
  for (let i = 0; i < ROUNDS; i++) {
    const res = await fetch(url, init)
    bytes = (await res.arrayBuffer()).byteLength
    if (res.status >= 400) throw new Error(`${label}: ${res.status}`)
  }
  const ms = (performance.now() - started) / ROUNDS
  console.log(`${label.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms/call  ${bytes} bytes`)
}

for (const size of [40, 100_000]) {
  const sb = await startSandbox({
    partners: [envisionme],
    scenario: { partners: { envisionme: { requireToken: false, jobs: { generate: size }, terms: { generate: size } } } },
  })
  const base = `${sb.url}/envisionme`
  console.log(`-- ${size} jobs, ${size} terms`)
  await time('GET /job (first page)', `${base}/job`)
  await time('GET /job?skip=20&limit=10 (early page)', `${base}/job?skip=20&limit=10`)
  await time('GET /job?count=true', `${base}/job?count=true`)
  await time('GET /job?province=Gauteng&search=developer', `${base}/job?province=Gauteng&search=developer&limit=50`)
  await time('GET /jobs/{nid}', `${base}/jobs/${Math.min(size, 37)}`)
  await time('GET /term?q=test&vid=27', `${base}/term?q=test&vid=27`)
  await time('GET /oauth/authorize (dialog page)', `${base}/oauth/authorize?client_id=10&redirect_uri=http://localhost:3000/callback`)
  await sb.close()
}
