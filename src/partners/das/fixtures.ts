import { Random, seedOf } from '../../core/random.js'
import type { AgreementStatus, PaymentStatus, TrainingType, TransferApprovalStatus } from './schema.js'

/** The rows each stream keeps, in the service's own field names. Times are epoch ms (UTC wall time). */
export interface PriceRow {
  TotalCost: number
  EffectiveFrom: number
  EffectiveTo: number | null
}
export interface ApprenticeshipRow {
  Event: string | null
  ApprenticeshipId: number
  PaymentStatus: PaymentStatus
  PausedOnDate: number | null
  StoppedOnDate: number | null
  AgreementStatus: AgreementStatus
  ProviderId: string | null
  LearnerId: string | null
  EmployerAccountId: string | null
  TrainingType: TrainingType
  TrainingId: string | null
  TrainingStartDate: number | null
  TrainingEndDate: number | null
  TrainingTotalCost: number | null
  PaymentOrder: number
  LegalEntityId: string | null
  LegalEntityName: string | null
  LegalEntityOrganisationType: string | null
  AccountLegalEntityPublicHashedId: string | null
  EffectiveFrom: number | null
  EffectiveTo: number | null
  DateOfBirth: number | null
  PriceHistory: PriceRow[]
  TransferSenderId: number | null
  TransferSenderName: string | null
  TransferApprovalStatus: TransferApprovalStatus | null
  TransferApprovalActionedOn: number | null
}
export interface AgreementRow {
  Event: string | null
  ProviderId: string | null
  ContractType: string | null
}
export interface AccountRow {
  Event: string | null
  ResourceUri: string | null
}
export interface GenericRow {
  Type: string | null
  Payload: string | null
  ResourceType: string | null
  ResourceId: string | null
}
export interface Rows {
  apprenticeships: ApprenticeshipRow
  engagements: AgreementRow
  accounts: AccountRow
  generic: GenericRow
}
export type StreamName = keyof Rows
export const STREAMS: readonly StreamName[] = ['apprenticeships', 'engagements', 'accounts', 'generic']

// Small fixed pools: the shapes DAS clients see (UKPRNs are 8 digits from 10000000, ULNs 10 digits,
// account legal entity public hashed ids 6 characters), not real organisations.
const PROVIDERS = ['10000528', '10001309', '10003347', '10005077', '10007315', '10019227', '10022117', '10036143']
const EMPLOYERS = ['Acme Engineering Ltd', 'Brightside Care Homes', 'Cobalt Logistics plc', 'Dunmore Bakery', 'Elm Street Dental', 'Fairway Motors Ltd', 'Greenleaf Nurseries', 'Harbour IT Services']
const ORG_TYPES = ['CompaniesHouse', 'CompaniesHouse', 'Charities', 'PublicBodies', 'Other']
const STANDARDS = ['25', '37', '91', '118', '274', '311']
const FRAMEWORKS = ['403-2-1', '420-3-2', '563-2-4', '617-3-1']
const APPRENTICESHIP_EVENTS = ['APPRENTICESHIP-AGREEMENT-UPDATED', 'APPRENTICESHIP-UPDATED', 'APPRENTICESHIP-UPDATED', 'APPRENTICESHIP-DELETED']
const AGREEMENT_EVENTS = ['INITIATED', 'AGREED', 'AGREED']
const ACCOUNT_EVENTS = ['AccountCreated', 'LegalEntityAdded', 'PayeSchemeAdded', 'AccountRenamed']
const GENERIC_TYPES = ['LevyDeclarationUpdatedEvent', 'AgreementSignedEvent', 'AccountNameChangedEvent']
const HASH_CHARS = 'BCDFGHJKLMNPRSTVWXY0123456789'

const rng = (seed: number, stream: StreamName, i: number) => new Random(seedOf(seed, 'das', stream, i))
const HASH_POOL: readonly string[] = [...HASH_CHARS]
const PAYMENT_POOL: readonly PaymentStatus[] = ['Active', 'Active', 'Active', 'Active', 'PendingApproval', 'Paused', 'Withdrawn', 'Completed']
const PENDING_AGREEMENT_POOL: readonly AgreementStatus[] = ['NotAgreed', 'EmployerAgreed', 'ProviderAgreed']
const TRANSFER_POOL: readonly TransferApprovalStatus[] = ['Pending', 'TransferApproved', 'TransferApproved']
/** `n` characters of HASH_CHARS, one pick each. */
function hashed(r: Random, n: number): string {
  let out = ''
  for (let i = 0; i < n; i++) out += r.pick(HASH_POOL)
  return out
}
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d)

/** Row `i` of the generated apprenticeship events: a pure function of (seed, i). Two events share each
 *  apprenticeship, as the commitments service sends one per change. */
export function apprenticeshipAt(seed: number, i: number): ApprenticeshipRow {
  const apprenticeship = Math.floor(i / 2)
  const a = new Random(seedOf(seed, 'das', 'apprenticeship', apprenticeship)) // what the two events share
  const r = rng(seed, 'apprenticeships', i)
  const standard = a.chance(0.7)
  const start = day(2025, a.int(1, 12), 1)
  const months = a.int(12, 36)
  const end = new Date(start)
  end.setUTCMonth(end.getUTCMonth() + months)
  const cost = a.int(4, 30) * 500
  const payment = r.pick(PAYMENT_POOL)
  const agreement: AgreementStatus = payment === 'PendingApproval' ? r.pick(PENDING_AGREEMENT_POOL) : 'BothAgreed'
  const transfer = a.chance(0.125)
  const employer = a.int(0, EMPLOYERS.length - 1)
  return {
    Event: r.pick(APPRENTICESHIP_EVENTS),
    ApprenticeshipId: 1000 + apprenticeship,
    PaymentStatus: payment,
    PausedOnDate: payment === 'Paused' ? start + a.int(30, 200) * 86_400_000 : null,
    StoppedOnDate: payment === 'Withdrawn' ? start + a.int(30, 200) * 86_400_000 : null,
    AgreementStatus: agreement,
    ProviderId: a.pick(PROVIDERS),
    LearnerId: String(a.int(1_000_000_000, 9_999_999_999)),
    EmployerAccountId: String(employer + 1),
    TrainingType: standard ? 'Standard' : 'Framework',
    TrainingId: standard ? a.pick(STANDARDS) : a.pick(FRAMEWORKS),
    TrainingStartDate: start,
    TrainingEndDate: end.getTime(),
    TrainingTotalCost: cost,
    PaymentOrder: (apprenticeship % 5) + 1,
    LegalEntityId: String(100 + employer),
    LegalEntityName: EMPLOYERS[employer]!,
    LegalEntityOrganisationType: a.pick(ORG_TYPES),
    AccountLegalEntityPublicHashedId: hashed(a, 6),
    EffectiveFrom: start,
    EffectiveTo: null,
    DateOfBirth: day(a.int(1998, 2008), a.int(1, 12), a.int(1, 28)),
    PriceHistory: [{ TotalCost: cost, EffectiveFrom: start, EffectiveTo: null }],
    TransferSenderId: transfer ? 9000 + a.int(1, 50) : null,
    TransferSenderName: transfer ? `${a.pick(EMPLOYERS)} (sender)` : null,
    TransferApprovalStatus: transfer ? a.pick(TRANSFER_POOL) : null,
    TransferApprovalActionedOn: transfer ? start - 7 * 86_400_000 : null,
  }
}

export function agreementAt(seed: number, i: number): AgreementRow {
  const r = rng(seed, 'engagements', i)
  return { Event: r.pick(AGREEMENT_EVENTS), ProviderId: r.pick(PROVIDERS), ContractType: 'ProviderAgreement' }
}

export function accountAt(seed: number, i: number): AccountRow {
  const r = rng(seed, 'accounts', i)
  return { Event: r.pick(ACCOUNT_EVENTS), ResourceUri: `/api/accounts/${hashed(r, 6)}` }
}

export function genericAt(seed: number, i: number): GenericRow {
  const r = rng(seed, 'generic', i)
  const type = r.pick(GENERIC_TYPES)
  const account = hashed(r, 6)
  const payload = type === 'LevyDeclarationUpdatedEvent' ? { AccountId: r.int(1, 20), PayrollPeriod: `${r.int(24, 25)}-${String(r.int(1, 12)).padStart(2, '0')}` }
    : type === 'AgreementSignedEvent' ? { AccountId: r.int(1, 20), AgreementId: r.int(1, 500) }
      : { AccountId: r.int(1, 20), Name: r.pick(EMPLOYERS) }
  return { Type: type, Payload: JSON.stringify(payload), ResourceType: 'Account', ResourceId: account }
}

export const GENERATORS: { [K in StreamName]: (seed: number, i: number) => Rows[K] } = {
  apprenticeships: apprenticeshipAt,
  engagements: agreementAt,
  accounts: accountAt,
  generic: genericAt,
}

/** When generated event `i` of `count` happened: `every` apart, ending just before `until`, with a
 *  whole-second jitter under `every`, so times strictly ascend with i (a date can be found by bisection). */
export function generatedAt(seed: number, stream: StreamName, i: number, count: number, until: number, every: number): number {
  const slot = until - (count - i) * every
  const jitterSeconds = Math.floor(every / 1000)
  return jitterSeconds > 0 ? slot + Math.floor(new Random(seedOf(seed, 'das', stream, 'at', i)).next() * jitterSeconds) * 1000 : slot
}
