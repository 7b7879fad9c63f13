import { controlError } from '../../control/errors.js'

/** Refusals of the Apna control calls, in the control API's one form `{ error: { code, message } }`.
 *  The message goes to the client, the journal and, for a timeline step, its status. */
const apnaError = controlError

export const noTarget = () =>
  apnaError(409, 'no_target', 'Apna has no target to push to: PUT /__sandbox/apna/target {"url": "http://…", "auth": {…}} or set partners.apna.target.url in the scenario')

export const queueFull = (asked: number, free: number, limit: number) =>
  apnaError(
    429,
    'queue_full',
    `the Apna queue is full: ${asked} application${asked === 1 ? '' : 's'} asked, ${free} of ${limit} places free (queued, sending and retrying deliveries count; partners.apna.queueLimit). The receiver is slower than the pushes: wait for deliveries to finish (GET /__sandbox/apna/deliveries?wait=10s) or push fewer`,
  )

export const deliveryNotFound = (id: string, session: string) => apnaError(404, 'not_found', `no delivery ${id} in session ${session}'s Apna log`)

export const stillInProgress = (id: string, state: string) =>
  apnaError(409, 'in_progress', `delivery ${id} is still ${state}: redeliver it once it is delivered or failed`)

/** Apna has no API the client calls (seed 003: "There is no ready API for posting a job on Apna"). */
export const outboundOnly = {
  error: 'Apna is outbound only: the sandbox POSTs applications to your endpoint. Point it there with PUT /__sandbox/apna/target and push with POST /__sandbox/apna/applications',
}
