/** A copy of a number column with room for `length` values: the old values first, zeros after. Rings
 *  kept as columns (the journal's slots, Cordell's audit trail) grow their typed arrays with it. */
export function widened<T extends Float64Array | Int32Array>(old: T, length: number): T {
  const next = new (old.constructor as new (length: number) => T)(length)
  next.set(old)
  return next
}
