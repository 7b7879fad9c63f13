import type { Job } from './fixtures.js'
import type { JobListQuery, TermQuery, TermRecord } from './schema.js'
import { wordsOf, type IndexedTerm, type JobCatalog, type TermVocabulary } from './store.js'

/** `GET /job`'s filters, all combined with AND. `status` follows the document's words, "Whether the jobs
 *  to be retrieved should be active or expired. Choices: 0 1", in that order: 0 (the default) lists
 *  active jobs, whose own `status` is 1 as in the document's example, and 1 lists expired ones. */
export function jobMatcher(q: JobListQuery): (job: Job) => boolean {
  const wantStatus = q.status === '0' ? 1 : 0
  const nids = q.nids ? new Set(q.nids) : undefined
  const words = q.search ? wordsOf(q.search) : []
  return (job) =>
    job.status === wantStatus &&
    (q.company_uid === undefined || job.company_uid === q.company_uid) &&
    (q.uid === undefined || job.uid === q.uid) &&
    (q.province === undefined || job.province_name === q.province) &&
    (q.mxit === undefined || job.mxit === q.mxit) &&
    (nids === undefined || nids.has(job.nid)) &&
    (words.length === 0 || matchesAll(job, words))
}

// A search matches when every word appears in the title, position, company or description.
function matchesAll(job: Job, words: string[]): boolean {
  const haystack = `${job.searchable_title} ${job.position} ${job.company_name} ${job.job_description}`.toLowerCase()
  return words.every((w) => haystack.includes(w))
}

/** One page of matching jobs, or their count (which ignores limit and skip). */
export function listJobs(catalog: JobCatalog, q: JobListQuery): { count: number } | Job[] {
  const match = jobMatcher(q)
  if (q.count) {
    let count = 0
    for (const job of catalog.all()) if (match(job)) count++
    return { count }
  }
  const page: Job[] = []
  let skipped = 0
  if (q.limit === 0) return page
  for (const job of catalog.all()) {
    if (!match(job)) continue
    if (skipped < q.skip) {
      skipped++
      continue
    }
    page.push(job)
    if (page.length >= q.limit) break
  }
  return page
}

export interface ScoredTerm {
  term: TermRecord
  score: number
}

export interface TermResult {
  total: number
  maxScore: number | null
  hits: ScoredTerm[]
  sortedBy: 'name' | 'tid' | undefined
}

/** An Elasticsearch `match` on name and synonyms, roughly: each query word found as a whole word in
 *  the name counts most, a prefix less, a synonym less again, and short names weigh more (Lucene's
 *  length norm). Any one word matching is enough (a match query ORs its terms). */
export function searchTerms(vocab: TermVocabulary, q: TermQuery): TermResult {
  const query = wordsOf(q.q)
  const scored: ScoredTerm[] = []
  for (const entry of vocab.inVocabulary(q.vid)) {
    const score = scoreTerm(entry, query)
    if (score > 0) scored.push({ term: entry.term, score })
  }
  let maxScore: number | null = scored.reduce((m, s) => Math.max(m, s.score), 0)
  if (q.orderBy) {
    // Sorting on a field, Elasticsearch stops scoring: `_score` and `max_score` are null.
    const dir = q.asc === false ? -1 : 1
    const key = q.orderBy
    scored.sort((a, b) => dir * (key === 'tid' ? a.term.tid - b.term.tid : a.term.name.localeCompare(b.term.name, 'en') || a.term.tid - b.term.tid))
    maxScore = null
  } else {
    scored.sort((a, b) => b.score - a.score || a.term.tid - b.term.tid)
  }
  return { total: scored.length, maxScore, hits: scored.slice(q.skip, q.skip + q.limit), sortedBy: q.orderBy }
}

function scoreTerm({ name, synonyms }: IndexedTerm, query: string[]): number {
  let score = 0
  for (const w of query) {
    if (name.includes(w)) score += 2
    else if (name.some((n) => n.startsWith(w))) score += 1
    else if (synonyms.includes(w)) score += 0.8
    else if (synonyms.some((s) => s.startsWith(w))) score += 0.4
  }
  if (score === 0) return 0
  // Float32-like precision, as Elasticsearch prints scores (4.8519278).
  return Number(((score * 2.4) / Math.sqrt(name.length)).toPrecision(8))
}
