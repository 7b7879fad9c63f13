import { AGREEMENT_STATUS, PAYMENT_STATUS, TRAINING_TYPES, TRANSFER_APPROVAL_STATUS } from '../partners/das/schema.js'
import { answer, array, int, object, ok, param, str, type Json } from './openapi-kit.js'

/** OpenAPI 3.1 of the DAS Events API as the sandbox serves it (seed 002, SkillsFundingAgency/das-events).
 *
 *  Written out rather than generated: the routes bind bodies and queries the way ASP.NET Web API does
 *  (any letter case, lenient numbers and enums, FluentValidation messages), with zod transforms that
 *  JSON Schema cannot describe. The enums come from the same constants the binder uses, and
 *  test/ui/openapi.test.ts posts this document's examples to the sandbox so that it cannot drift. */
export function dasOpenApi(serverUrl: string): Json {
  const date = { type: ['string', 'null'], format: 'date-time', description: 'ISO 8601; a zone-less time is UTC' }
  const reqDate = { type: 'string', format: 'date-time' }
  const text = { type: ['string', 'null'] }
  const enumOf = (names: readonly string[], nullableToo = false) => ({
    anyOf: [{ type: 'string', enum: [...names], description: 'A name in any case' }, { type: 'integer', description: 'Or its number' }, ...(nullableToo ? [{ type: 'null' }] : [])],
  })
  const optional = (props: Record<string, Json>, required: string[] = []) => ({ type: 'object', properties: props, required })
  const apprenticeship = optional(
    {
      Event: text,
      ApprenticeshipId: int,
      PaymentStatus: enumOf(PAYMENT_STATUS),
      PausedOnDate: date,
      StoppedOnDate: date,
      AgreementStatus: enumOf(AGREEMENT_STATUS),
      ProviderId: text,
      LearnerId: text,
      EmployerAccountId: text,
      TrainingType: {
        ...enumOf(TRAINING_TYPES),
        description: 'framework or 1, standard or 2 (the document); the scenario\'s trainingTypeNumbers: service switches to 0/1',
      },
      TrainingId: text,
      TrainingStartDate: date,
      TrainingEndDate: date,
      TrainingTotalCost: { type: ['number', 'string', 'null'] },
      PaymentOrder: int,
      LegalEntityId: text,
      LegalEntityName: text,
      LegalEntityOrganisationType: text,
      AccountLegalEntityPublicHashedId: { type: ['string', 'null'], maxLength: 6 },
      EffectiveFrom: date,
      EffectiveTo: date,
      DateOfBirth: date,
      PriceHistory: { type: ['array', 'null'], items: optional({ TotalCost: { type: ['number', 'string'] }, EffectiveFrom: reqDate, EffectiveTo: date }) },
      TransferSenderId: { type: ['integer', 'null'] },
      TransferSenderName: text,
      TransferApprovalStatus: enumOf(TRANSFER_APPROVAL_STATUS, true),
      TransferApprovalActionedOn: date,
    },
    ['Event', 'EmployerAccountId'],
  )
  const agreement = optional({ Event: text, ProviderId: text, ContractType: text }, ['Event', 'ProviderId', 'ContractType'])
  const account = optional({ Event: text, ResourceUri: text }, ['Event', 'ResourceUri'])
  const generic = optional({ Id: int, CreatedOn: date, Type: text, Payload: { type: ['string', 'null'], description: 'Usually JSON, as a string' }, ResourceType: text, ResourceId: text }, ['Type', 'Payload'])
  const view = (fields: Record<string, Json>, type: string) => object({ Id: int, ...fields, CreatedOn: str, Type: { const: type } })
  const bare = (name: string) => ({ type: 'object', description: `${name}: Web API's PascalCase JSON, nulls written out` })

  const yyyymmdd = { type: 'string', pattern: '^\\d{14}$', description: 'yyyyMMddHHmmss, UTC' }
  const paging = [
    param('pageSize', 'query', { type: 'integer', minimum: 1, maximum: 10000, default: 1000 }),
    param('pageNumber', 'query', { type: 'integer', minimum: 1, default: 1 }),
  ]
  const streamParams = [
    param('fromDate', 'query', { ...yyyymmdd, default: '20000101000000' }, 'From, inclusive (yyyyMMddHHmmss, UTC)'),
    param('toDate', 'query', { ...yyyymmdd, default: '99991231235959' }, 'To, exclusive'),
    ...paging,
    param('fromEventId', 'query', { type: 'integer', minimum: 0, default: 0 }, 'Above 0: events from this Id on, in Id order (the dates are still checked)'),
  ]
  const badRequest = answer('Binding or validation failed: FluentValidation\'s "Property Name: …\\r\\nError: …" blocks, or "Bad date format …"', 'text/plain')
  const denied = ok('No, bad or expired token, or a missing permission: {"Message":"Authorization has been denied for this request."}', object({ Message: str }))
  const as = (permission: string) => [{ dasToken: [permission] }]
  const created = { description: 'Stored: Location of the list, body null', headers: { Location: { schema: str } }, content: { 'application/json': { schema: { type: 'null' } } } }
  const list = (name: string, permission: string, item: Json) => ({
    summary: `Read ${name} events, by date range or from an event id`,
    security: as(permission),
    parameters: streamParams,
    responses: { 200: ok('A bare JSON array, [] when nothing matches', array(item)), 400: badRequest, 401: denied },
  })
  const store = (name: string, permission: string, schema: Json, example: Json) => ({
    summary: `Store one ${name} event`,
    security: as(permission),
    requestBody: { required: true, content: { 'application/json': { schema, example } } },
    responses: { 201: created, 400: badRequest, 401: denied },
  })

  return {
    openapi: '3.1.0',
    info: {
      title: 'DAS Events API (sandbox)',
      version: '1',
      description:
        'The DAS Events API (SkillsFundingAgency/das-events): apprenticeship, agreement (engagements), account and generic event streams. ' +
        'Bearer HS256 JWTs with the permissions in the space-separated `data` claim: mint one with POST /__sandbox/das/tokens. ' +
        'Body fields and query names are read in any letter case, paths too, with or without a trailing slash. ' +
        'Every call takes X-Sandbox-Session (or the /__s/<id>/ path prefix) to pick a sandbox session.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { dasToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256; the security requirement lists the permission the call needs' } },
      schemas: {
        ApprenticeshipEvent: apprenticeship,
        AgreementEvent: agreement,
        AccountEvent: account,
        GenericEvent: generic,
        ApprenticeshipEventView: bare('ApprenticeshipEventView'),
        AgreementEventView: view({ Event: text, ProviderId: text, ContractType: text }, 'AgreementEventView'),
        AccountEventView: view({ Event: text, ResourceUri: text }, 'AccountEventView'),
        GenericEventView: object({ Id: int, CreatedOn: str, Type: text, Payload: text, ResourceType: text, ResourceId: text }),
      },
    },
    paths: {
      '/api/HealthCheck': { get: { summary: 'Up: 200 with no body (no token needed)', responses: { 200: answer('Up') } } },
      '/api/events/apprenticeships': {
        get: list('apprenticeship', 'ReadApprenticeshipEvent', { $ref: '#/components/schemas/ApprenticeshipEventView' }),
        post: store('apprenticeship', 'StoreApprenticeshipEvent', { $ref: '#/components/schemas/ApprenticeshipEvent' }, {
          event: 'An event', apprenticeshipId: 444, paymentStatus: 'active', agreementStatus: 'NotAgreed', providerId: '1111', learnerId: '9999',
          trainingType: 'framework', trainingId: '3333', employerAccountId: '2222', trainingStartDate: '2017-01-31T00:00:00',
          trainingEndDate: '2017-12-31T00:00:00', trainingTotalCost: 123.45,
        }),
      },
      '/api/events/apprenticeships/bulk': {
        post: {
          summary: 'Store several apprenticeship events (a JSON array)',
          security: as('StoreApprenticeshipEvent'),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: array({ $ref: '#/components/schemas/ApprenticeshipEvent' }), example: [{ event: 'A', employerAccountId: '1' }, { event: 'B', employerAccountId: '1' }] } },
          },
          responses: { 201: created, 400: badRequest, 401: denied },
        },
      },
      '/api/events/engagements': {
        get: list('provider agreement', 'ReadAgreementEvent', { $ref: '#/components/schemas/AgreementEventView' }),
        post: store('provider agreement', 'StoreAgreementEvent', { $ref: '#/components/schemas/AgreementEvent' }, { event: 'Initiated', providerId: '1111', contractType: 'ProviderAgreement' }),
      },
      '/api/events/accounts': {
        get: list('employer account', 'ReadAccountEvent', { $ref: '#/components/schemas/AccountEventView' }),
        post: store('employer account', 'StoreAccountEvent', { $ref: '#/components/schemas/AccountEvent' }, { event: 'Initiated', resourceUri: '/api/accounts/abc' }),
      },
      '/api/events/create': {
        post: {
          summary: 'Store a generic event; the bound event is echoed',
          security: as('WriteGenericEvent'),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/GenericEvent' }, example: { type: 'MyEvent', payload: '{"a":1}', resourceType: 'Account', resourceId: 'ABC' } } },
          },
          responses: {
            201: { description: 'Stored: Location: GetSinceEvent, the event echoed', headers: { Location: { schema: str } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/GenericEvent' } } } },
            400: badRequest,
            401: denied,
          },
        },
      },
      '/api/events/getSinceEvent': {
        get: {
          summary: 'Generic events of a type from an event id on',
          security: as('ReadGenericEvent'),
          parameters: [param('eventType', 'query', str, 'Required', true), param('fromEventId', 'query', { type: 'integer', minimum: 0, default: 0 }), ...paging],
          responses: { 200: ok('A bare JSON array', array({ $ref: '#/components/schemas/GenericEventView' })), 400: badRequest, 401: denied },
        },
      },
      '/api/events/getByDateRange': {
        get: {
          summary: 'Generic events of a type between two dates',
          security: as('ReadGenericEvent'),
          parameters: [param('eventType', 'query', str, 'Required', true), param('fromDate', 'query', yyyymmdd, 'Required', true), param('toDate', 'query', yyyymmdd, 'Required', true), ...paging],
          responses: { 200: ok('A bare JSON array', array({ $ref: '#/components/schemas/GenericEventView' })), 400: badRequest, 401: denied },
        },
      },
      '/api/events/getByResourceId': {
        get: {
          summary: 'Generic events about one resource',
          security: as('ReadGenericEvent'),
          parameters: [param('resourceType', 'query', str), param('resourceId', 'query', str), param('fromDate', 'query', yyyymmdd), param('toDate', 'query', yyyymmdd), ...paging],
          responses: { 200: ok('A bare JSON array', array({ $ref: '#/components/schemas/GenericEventView' })), 400: badRequest, 401: denied },
        },
      },
    },
  }
}
