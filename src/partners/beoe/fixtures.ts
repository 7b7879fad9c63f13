import { Random, seedOf } from '../../core/random.js'
import { phpJson } from './views.js'

/** BE&OE job adverts as the Bureau publishes them on beoe.gov.pk: a demand a licensed Overseas Employment
 *  Promoter (OEP) advertised in a newspaper after the Protector of Emigrants permitted it: trade, country
 *  and city, foreign employer, OEP and its licence number, posts, salary, advert and closing dates.
 *
 *  A job is a pure function of (seed, id). Word pools are built once per seed (`buildPools`), and a row
 *  is serialised straight to a string from pre-escaped pieces, so page 40 of a million jobs costs only
 *  its own 25,000 rows. */

export interface Job {
  id: number
  job_title: string
  profession: string
  country: string
  city: string
  employer: string
  oep_name: string
  oep_license_no: string
  protectorate: string
  posts: number
  salary: number
  currency: string
  advert_date: string
  newspaper: string
  closing_date: string
  created_at: string
  updated_at: string
  [extra: string]: unknown
}

// Trade, category, and the monthly salary range in Saudi riyals that other currencies scale from.
const TRADES: readonly (readonly [string, string, number, number])[] = [
  ['Electrician', 'Construction', 1500, 2800],
  ['Mason', 'Construction', 1300, 2200],
  ['Steel Fixer', 'Construction', 1300, 2200],
  ['Shuttering Carpenter', 'Construction', 1300, 2300],
  ['Plumber', 'Construction', 1400, 2500],
  ['Tile Fixer', 'Construction', 1300, 2200],
  ['Painter', 'Construction', 1200, 2000],
  ['Scaffolder', 'Construction', 1300, 2200],
  ['General Labourer', 'Construction', 1000, 1500],
  ['Welder (6G)', 'Oil & Gas', 2500, 4500],
  ['Pipe Fitter', 'Oil & Gas', 2200, 4000],
  ['Rigger', 'Oil & Gas', 1800, 3200],
  ['Instrument Technician', 'Oil & Gas', 3000, 5500],
  ['HVAC Technician', 'Technical', 1800, 3200],
  ['Auto Mechanic', 'Technical', 1600, 3000],
  ['Duct Fabricator', 'Technical', 1500, 2600],
  ['Heavy Duty Driver', 'Driving & Transport', 1800, 3000],
  ['Light Driver', 'Driving & Transport', 1500, 2300],
  ['Crane Operator', 'Driving & Transport', 2500, 4500],
  ['Excavator Operator', 'Driving & Transport', 2200, 3800],
  ['Forklift Operator', 'Driving & Transport', 1600, 2500],
  ['Cook', 'Hospitality', 1400, 2600],
  ['Waiter', 'Hospitality', 1100, 1800],
  ['Barista', 'Hospitality', 1200, 2000],
  ['Housekeeping Attendant', 'Hospitality', 1000, 1600],
  ['Cleaner', 'Facilities', 900, 1400],
  ['Security Guard', 'Facilities', 1200, 2000],
  ['Storekeeper', 'Facilities', 1500, 2500],
  ['Salesman', 'Retail', 1300, 2500],
  ['Cashier', 'Retail', 1300, 2200],
  ['Tailor', 'Garments', 1200, 2200],
  ['Barber', 'Services', 1200, 2400],
  ['Farm Worker', 'Agriculture', 900, 1400],
  ['Staff Nurse', 'Healthcare', 4000, 7500],
  ['Lab Technician', 'Healthcare', 3500, 6000],
  ['Pharmacist', 'Healthcare', 5000, 9000],
  ['General Practitioner', 'Healthcare', 12000, 20000],
  ['Accountant', 'Office', 3500, 7000],
  ['Civil Engineer', 'Engineering', 6000, 12000],
  ['Mechanical Engineer', 'Engineering', 6000, 12000],
  ['Quantity Surveyor', 'Engineering', 5500, 10000],
  ['Safety Officer', 'Engineering', 4000, 7000],
]

// Country, currency, riyals-to-currency factor (with the higher pay of Europe and East Asia folded in), rounding step, weight (Gulf demand dominates), cities,
// and how its employers' names end.
const COUNTRIES: readonly {
  name: string
  currency: string
  factor: number
  step: number
  weight: number
  cities: readonly string[]
  suffixes: readonly string[]
}[] = [
  { name: 'Saudi Arabia', currency: 'SAR', factor: 1, step: 50, weight: 40, cities: ['Riyadh', 'Jeddah', 'Dammam', 'Al Khobar', 'Jubail', 'Makkah', 'Madinah', 'Tabuk', 'Yanbu', 'NEOM'], suffixes: ['Co.', 'Est.', 'Contracting Co.', 'Group'] },
  { name: 'United Arab Emirates', currency: 'AED', factor: 0.98, step: 50, weight: 18, cities: ['Dubai', 'Abu Dhabi', 'Sharjah', 'Ajman', 'Ras Al Khaimah', 'Al Ain'], suffixes: ['LLC', 'L.L.C.', 'FZE', 'Group'] },
  { name: 'Qatar', currency: 'QAR', factor: 0.97, step: 50, weight: 8, cities: ['Doha', 'Al Wakrah', 'Lusail', 'Mesaieed', 'Ras Laffan'], suffixes: ['W.L.L.', 'Trading & Contracting W.L.L.', 'Q.P.S.C.'] },
  { name: 'Oman', currency: 'OMR', factor: 0.1026, step: 5, weight: 8, cities: ['Muscat', 'Sohar', 'Salalah', 'Duqm', 'Nizwa'], suffixes: ['LLC', 'S.A.O.G.', 'Trading LLC'] },
  { name: 'Kuwait', currency: 'KWD', factor: 0.082, step: 5, weight: 5, cities: ['Kuwait City', 'Ahmadi', 'Jahra', 'Farwaniya'], suffixes: ['W.L.L.', 'Co. K.S.C.', 'General Trading Co.'] },
  { name: 'Bahrain', currency: 'BHD', factor: 0.1, step: 5, weight: 4, cities: ['Manama', 'Muharraq', 'Riffa', 'Sitra'], suffixes: ['W.L.L.', 'B.S.C.', 'Co. W.L.L.'] },
  { name: 'Malaysia', currency: 'MYR', factor: 1.3, step: 50, weight: 4, cities: ['Kuala Lumpur', 'Johor Bahru', 'Penang', 'Shah Alam'], suffixes: ['Sdn Bhd', 'Berhad'] },
  { name: 'Iraq', currency: 'USD', factor: 0.3, step: 25, weight: 3, cities: ['Erbil', 'Basra', 'Baghdad', 'Sulaymaniyah'], suffixes: ['Co.', 'Group', 'General Contracting'] },
  { name: 'Romania', currency: 'EUR', factor: 0.5, step: 25, weight: 3, cities: ['Bucharest', 'Cluj-Napoca', 'Timisoara', 'Constanta'], suffixes: ['S.R.L.', 'S.A.'] },
  { name: 'United Kingdom', currency: 'GBP', factor: 0.8, step: 50, weight: 3, cities: ['London', 'Birmingham', 'Manchester', 'Bradford', 'Glasgow'], suffixes: ['Ltd', 'Limited', 'NHS Trust'] },
  { name: 'Japan', currency: 'JPY', factor: 140, step: 1000, weight: 2, cities: ['Tokyo', 'Osaka', 'Nagoya', 'Fukuoka'], suffixes: ['Co., Ltd.', 'K.K.'] },
  { name: 'South Korea', currency: 'KRW', factor: 1400, step: 10000, weight: 2, cities: ['Seoul', 'Busan', 'Incheon', 'Ulsan'], suffixes: ['Co., Ltd.', 'Corporation'] },
]

const EMPLOYER_NAMES = [
  'Al Rashid', 'Al Fanar', 'Al Mabani', 'Gulf Star', 'Desert Rose', 'Al Khayyat', 'Nesma', 'Al Muhaidib', 'Al Habtoor',
  'Emirates Link', 'Al Jaber', 'Arabian Bemco', 'Crescent', 'Al Shafar', 'Al Naboodah', 'Orient', 'Al Yamama',
  'Blue Ocean', 'Falcon', 'Golden Palm', 'Al Turki', 'Zamil', 'Saudi Oger', 'Al Kifah', 'Al Bawani', 'Redco',
  'Silver Sands', 'Oasis', 'Horizon', 'Pinnacle', 'Summit', 'Royal', 'Eastern', 'Northern Star', 'Al Seef',
]
const EMPLOYER_KINDS = [
  'Construction', 'Contracting', 'Facilities Management', 'Hospitality', 'Trading', 'Engineering', 'Transport',
  'Catering', 'Industrial Services', 'Manpower Supply', 'Healthcare', 'Cleaning Services', 'Logistics', 'Steel',
]
const OEP_FIRST = [
  'Al Falah', 'Pak', 'Shaheen', 'Crescent', 'Madina', 'Al Noor', 'Green Land', 'Indus', 'Khyber', 'Sarhad', 'Punjab',
  'Mehran', 'Al Hamd', 'Bismillah', 'Star', 'Al Rehman', 'Al Karam', 'Quaid', 'Taj', 'Zam Zam', 'Hira', 'Al Huda',
  'Faisal', 'Fatima', 'Ravi', 'Chenab', 'Margalla', 'Potohar', 'Karakoram', 'Sialkot', 'Gujrat', 'Mardan',
]
const OEP_SECOND = ['', 'International', 'Associates', 'Brothers', 'Group', 'Enterprises', 'Trade Links', 'Corporation']
const OEP_KIND = [
  'Overseas Employment Promoters', 'Overseas Employment Corporation', 'Manpower Services', 'Recruiting Agency',
  'Overseas Employment Agency', 'Human Resource Consultants', 'Manpower Consultants',
]
// Protectorates of Emigrants and the office code OEP licence numbers carry (e.g. 2096/RWP).
const PROTECTORATES: readonly (readonly [string, string])[] = [
  ['Rawalpindi', 'RWP'], ['Lahore', 'LHR'], ['Karachi', 'KHI'], ['Peshawar', 'PEW'], ['Multan', 'MUL'],
  ['Malakand', 'MKD'], ['Sialkot', 'SKT'], ['D.G. Khan', 'DGK'], ['Quetta', 'QTA'],
]
const NEWSPAPERS = [
  'Daily Jang', 'Daily Express', 'Dawn', 'The News', 'Nawa-i-Waqt', 'Daily Dunya', 'Daily Khabrain', 'The Nation',
  'The Express Tribune', 'Daily Aaj', 'Daily Mashriq', 'Daily Ausaf', 'Daily Pakistan',
]

/** How far back generated adverts go, and how long they stay open. */
const ADVERT_DAYS = 120
const OPEN_DAYS_MIN = 14
const OPEN_DAYS_MAX = 45

interface Oep {
  name: string
  licence: string
  protectorate: string
  /** `"name","oep_license_no":"…","protectorate":"…"` pre-escaped. */
  json: string
}

interface CountryPool {
  name: string
  currency: string
  factor: number
  step: number
  cities: string[]
  employers: string[]
  /** `"country":"…"`-ready pieces, already PHP-escaped with their quotes. */
  nameJ: string
  currencyJ: string
  citiesJ: string[]
  employersJ: string[]
}

/** The word pools of one seed: employers per country and the OEPs with their licences. */
export interface Pools {
  seed: number
  /** seedOf(seed, 'beoe.job'): a row's own seed mixes its id into this. */
  rowSeed: number
  countries: CountryPool[]
  /** Country indices repeated by weight, so one draw picks a weighted country. */
  countryWheel: number[]
  oeps: Oep[]
  tradesJ: { title: string; profession: string; min: number; max: number; json: string }[]
  newspapersJ: string[]
  /** Day strings `YYYY-MM-DD` from asOf - ADVERT_DAYS to asOf + OPEN_DAYS_MAX; `daysJ` quoted. */
  days: string[]
  daysJ: string[]
  /** `HH:MM:SS` from 08:00 to 17:59 by the minute, when an advert was entered. */
  times: string[]
}

const q = (s: string) => phpJson(s)

/** Built once per (seed, asOf); deterministic. */
export function buildPools(seed: number, asOf: string): Pools {
  const random = new Random(seedOf(seed, 'beoe', 'pools'))
  const countries = COUNTRIES.map((c) => {
    const employers = new Set<string>()
    while (employers.size < 40) {
      employers.add(`${random.pick(EMPLOYER_NAMES)} ${random.pick(EMPLOYER_KINDS)} ${random.pick(c.suffixes)}`)
    }
    const list = [...employers]
    return {
      name: c.name,
      currency: c.currency,
      factor: c.factor,
      step: c.step,
      cities: [...c.cities],
      employers: list,
      nameJ: q(c.name),
      currencyJ: q(c.currency),
      citiesJ: c.cities.map(q),
      employersJ: list.map(q),
    }
  })
  const countryWheel = COUNTRIES.flatMap((c, i) => Array<number>(c.weight).fill(i))
  const oeps: Oep[] = []
  const names = new Set<string>()
  let licence = 1000 + random.int(0, 200)
  while (oeps.length < 300) {
    const second = random.pick(OEP_SECOND)
    const name = `${random.pick(OEP_FIRST)}${second ? ` ${second}` : ''} ${random.pick(OEP_KIND)}`
    if (names.has(name)) continue
    names.add(name)
    const [office, code] = random.pick(PROTECTORATES)
    licence += random.int(1, 15) // unique and ascending, like the Bureau's register
    const lic = `${licence}/${code}`
    oeps.push({ name, licence: lic, protectorate: office, json: `${q(name)},"oep_license_no":${q(lic)},"protectorate":${q(office)}` })
  }
  const base = Date.parse(`${asOf}T00:00:00Z`) - ADVERT_DAYS * 86_400_000
  const days = Array.from({ length: ADVERT_DAYS + OPEN_DAYS_MAX + 1 }, (_, i) => new Date(base + i * 86_400_000).toISOString().slice(0, 10))
  const times: string[] = []
  for (let m = 8 * 60; m < 18 * 60; m++) times.push(`${pad(Math.floor(m / 60))}:${pad(m % 60)}:00`)
  return {
    seed,
    rowSeed: seedOf(seed, 'beoe.job'),
    countries,
    countryWheel,
    oeps,
    tradesJ: TRADES.map(([title, profession, min, max]) => ({ title, profession, min, max, json: `${q(title)},"profession":${q(profession)}` })),
    newspapersJ: NEWSPAPERS.map(q),
    days,
    daysJ: days.map(q),
    times,
  }
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** The draws of job `id`: indices into the pools and numbers, shared by the object and string forms. */
interface Draws {
  trade: number
  country: number
  city: number
  employer: number
  oep: number
  newspaper: number
  posts: number
  salary: number
  advert: number
  closing: number
  time: number
}

/** The seed of row `id`: murmur3's finaliser over the pool seed and both halves of the id. Cheaper than
 *  seedOf's string hash, which matters 25,000 times a page. */
function rowSeed(pools: Pools, id: number): number {
  let h = (pools.rowSeed ^ Math.imul(id >>> 0, 0x9e3779b1) ^ Math.imul(Math.floor(id / 0x1_0000_0000), 0x85ebca77)) >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

function draw(pools: Pools, id: number): Draws {
  const r = new Random(rowSeed(pools, id))
  const trade = Math.floor(r.next() * pools.tradesJ.length)
  const country = pools.countryWheel[Math.floor(r.next() * pools.countryWheel.length)]!
  const c = pools.countries[country]!
  const t = pools.tradesJ[trade]!
  const sar = t.min + r.next() * (t.max - t.min)
  const salary = Math.max(c.step, Math.round((sar * c.factor) / c.step) * c.step)
  // Most demands are for a handful of workers; a few big projects ask for hundreds.
  const big = r.next() < 0.05
  const posts = big ? 50 + Math.floor(r.next() * 451) : 1 + Math.floor(r.next() * 25)
  const advert = Math.floor(r.next() * (ADVERT_DAYS + 1))
  const closing = advert + OPEN_DAYS_MIN + Math.floor(r.next() * (OPEN_DAYS_MAX - OPEN_DAYS_MIN + 1))
  return {
    trade,
    country,
    city: Math.floor(r.next() * c.cities.length),
    employer: Math.floor(r.next() * c.employers.length),
    oep: Math.floor(r.next() * pools.oeps.length),
    newspaper: Math.floor(r.next() * pools.newspapersJ.length),
    posts,
    salary,
    advert,
    closing,
    time: Math.floor(r.next() * pools.times.length),
  }
}

/** Job `id` as an object (for inline records to complete, and for tests). */
export function jobAt(pools: Pools, id: number): Job {
  const d = draw(pools, id)
  const c = pools.countries[d.country]!
  const t = pools.tradesJ[d.trade]!
  const oep = pools.oeps[d.oep]!
  const stamp = `${pools.days[d.advert]}T${pools.times[d.time]}.000000Z`
  return {
    id,
    job_title: t.title,
    profession: t.profession,
    country: c.name,
    city: c.cities[d.city]!,
    employer: c.employers[d.employer]!,
    oep_name: oep.name,
    oep_license_no: oep.licence,
    protectorate: oep.protectorate,
    posts: d.posts,
    salary: d.salary,
    currency: c.currency,
    advert_date: pools.days[d.advert]!,
    newspaper: JSON.parse(pools.newspapersJ[d.newspaper]!) as string,
    closing_date: pools.days[d.closing]!,
    created_at: stamp,
    updated_at: stamp,
  }
}

/** Job `id` serialised as json_encode would, without building the object: the hot path of a page. */
export function jobJson(pools: Pools, id: number): string {
  const d = draw(pools, id)
  const c = pools.countries[d.country]!
  const stamp = `"${pools.days[d.advert]}T${pools.times[d.time]}.000000Z"`
  return (
    `{"id":${id},"job_title":${pools.tradesJ[d.trade]!.json},"country":${c.nameJ},"city":${c.citiesJ[d.city]},` +
    `"employer":${c.employersJ[d.employer]},"oep_name":${pools.oeps[d.oep]!.json},"posts":${d.posts},` +
    `"salary":${d.salary},"currency":${c.currencyJ},"advert_date":${pools.daysJ[d.advert]},` +
    `"newspaper":${pools.newspapersJ[d.newspaper]},"closing_date":${pools.daysJ[d.closing]},` +
    `"created_at":${stamp},"updated_at":${stamp}}`
  )
}
