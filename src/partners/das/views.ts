import { formatNetDate } from './dates.js'
import type { AccountRow, AgreementRow, ApprenticeshipRow, GenericRow } from './fixtures.js'
import { netDecimal, obj, type NetObject } from './net-json.js'
import type { DasEvent } from './store.js'
import type { GenericInput } from './schema.js'

/** Events as the service writes them: the *EventView classes of SFA.DAS.Events.Api.Types, serialised by
 *  Web API's Newtonsoft: PascalCase in declaration order (the computed `Type` where the class declares
 *  it), nulls written, enums as names (StrictEnumConverter.WriteJson), DateTimes without a zone. */

// The list views are written straight to text (they run for every event of every page); the field
// order, null handling and number spellings are those of writeNetJson on the NetObject they stand for.

/** A string or null, as JSON. */
const text = (value: string | null): string => JSON.stringify(value)
/** A number (or null) as JSON.stringify writes it. */
const num = (value: number | null): string => JSON.stringify(value)
/** A DateTime? in Newtonsoft's spelling; formatNetDate writes nothing that JSON must escape. */
const date = (ms: number | null): string => (ms === null ? 'null' : '"' + formatNetDate(ms) + '"')

export function apprenticeshipJson(e: DasEvent<ApprenticeshipRow>): string {
  const r = e.row
  // PriceHistory.TotalCost is DECIMAL (18,0): pence are lost, and Newtonsoft writes 3000 as 3000.0.
  let prices = '['
  for (let i = 0; i < r.PriceHistory.length; i++) {
    const p = r.PriceHistory[i]!
    prices += (i === 0 ? '{"TotalCost":' : ',{"TotalCost":') + netDecimal(p.TotalCost, 0).text + ',"EffectiveFrom":"' + formatNetDate(p.EffectiveFrom) + '","EffectiveTo":' + date(p.EffectiveTo) + '}'
  }
  prices += ']'
  return '{"Id":' + num(e.Id) +
    ',"Event":' + text(r.Event) +
    ',"CreatedOn":"' + formatNetDate(e.CreatedOn) +
    '","PaymentStatus":' + text(r.PaymentStatus) +
    ',"PausedOnDate":' + date(r.PausedOnDate) +
    ',"StoppedOnDate":' + date(r.StoppedOnDate) +
    ',"ApprenticeshipId":' + num(r.ApprenticeshipId) +
    ',"AgreementStatus":' + text(r.AgreementStatus) +
    ',"ProviderId":' + text(r.ProviderId) +
    ',"LearnerId":' + text(r.LearnerId) +
    ',"EmployerAccountId":' + text(r.EmployerAccountId) +
    ',"TrainingType":' + text(r.TrainingType) +
    ',"TrainingId":' + text(r.TrainingId) +
    ',"TrainingStartDate":' + date(r.TrainingStartDate) +
    ',"TrainingEndDate":' + date(r.TrainingEndDate) +
    // DECIMAL(18,2) comes back with its scale: 3000 is written 3000.00.
    ',"TrainingTotalCost":' + (r.TrainingTotalCost === null ? 'null' : netDecimal(r.TrainingTotalCost, 2).text) +
    ',"PaymentOrder":' + num(r.PaymentOrder) +
    ',"LegalEntityId":' + text(r.LegalEntityId) +
    ',"LegalEntityName":' + text(r.LegalEntityName) +
    ',"LegalEntityOrganisationType":' + text(r.LegalEntityOrganisationType) +
    // CHAR(6): SQL Server pads a shorter value with spaces.
    ',"AccountLegalEntityPublicHashedId":' + (r.AccountLegalEntityPublicHashedId === null ? 'null' : text(r.AccountLegalEntityPublicHashedId.padEnd(6, ' '))) +
    ',"Type":"ApprenticeshipEventView"' +
    ',"EffectiveFrom":' + date(r.EffectiveFrom) +
    ',"EffectiveTo":' + date(r.EffectiveTo) +
    ',"DateOfBirth":' + date(r.DateOfBirth) +
    ',"PriceHistory":' + prices +
    ',"TransferSenderId":' + num(r.TransferSenderId) +
    // The orchestrator maps a null name to string.Empty on the way out.
    ',"TransferSenderName":' + text(r.TransferSenderName ?? '') +
    ',"TransferApprovalStatus":' + text(r.TransferApprovalStatus) +
    ',"TransferApprovalActionedOn":' + date(r.TransferApprovalActionedOn) +
    '}'
}

export function agreementJson(e: DasEvent<AgreementRow>): string {
  return '{"Id":' + num(e.Id) + ',"Event":' + text(e.row.Event) + ',"CreatedOn":"' + formatNetDate(e.CreatedOn) + '","ProviderId":' + text(e.row.ProviderId) +
    ',"ContractType":' + text(e.row.ContractType) + ',"Type":"AgreementEventView"}'
}

export function accountJson(e: DasEvent<AccountRow>): string {
  return '{"Id":' + num(e.Id) + ',"Event":' + text(e.row.Event) + ',"CreatedOn":"' + formatNetDate(e.CreatedOn) + '","ResourceUri":' + text(e.row.ResourceUri) + ',"Type":"AccountEventView"}'
}

export function genericJson(e: DasEvent<GenericRow>): string {
  return '{"Id":' + num(e.Id) + ',"CreatedOn":"' + formatNetDate(e.CreatedOn) + '","Type":' + text(e.row.Type) + ',"Payload":' + text(e.row.Payload) +
    ',"ResourceType":' + text(e.row.ResourceType) + ',"ResourceId":' + text(e.row.ResourceId) + '}'
}

/** POST api/events/create answers Created("GetSinceEvent", @event): the bound input echoed, Id and
 *  CreatedOn as the client sent them (0 and 0001-01-01T00:00:00 when it sent none). */
export function genericEcho(input: GenericInput): NetObject {
  return obj(
    ['Id', input.Id ?? 0],
    ['CreatedOn', input.CreatedOn === null ? '0001-01-01T00:00:00' : formatNetDate(input.CreatedOn)],
    ['Type', input.Type],
    ['Payload', input.Payload],
    ['ResourceType', input.ResourceType],
    ['ResourceId', input.ResourceId],
  )
}

/** A page of events as a JSON array. */
export function listJson<R>(events: readonly DasEvent<R>[], view: (e: DasEvent<R>) => string): string {
  let out = '['
  for (let i = 0; i < events.length; i++) out += (i === 0 ? '' : ',') + view(events[i]!)
  return out + ']'
}
