import { formatNetDate } from './dates.js'
import type { AccountRow, AgreementRow, ApprenticeshipRow, GenericRow } from './fixtures.js'
import { netDecimal, obj, writeNetJson, type NetObject, type NetValue } from './net-json.js'
import type { DasEvent } from './store.js'
import type { GenericInput } from './schema.js'

/** Events as the service writes them: the *EventView classes of SFA.DAS.Events.Api.Types, serialised by
 *  Web API's Newtonsoft: PascalCase in declaration order (the computed `Type` where the class declares
 *  it), nulls written, enums as names (StrictEnumConverter.WriteJson), DateTimes without a zone. */

const date = (ms: number | null): NetValue => (ms === null ? null : formatNetDate(ms))

export function apprenticeshipView(e: DasEvent<ApprenticeshipRow>): NetObject {
  const r = e.row
  return obj(
    ['Id', e.Id],
    ['Event', r.Event],
    ['CreatedOn', formatNetDate(e.CreatedOn)],
    ['PaymentStatus', r.PaymentStatus],
    ['PausedOnDate', date(r.PausedOnDate)],
    ['StoppedOnDate', date(r.StoppedOnDate)],
    ['ApprenticeshipId', r.ApprenticeshipId],
    ['AgreementStatus', r.AgreementStatus],
    ['ProviderId', r.ProviderId],
    ['LearnerId', r.LearnerId],
    ['EmployerAccountId', r.EmployerAccountId],
    ['TrainingType', r.TrainingType],
    ['TrainingId', r.TrainingId],
    ['TrainingStartDate', date(r.TrainingStartDate)],
    ['TrainingEndDate', date(r.TrainingEndDate)],
    // DECIMAL(18,2) comes back with its scale: 3000 is written 3000.00.
    ['TrainingTotalCost', r.TrainingTotalCost === null ? null : netDecimal(r.TrainingTotalCost, 2)],
    ['PaymentOrder', r.PaymentOrder],
    ['LegalEntityId', r.LegalEntityId],
    ['LegalEntityName', r.LegalEntityName],
    ['LegalEntityOrganisationType', r.LegalEntityOrganisationType],
    // CHAR(6): SQL Server pads a shorter value with spaces.
    ['AccountLegalEntityPublicHashedId', r.AccountLegalEntityPublicHashedId === null ? null : r.AccountLegalEntityPublicHashedId.padEnd(6, ' ')],
    ['Type', 'ApprenticeshipEventView'],
    ['EffectiveFrom', date(r.EffectiveFrom)],
    ['EffectiveTo', date(r.EffectiveTo)],
    ['DateOfBirth', date(r.DateOfBirth)],
    // PriceHistory.TotalCost is DECIMAL (18,0): pence are lost, and Newtonsoft writes 3000 as 3000.0.
    ['PriceHistory', r.PriceHistory.map((p) => obj(['TotalCost', netDecimal(p.TotalCost, 0)], ['EffectiveFrom', formatNetDate(p.EffectiveFrom)], ['EffectiveTo', date(p.EffectiveTo)]))],
    ['TransferSenderId', r.TransferSenderId],
    // The orchestrator maps a null name to string.Empty on the way out.
    ['TransferSenderName', r.TransferSenderName ?? ''],
    ['TransferApprovalStatus', r.TransferApprovalStatus],
    ['TransferApprovalActionedOn', date(r.TransferApprovalActionedOn)],
  )
}

export function agreementView(e: DasEvent<AgreementRow>): NetObject {
  return obj(['Id', e.Id], ['Event', e.row.Event], ['CreatedOn', formatNetDate(e.CreatedOn)], ['ProviderId', e.row.ProviderId], ['ContractType', e.row.ContractType], ['Type', 'AgreementEventView'])
}

export function accountView(e: DasEvent<AccountRow>): NetObject {
  return obj(['Id', e.Id], ['Event', e.row.Event], ['CreatedOn', formatNetDate(e.CreatedOn)], ['ResourceUri', e.row.ResourceUri], ['Type', 'AccountEventView'])
}

export function genericView(e: DasEvent<GenericRow>): NetObject {
  return obj(['Id', e.Id], ['CreatedOn', formatNetDate(e.CreatedOn)], ['Type', e.row.Type], ['Payload', e.row.Payload], ['ResourceType', e.row.ResourceType], ['ResourceId', e.row.ResourceId])
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

export const listJson = <R>(events: DasEvent<R>[], view: (e: DasEvent<R>) => NetObject): string => writeNetJson(events.map(view))
