import { createRequire } from 'node:module'

/** A CommonJS dependency loaded the first time it is called for rather than when the CLI starts:
 *  xmlbuilder2 (Cordell's WSDL and faults) and jsonwebtoken (DAS tokens) bring some 170 modules between
 *  them, and most runs of the sandbox need one of them late or never. Node's module cache keeps what was
 *  loaded, so a later call costs a lookup. */
export function lazily<T>(specifier: string): () => T {
  const require = createRequire(import.meta.url)
  return () => require(specifier) as T
}
