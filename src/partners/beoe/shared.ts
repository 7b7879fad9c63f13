import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { AnswerCache } from '../../core/answer-cache.js'
import { buildPools, type Pools } from './fixtures.js'
import { ByteWriter } from './store.js'
import type { PartnerContext } from '../../core/partner.js'
import type { BeoeConfig } from './schema.js'

/** What the sessions of one sandbox may share because it is derived from the scenario alone: the RSA
 *  key pair, the word pools of a seed, and serialised pages of a job list no session has changed. It
 *  lives in the sandbox's memo keyed by the parsed config, so nothing crosses sandboxes or scenarios.
 *  Making a 2048-bit RSA pair costs 150-350 ms; doing it once per sandbox rather than per session keeps
 *  parallel test sessions quick. */
export function sharedFor(config: BeoeConfig, ctx: PartnerContext): Shared {
  return ctx.memo(config, 'shared', () => new Shared(config))
}

export interface KeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
  publicPem: string
}

const generate = promisify(generateKeyPair)

/** Serialised pages (whole bodies) may hold this much memory per sandbox; the least recently used
 *  page goes first. A 25,000-row page is about 11 MB (12 MB held), so two of them fit: a client reading
 *  one page again and again, or two clients on two pages, are served from memory; one paging through
 *  all 40 pages gains nothing from a bigger cache (each page is evicted before it is asked again),
 *  while every cached page adds to RSS. Small pages (100 jobs: 47 KB) fit by the hundred. */
export const PAGE_CACHE_BYTES = 32 * 1024 * 1024

/** The scratch writer is kept between pages up to this size (a 25,000-row page is about 12 MB); a
 *  bigger one, for a page of a huge pageSize, is let go after its page. */
const KEEP_SCRATCH_BYTES = 32 * 1024 * 1024

export class Shared {
  #keys: Promise<KeyPair> | undefined
  /** The private key in PKCS#8 PEM, once made or adopted. */
  #pem: string | undefined
  #pools = new Map<number, Pools>()
  readonly pages = new AnswerCache(PAGE_CACHE_BYTES)
  #scratch: ByteWriter | undefined

  constructor(private readonly config: BeoeConfig) {}

  /** Made on first use, off the event loop; the scenario's own key when it gives one. */
  keys(): Promise<KeyPair> {
    this.#keys ??= this.#makeKeys()
    return this.#keys
  }

  async #makeKeys(): Promise<KeyPair> {
    const privateKey = this.config.privateKey
      ? createPrivateKey(this.config.privateKey)
      : (await generate('rsa', { modulusLength: 2048 })).privateKey
    this.#pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    return pairOf(privateKey)
  }

  /** The key pair's private half when the sandbox generated it (not the scenario's own), once made:
   *  a session snapshot keeps it, so the tokens it signed still verify after a restart. */
  generatedKey(): string | undefined {
    return this.config.privateKey ? undefined : this.#pem
  }

  /** Takes `pem` as the key pair when none was made yet; false when another one exists (or is being
   *  made), and the caller must use a Shared of its own. */
  adoptKey(pem: string): boolean {
    const privateKey = createPrivateKey(pem)
    // Passport signs RS256: a key of another kind would make tokens no client could verify.
    if (privateKey.asymmetricKeyType !== 'rsa') throw new RangeError(`key: an RSA private key is needed, not ${privateKey.asymmetricKeyType ?? 'a secret key'}`)
    if (this.#keys === undefined) {
      this.#keys = Promise.resolve(pairOf(privateKey))
      this.#pem = pem
      return true
    }
    return this.#pem === pem
  }

  /** Bytes written by `fill` into the sandbox's scratch writer, copied out at their exact size. (Pages
   *  are made synchronously, so one writer serves every session.) */
  write(fill: (out: ByteWriter) => void): Buffer<ArrayBuffer> {
    const out = this.#scratch ?? new ByteWriter()
    this.#scratch = undefined
    out.reset()
    fill(out)
    const bytes = out.copy()
    if (out.capacity <= KEEP_SCRATCH_BYTES) this.#scratch = out
    return bytes
  }

  pools(seed: number): Pools {
    let pools = this.#pools.get(seed)
    if (!pools) {
      pools = buildPools(seed, this.config.jobs.asOf)
      this.#pools.set(seed, pools)
    }
    return pools
  }
}

function pairOf(privateKey: KeyObject): KeyPair {
  const publicKey = createPublicKey(privateKey)
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
}
