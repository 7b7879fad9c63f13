import type { AnyPartner } from '../core/partner.js'
import { apna } from './apna/index.js'
import { beoe } from './beoe/index.js'
import { cordell } from './cordell/index.js'
import { das } from './das/index.js'
import { envisionme } from './envisionme/index.js'

/** Every partner the sandbox serves, in banner order. A partner joins by being listed here; the core
 *  composes its scenario piece, routes, control calls and timeline actions from this list alone. */
export const partners: readonly AnyPartner[] = [beoe, envisionme, das, cordell, apna]
