/** A small JSON writer that can say what JSON.stringify cannot: numbers in .NET's spelling. Newtonsoft
 *  writes a C# decimal with its SQL scale (`100.00` from DECIMAL(18,2)) and always with a decimal point
 *  (`123.0` from DECIMAL(18,0)); the views keep field order by being lists of pairs. */

/** A number written exactly as given. */
export class Raw {
  constructor(readonly text: string) {}
}

export type NetValue = string | number | boolean | null | Raw | NetValue[] | NetObject
/** Property order is the C# class's declaration order, which Newtonsoft follows. */
export type NetObject = { readonly pairs: readonly (readonly [string, NetValue])[] }

export const obj = (...pairs: (readonly [string, NetValue])[]): NetObject => ({ pairs })

export function writeNetJson(value: NetValue): string {
  // Plain loops and concatenation: this runs for every field of every event of a page.
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value !== 'object') return JSON.stringify(value)
  if (value instanceof Raw) return value.text
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + writeNetJson(value[i]!)
    return out + ']'
  }
  const { pairs } = value
  let out = '{'
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!
    out += (i === 0 ? '' : ',') + JSON.stringify(pair[0]) + ':' + writeNetJson(pair[1])
  }
  return out + '}'
}

/** Rounds half away from zero, as SQL Server does when a decimal is stored into a narrower scale. */
export function roundScale(value: number, scale: number): number {
  const f = 10 ** scale
  return (Math.sign(value) * Math.round(Math.abs(value) * f + Number.EPSILON * f)) / f
}

/** A C# decimal read back from DECIMAL(p, scale): `scale` digits after the point, and at least `.0`. */
export function netDecimal(value: number, scale: number): Raw {
  const text = roundScale(value, scale).toFixed(scale)
  return new Raw(text.includes('.') ? text : `${text}.0`)
}
