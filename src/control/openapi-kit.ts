import * as z from 'zod'

/** Small builders shared by the OpenAPI documents (control API and REST partners), so that each
 *  document reads as a list of its operations rather than as nested JSON. */

export type Json = Record<string, unknown>

/** The JSON Schema of what a zod schema accepts (its input side): the same schema that validates the
 *  request writes its documentation. Transforms zod cannot describe become `{}` (anything). */
export function schemaOf(schema: z.ZodType): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json
  return rest
}

export const json = (schema: Json = { type: 'object' }, type = 'application/json') => ({ content: { [type]: { schema } } })

/** A response with a JSON body. */
export const ok = (description: string, schema?: Json, type?: string) => ({ description, ...json(schema, type) })

/** A response whose body is not JSON (HTML, plain text) or empty. */
export const answer = (description: string, type?: string, schema: Json = { type: 'string' }) =>
  type ? { description, content: { [type]: { schema } } } : { description }

export interface Param {
  name: string
  in: 'query' | 'header' | 'path' | 'cookie'
  required: boolean
  schema: Json
  description?: string
}

/** One parameter for each property of an object schema (query strings, forms read as parameters). */
export function paramsOf(schema: z.ZodType, where: Param['in'], omit: readonly string[] = []): Param[] {
  const js = schemaOf(schema) as { properties?: Record<string, Json>; required?: string[] }
  return Object.entries(js.properties ?? {})
    .filter(([name]) => !omit.includes(name))
    .map(([name, s]) => {
      const { description, ...rest } = s
      return {
        name,
        in: where,
        required: where === 'path' || (js.required?.includes(name) ?? false),
        schema: rest,
        ...(typeof description === 'string' ? { description } : {}),
      }
    })
}

export const param = (name: string, where: Param['in'], schema: Json, description?: string, required = where === 'path'): Param => ({
  name,
  in: where,
  required,
  schema,
  ...(description !== undefined ? { description } : {}),
})

/** An object schema from a name → schema map; every property required unless listed as optional. */
export function object(properties: Record<string, Json>, optional: readonly string[] = []): Json {
  return { type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)) }
}

export const str: Json = { type: 'string' }
export const int: Json = { type: 'integer' }
export const num: Json = { type: 'number' }
export const bool: Json = { type: 'boolean' }
export const nullable = (schema: Json): Json => ({ anyOf: [schema, { type: 'null' }] })
export const array = (items: Json): Json => ({ type: 'array', items })

/** Every operation of a document as `METHOD path`, for tests and the docs page's index. */
export function operationsOf(doc: Json): { method: string; path: string; op: Json }[] {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>
  return Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method))
      .map(([method, op]) => ({ method, path, op })),
  )
}
