import { Recent } from '../../core/memo.js'
import type { Operation } from './fields.js'
import type { XmlElement } from './xml.js'

/** At most this many of each kind are remembered (see `Recent` in core/memo.ts). */
export const KEPT = 64

/** A request body's envelope, as routes.ts reads it. */
export interface Envelope {
  header: XmlElement | undefined
  operation: XmlElement
  /** The method's parameters, read on first use. */
  params?: Readonly<Record<string, string>>
  /** The method the body element names (null: none of the service's), found on first use. */
  named?: Operation | null
}

/** A request's Content-Type as the service reads it: the SOAP action it names, or why it is refused. */
export interface SoapType {
  action: string | undefined
  refusal: string | undefined
}

/** What the routes work out from a request's text alone: a path's normal form, a Content-Type's
 *  verdict, the token in an Authorization header, a small body's envelope. A client repeats the same
 *  few, so each is remembered, once per sandbox (the sessions share it: it holds nothing of theirs, and
 *  what it holds is only ever read). */
export class ParsedText {
  /** A request's path as the routes compare it (see `normal` in routes.ts). */
  readonly paths = new Recent<string, string>(KEPT)
  readonly contentTypes = new Recent<string, Readonly<SoapType>>(KEPT)
  /** '' when the header holds no bearer token. */
  readonly bearers = new Recent<string, string>(KEPT)
  readonly envelopes = new Recent<string, Envelope>(KEPT)
  /** The last body read and its envelope: a client calling in a loop sends the same bytes, which are
   *  compared more cheaply than they are decoded and looked up. */
  last: { bytes: Uint8Array; envelope: Envelope } | undefined
}
