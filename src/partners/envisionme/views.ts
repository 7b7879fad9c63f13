import { seedOf } from '../../core/random.js'
import type { Job } from './fixtures.js'
import type { TermResult } from './search.js'
import type { BillingClient, Charge, EnvisionmeStore, TokenGrant } from './store.js'

/** Wire formats, apart from behaviour: jobs and terms as the document's JSON, billing's
 *  arrays-of-strings, the token inspection answer. */

/** A job with the document's fields in the document's order; `mxit` stays inside. */
export function jobJson(job: Job): Record<string, unknown> {
  const out: Record<string, unknown> = {
    nid: job.nid,
    title: job.title,
    searchable_title: job.searchable_title,
    status: job.status,
    reference: job.reference,
    type: job.type,
    position: job.position,
    created: job.created,
    uid: job.uid,
    company_uid: job.company_uid,
    author_name: job.author_name,
    company_logo: job.company_logo,
    company_name: job.company_name,
    job_description: job.job_description,
    salary: job.salary,
  }
  if (job.salary_currency !== undefined) out.salary_currency = job.salary_currency
  if (job.salary_type !== undefined) out.salary_type = job.salary_type
  out.city = job.city
  out.province_name = job.province_name
  out.country_name = job.country_name
  return out
}

/** The Elasticsearch search response the document shows for `GET /term`. */
export function termsJson(result: TermResult, queryKey: string): Record<string, unknown> {
  return {
    // Elasticsearch's own timing; here a small number drawn from the query, so bytes repeat.
    took: 1 + (seedOf(queryKey) % 9),
    timed_out: false,
    _shards: { total: 1, successful: 1, failed: 0 },
    hits: {
      total: result.total,
      max_score: result.maxScore,
      hits: result.hits.map(({ term, score }) => ({
        _index: 'terms_v1',
        _type: 'term',
        _id: String(term.tid),
        _score: result.sortedBy ? null : score,
        _source: { _id: term.tid, name: term.name, synonyms: term.synonyms, tid: term.tid, vid: term.vid },
        ...(result.sortedBy ? { sort: [result.sortedBy === 'tid' ? term.tid : term.name] } : {}),
      })),
    },
  }
}

/** `2015-07-06T10:17:49+00:00`, the billing server's dates. */
export function billingDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

const s = (v: string | number) => [String(v)]

export function registeredJson(client: BillingClient, created: boolean): Record<string, string[]> {
  return {
    response_code: s(created ? '101' : '102'),
    response_text: s(created ? 'Client registered.' : 'Client updated.'),
    client_id: s(client.client_id),
  }
}

/** The document's answer to `POST /charge`, its "Subscription created." text included. */
export function chargeCreatedJson(charge: Charge, redirect: string): Record<string, string[]> {
  return {
    response_code: s('100'),
    response_text: s('Subscription created.'),
    not_completed: s(''),
    redirect: s(redirect),
    charge_id: s(charge.id),
    amount: s(charge.amount),
  }
}

export function chargeJson(charge: Charge, gatewayId: string): Record<string, unknown> {
  return {
    id: s(charge.id),
    gateway_id: s(gatewayId),
    date: s(billingDate(charge.createdAt)),
    amount: s(charge.amount),
    // PayFast never tells the merchant the card, so this stays empty as in the document.
    card_last_four: s(''),
    status: s(charge.status),
    refunded: s('0'),
    type: s('single_charge'),
    coupon: s(''),
    customer: [
      {
        id: s(charge.id),
        internal_id: s(charge.internalId),
        first_name: s(charge.firstName),
        last_name: s(charge.lastName),
        company: s(''),
        address_1: s(''),
        address_2: s(''),
        city: s(''),
        state: s(''),
        country: s(''),
        postal_code: s(''),
        email: s(charge.email),
        phone: s(''),
        date_created: s(billingDate(charge.createdAt)),
        status: s('active'),
      },
    ],
  }
}

/** The inspection endpoint's answer, shaped after Facebook's `debug_token`, whose login documentation
 *  the seed document follows word for word. Times are Unix seconds; 0 means never. */
export function inspectionJson(store: EnvisionmeStore, grant: TokenGrant | undefined, problem: string | undefined): Record<string, unknown> {
  if (!grant) return { data: { is_valid: false, error: { message: problem ?? 'unknown token' } } }
  const client = store.clients.get(grant.clientId)
  const user = store.userByUid(grant.uid)
  return {
    data: {
      app_id: grant.clientId,
      application: client ? store.clientName(client) : `App ${grant.clientId}`,
      user_id: grant.uid,
      ...(user ? { username: user.username } : {}),
      type: 'USER',
      is_valid: problem === undefined,
      issued_at: Math.floor(grant.issuedAt / 1000),
      expires_at: grant.expiresAt === null ? 0 : Math.floor(grant.expiresAt / 1000),
      ...(problem !== undefined ? { error: { message: problem } } : {}),
    },
  }
}
