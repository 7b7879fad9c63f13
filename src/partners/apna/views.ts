import { redactHeaders } from '../../core/redact.js'
import { authView } from './auth.js'
import type { ApnaTarget } from './schema.js'
import { payloadOf } from './payload.js'
import type { Delivery } from './store.js'

/** The delivery log's wire format for the control API and the events stream. */

export function deliverySummary(d: Delivery) {
  const last = d.attempts[d.attempts.length - 1]
  return {
    id: d.id,
    state: d.state,
    attempts: d.attemptCount,
    lastStatus: last?.status ?? null,
    nextAttemptAt: d.nextAttemptAt,
    full_name: deliveryName(d),
  }
}

export function deliveryView(d: Delivery, withPayload: boolean) {
  const last = d.attempts[d.attempts.length - 1]
  return {
    id: d.id,
    state: d.state,
    source: d.source,
    index: d.index,
    invalid: d.invalid,
    full_name: deliveryName(d),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    nextAttemptAt: d.nextAttemptAt,
    redeliveries: d.redeliveries,
    attemptCount: d.attemptCount,
    /** Whether the last successful answer was the document's {"status":"success",…}; null until delivered. */
    documentedResponse: d.state === 'delivered' && last ? last.documented : null,
    attempts: d.attempts,
    ...(withPayload ? { payload: payloadOf(d), body: d.body } : {}),
  }
}

export function targetView(target: ApnaTarget) {
  return { url: target.url ?? null, auth: authView(target.auth), headers: redactHeaders(Object.entries(target.headers)) }
}

/** The applicant's name in a delivery's body, or null when the body has none. */
export function deliveryName(d: Delivery): string | null {
  const name = (payloadOf(d) as { full_name?: unknown } | null)?.full_name
  return typeof name === 'string' ? name : null
}
