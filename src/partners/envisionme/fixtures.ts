import { Random, seedOf } from '../../core/random.js'
import { PROVINCES, VIDS, type TermRecord } from './schema.js'

/** Deterministic fake data: job `nid` and term `i` are pure functions of (seed, index), so any row can
 *  be made without the rows before it, and the same scenario gives the same bytes on every run.
 *  Plain word pools rather than faker: cheaper, and South African like the partner. */

/** A job as the document's JSON shows it, plus the `mxit` flag its filter needs (not in the JSON). */
export interface Job {
  nid: number
  title: string
  searchable_title: string
  status: 0 | 1
  reference: string
  type: string
  position: string
  /** Epoch milliseconds as a string, as in the document ("1455919200000"). */
  created: string
  uid: number
  company_uid: number
  author_name: string
  company_logo: string
  company_name: string
  job_description: string
  salary: number
  /** Absent on some jobs, as on the document's second example. */
  salary_currency?: string
  salary_type?: string
  city: string
  province_name: (typeof PROVINCES)[number]
  country_name: string
  mxit: boolean
}

// The first two are the document's example companies; uid 2753 is the default scenario's user.
const COMPANIES = [
  { uid: 2753, name: 'Acme Professional Placement Group', author: 'ACME Inc.', logo: 'sites/default/files/profile-images/2753-1384430330.jpg' },
  { uid: 2783, name: 'Acme Staffing Solutions', author: 'Acme Staffing Solutions', logo: 'sites/default/files/profile-images/2783-1362336674.png' },
  { uid: 2801, name: 'Karoo Talent Partners', author: 'Karoo Talent Partners', logo: 'sites/default/files/profile-images/2801-1391002211.jpg' },
  { uid: 2816, name: 'Ubuntu Recruitment', author: 'Ubuntu Recruitment', logo: 'sites/default/files/profile-images/2816-1402310045.png' },
  { uid: 2840, name: 'Highveld Tech Careers', author: 'Highveld Tech Careers', logo: 'sites/default/files/profile-images/2840-1411225963.jpg' },
  { uid: 2855, name: 'Cape Coastal Hospitality', author: 'Cape Coastal Hospitality', logo: 'sites/default/files/profile-images/2855-1420987744.jpg' },
  { uid: 2902, name: 'Mzansi Logistics', author: 'Mzansi Logistics', logo: 'sites/default/files/profile-images/2902-1433870012.png' },
  { uid: 2917, name: 'Bright Future Learning', author: 'Bright Future Learning', logo: 'sites/default/files/profile-images/2917-1440051399.jpg' },
] as const

// [title, position, salary range (annual ZAR)]
const ROLES = [
  ['Test Analyst', 'Testing & QA (IT)', 300_000, 800_000],
  ['Automation Tester', 'Testing & QA (IT)', 350_000, 850_000],
  ['Data Capturer', 'Data Capturer', 60_000, 150_000],
  ['Java Developer', 'Software Development (IT)', 400_000, 1_100_000],
  ['Front-end Developer', 'Software Development (IT)', 350_000, 950_000],
  ['Creditors Clerk', 'Finance & Accounting', 150_000, 260_000],
  ['Management Accountant', 'Finance & Accounting', 450_000, 900_000],
  ['Call Centre Agent', 'Call Centre', 70_000, 140_000],
  ['Sales Representative', 'Sales', 120_000, 400_000],
  ['Registered Nurse', 'Healthcare', 250_000, 480_000],
  ['Electrician', 'Trades', 180_000, 360_000],
  ['Sous Chef', 'Hospitality', 140_000, 300_000],
  ['Code 10 Driver', 'Logistics', 90_000, 180_000],
  ['Project Manager', 'Project Management', 500_000, 1_200_000],
  ['Foundation Phase Teacher', 'Education', 200_000, 380_000],
  ['Payroll Administrator', 'Human Resources', 180_000, 340_000],
] as const

const SENIORITY = ['', '', '', 'Junior ', 'Senior ', 'Intermediate '] as const
const TYPES = ['Permanent', 'Permanent', 'Permanent', 'Part time', 'Contract', 'Temporary', 'Internship'] as const
const SALARY_TYPES = ['Annual', 'Annual', 'Monthly'] as const

const CITIES: readonly [string, (typeof PROVINCES)[number]][] = [
  ['Johannesburg North', 'Gauteng'],
  ['Johannesburg Central', 'Gauteng'],
  ['Pretoria', 'Gauteng'],
  ['Midrand', 'Gauteng'],
  ['Cape Town', 'The Western Cape'],
  ['Stellenbosch', 'The Western Cape'],
  ['Durban', 'KwaZulu-Natal'],
  ['Pietermaritzburg', 'KwaZulu-Natal'],
  ['Port Elizabeth', 'The Eastern Cape'],
  ['East London', 'The Eastern Cape'],
  ['Bloemfontein', 'The Free State'],
  ['Polokwane', 'Limpopo'],
  ['Nelspruit', 'Mpumalanga'],
  ['Kimberley', 'The Northern Cape'],
  ['Rustenburg', 'North West'],
  ['Mahikeng', 'North West'],
]

const PITCHES = [
  'One of my best clients is looking for your expertise.',
  'Join a growing team with a proud track record.',
  'An exciting opportunity for a motivated person who loves a challenge.',
  'Our client offers a market related package and room to grow.',
] as const

// Midnight SAST, 1 January 2026: jobs were created up to 400 days before it (a fixed point, not the
// session clock, so that a job's bytes never depend on when the session started).
const CREATED_BASE = Date.UTC(2025, 11, 31, 22)
const DAY = 86_400_000

/** Job `nid` of the generated catalogue. */
export function jobAt(seed: number, nid: number): Job {
  const r = new Random(seedOf(seed, 'envisionme', 'job', nid))
  const company = r.pick(COMPANIES)
  const [role, position, low, high] = r.pick(ROLES)
  const title = `${r.pick(SENIORITY)}${role}`
  const [city, province] = r.pick(CITIES)
  const withSalaryType = r.next() < 0.7
  const salaryStep = r.next() < 0.5 ? 1000 : 500
  let salary = Math.round(r.int(low, high) / salaryStep) * salaryStep
  const salaryType = withSalaryType ? r.pick(SALARY_TYPES) : undefined
  if (salaryType === 'Monthly') salary = Math.round(salary / 12 / 100) * 100
  const travel = r.pick([0, 0, 0, 10, 25, 50])
  const job: Job = {
    nid,
    title,
    searchable_title: title.toLowerCase(),
    status: r.next() < 0.85 ? 1 : 0,
    reference: String(r.int(10_000, 99_999)),
    type: r.pick(TYPES),
    position,
    created: String(CREATED_BASE - r.int(0, 400) * DAY),
    uid: company.uid,
    company_uid: company.uid,
    author_name: company.author,
    company_logo: company.logo,
    company_name: company.name,
    job_description: `${r.pick(PITCHES)} We need a ${title} in ${city} to join the team. \r\nTravel required: ${travel}%`,
    salary,
    city,
    province_name: province,
    country_name: 'South Africa',
    mxit: r.next() < 0.2,
  }
  if (salaryType) {
    job.salary_currency = 'ZAR'
    job.salary_type = salaryType
  }
  return job
}

const TERM_FIRST = [
  'Test', 'Data', 'Project', 'Customer', 'Financial', 'Software', 'Quality', 'Risk', 'Sales', 'Network',
  'Content', 'Payroll', 'Supply Chain', 'Web', 'Mobile', 'Team', 'Stock', 'Event', 'Brand', 'Contract',
] as const
const TERM_SECOND = [
  'Management', 'Analysis', 'Planning', 'Design', 'Reporting', 'Support', 'Testing', 'Development',
  'Administration', 'Automation', 'Strategy', 'Training', 'Plan', 'Audit',
] as const
const TERM_VERBS = ['Creating', 'Reviewing', 'Writing', 'Leading', ''] as const

/** Term `i` of the generated vocabulary: tids from 50000 up, so they never meet the document's. */
export function termAt(seed: number, i: number): TermRecord {
  const r = new Random(seedOf(seed, 'envisionme', 'term', i))
  const verb = r.pick(TERM_VERBS)
  const name = `${verb ? `${verb} ` : ''}${r.pick(TERM_FIRST)} ${r.pick(TERM_SECOND)}`
  const synonyms = r.next() < 0.3 ? [`${name}s`] : []
  return { tid: 50_000 + i, vid: VIDS[i % VIDS.length]!, name, synonyms }
}
