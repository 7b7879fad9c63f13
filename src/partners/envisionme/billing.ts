import type { Context, Hono } from 'hono'
import type { PartnerEnv } from '../../core/partner.js'
import { refuse } from '../../core/partner.js'
import { BILLING_CODES, billingError, onBillingInvalid, onPageInvalid, pageError, validate, validateParams } from './errors.js'
import { appendTo, seeOther } from './oauth.js'
import { paymentDone, paymentPage } from './pages.js'
import { chargeIdParam, chargeParams, getChargeQuery, paymentForm, registerClientParams } from './schema.js'
import type { Charge, EnvisionmeStore } from './store.js'
import { chargeCreatedJson, chargeJson, registeredJson } from './views.js'

type Env = PartnerEnv<EnvisionmeStore>

/** The document's billing server (register client, charge, get charge) and the PayFast page a
 *  charge's `redirect` sends the customer to, at the document's `/callback/payfast/form_redirect/{id}`. */
export function billingRoutes(app: Hono<Env>): void {
  app.post('/register-client', validateParams(registerClientParams, onBillingInvalid), (c) => {
    const { client, created } = c.get('state').billing.register(c.req.valid('query'))
    // The document's example answer here is a copy of the terms response, a mistake; the billing
    // server's own style is used instead.
    return billingJson(c, registeredJson(client, created))
  })

  app.post('/charge', validateParams(chargeParams, onBillingInvalid), (c) => {
    const p = c.req.valid('query')
    const billing = c.get('state').billing
    if (!billing.clients.has(p.client_id)) {
      throw billingError(400, BILLING_CODES.unknownClient, `client_id ${p.client_id} is not registered on the billing server: POST /register-client first.`)
    }
    const charge = billing.charge({
      clientId: p.client_id,
      gatewayMode: p.gateway_mode === '1' ? 1 : 0,
      amount: Number(p.amount).toFixed(2),
      internalId: p.internal_id,
      firstName: p.first_name,
      lastName: p.last_name,
      email: p.email,
      returnUrl: p.return_url,
      cancelUrl: p.cancel_url,
    })
    return billingJson(c, chargeCreatedJson(charge, payUrl(c.get('baseUrl'), charge.id)))
  })

  app.get('/charge', validate('query', getChargeQuery, onBillingInvalid), (c) => {
    const q = c.req.valid('query')
    const billing = c.get('state').billing
    if (!billing.clients.has(q.client_id)) {
      throw billingError(400, BILLING_CODES.unknownClient, `client_id ${q.client_id} is not registered on the billing server: POST /register-client first.`)
    }
    const charge = billing.charges.get(q.charge_id)
    // Another client's charge is as unknown as a missing one.
    if (!charge || charge.clientId !== q.client_id) {
      throw billingError(404, BILLING_CODES.unknownCharge, `There is no charge ${q.charge_id} for client_id ${q.client_id}.`)
    }
    return billingJson(c, chargeJson(charge, billing.config.gatewayId))
  })

  app.get('/callback/payfast/form_redirect/:id', validate('param', chargeIdParam, onPageInvalid), (c) => {
    const billing = c.get('state').billing
    const charge = pendingOrShown(c, c.req.valid('param').id)
    if (charge instanceof Response) return charge
    const client = billing.clients.get(charge.clientId)
    const mode = billing.config.paymentPage
    if (mode === 'auto-pay') return pay(c, charge)
    if (mode === 'auto-cancel') return cancel(c, charge)
    return paymentPage({
      action: payUrl(c.get('baseUrl'), charge.id),
      chargeId: charge.id,
      amount: charge.amount,
      merchant: client?.company ?? `Client ${charge.clientId}`,
      customer: `${charge.firstName} ${charge.lastName}`,
      email: charge.email,
    })
  })

  app.post(
    '/callback/payfast/form_redirect/:id',
    validate('param', chargeIdParam, onPageInvalid),
    validate('form', paymentForm, onPageInvalid),
    (c) => {
      const charge = c.get('state').billing.charges.get(c.req.valid('param').id)
      if (!charge) throw pageError(404, 'No such payment', `There is no charge ${c.req.valid('param').id}.`)
      if (charge.status !== 'pending') {
        throw pageError(409, 'This payment is closed', `Charge ${charge.id} is ${charge.status} already; it cannot be paid or cancelled again.`)
      }
      return c.req.valid('form').decision === 'pay' ? pay(c, charge) : cancel(c, charge)
    },
  )
}

export function payUrl(baseUrl: string, id: number): string {
  return `${baseUrl}/callback/payfast/form_redirect/${id}`
}

/** The pending charge, or a page saying what became of it (a customer pressing Back after paying). */
function pendingOrShown(c: Context<Env>, id: number): Charge | Response {
  const charge = c.get('state').billing.charges.get(id)
  if (!charge) throw pageError(404, 'No such payment', `There is no charge ${id}.`)
  if (charge.status === 'ok') return paymentDone(200, 'Payment complete', `Charge ${charge.id} of R ${charge.amount} is paid.`, returnUrl(charge))
  if (charge.status === 'failed') return paymentDone(200, 'Payment declined', `Charge ${charge.id} was declined.`, charge.cancelUrl)
  if (charge.status === 'cancelled') return paymentDone(200, 'Payment cancelled', `Charge ${charge.id} was cancelled.`, charge.cancelUrl)
  return charge
}

/** Pay: the scenario's rules decide; approved goes to return_url with charge_id ("charge_id will be
 *  added to query string when returning to this URL", seed 001), declined to cancel_url. */
function pay(c: Context<Env>, charge: Charge): Response {
  const billing = c.get('state').billing
  if (billing.outcomeOf(charge) === 'decline') {
    billing.settle(charge, 'failed')
    refuse(c, `charge ${charge.id} of ${charge.amount} declined by a billing rule`)
    return seeOther(c, charge.cancelUrl)
  }
  billing.settle(charge, 'ok')
  return seeOther(c, returnUrl(charge))
}

function cancel(c: Context<Env>, charge: Charge): Response {
  c.get('state').billing.settle(charge, 'cancelled')
  return seeOther(c, charge.cancelUrl)
}

function returnUrl(charge: Charge): string {
  return appendTo(charge.returnUrl, { charge_id: String(charge.id) })
}

function billingJson(c: Context<Env>, body: unknown): Response {
  return c.body(JSON.stringify(body), 200, { 'content-type': 'application/json; charset=utf-8' })
}
