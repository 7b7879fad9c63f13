import { Random, seedOf } from '../../core/random.js'
import type { Application } from './schema.js'

/** Candidates as Apna pushes them (seed 003): a pure function of (seed, index), so application 4,711
 *  can be made without the ones before it and a scenario replays byte for byte. The word pools below
 *  are constant data; nothing here holds state. */

type Region = 'north' | 'west' | 'south' | 'east'
interface City {
  city: string
  state: string
  lat: number
  lng: number
  region: Region
  language: string
}

// display_name is "City, ST" as in the document's sample ("New Delhi, DL").
const CITIES: readonly City[] = [
  { city: 'New Delhi', state: 'DL', lat: 28.6139, lng: 77.209, region: 'north', language: 'Hindi' },
  { city: 'Noida', state: 'UP', lat: 28.5355, lng: 77.391, region: 'north', language: 'Hindi' },
  { city: 'Gurugram', state: 'HR', lat: 28.4595, lng: 77.0266, region: 'north', language: 'Hindi' },
  { city: 'Lucknow', state: 'UP', lat: 26.8467, lng: 80.9462, region: 'north', language: 'Hindi' },
  { city: 'Kanpur', state: 'UP', lat: 26.4499, lng: 80.3319, region: 'north', language: 'Hindi' },
  { city: 'Jaipur', state: 'RJ', lat: 26.9124, lng: 75.7873, region: 'north', language: 'Hindi' },
  { city: 'Chandigarh', state: 'CH', lat: 30.7333, lng: 76.7794, region: 'north', language: 'Punjabi' },
  { city: 'Indore', state: 'MP', lat: 22.7196, lng: 75.8577, region: 'north', language: 'Hindi' },
  { city: 'Bhopal', state: 'MP', lat: 23.2599, lng: 77.4126, region: 'north', language: 'Hindi' },
  { city: 'Patna', state: 'BR', lat: 25.5941, lng: 85.1376, region: 'east', language: 'Hindi' },
  { city: 'Mumbai', state: 'MH', lat: 19.076, lng: 72.8777, region: 'west', language: 'Marathi' },
  { city: 'Pune', state: 'MH', lat: 18.5204, lng: 73.8567, region: 'west', language: 'Marathi' },
  { city: 'Nagpur', state: 'MH', lat: 21.1458, lng: 79.0882, region: 'west', language: 'Marathi' },
  { city: 'Ahmedabad', state: 'GJ', lat: 23.0225, lng: 72.5714, region: 'west', language: 'Gujarati' },
  { city: 'Surat', state: 'GJ', lat: 21.1702, lng: 72.8311, region: 'west', language: 'Gujarati' },
  { city: 'Bengaluru', state: 'KA', lat: 12.9716, lng: 77.5946, region: 'south', language: 'Kannada' },
  { city: 'Hyderabad', state: 'TG', lat: 17.385, lng: 78.4867, region: 'south', language: 'Telugu' },
  { city: 'Visakhapatnam', state: 'AP', lat: 17.6868, lng: 83.2185, region: 'south', language: 'Telugu' },
  { city: 'Chennai', state: 'TN', lat: 13.0827, lng: 80.2707, region: 'south', language: 'Tamil' },
  { city: 'Coimbatore', state: 'TN', lat: 11.0168, lng: 76.9558, region: 'south', language: 'Tamil' },
  { city: 'Kochi', state: 'KL', lat: 9.9312, lng: 76.2673, region: 'south', language: 'Malayalam' },
  { city: 'Kolkata', state: 'WB', lat: 22.5726, lng: 88.3639, region: 'east', language: 'Bengali' },
  { city: 'Bhubaneswar', state: 'OD', lat: 20.2961, lng: 85.8245, region: 'east', language: 'Odia' },
  { city: 'Guwahati', state: 'AS', lat: 26.1445, lng: 91.7362, region: 'east', language: 'Assamese' },
]

const FIRST_NAMES = {
  m: ['Aarav', 'Rahul', 'Amit', 'Rohit', 'Vikram', 'Arjun', 'Sanjay', 'Karan', 'Suresh', 'Rajesh', 'Manoj', 'Deepak', 'Anil', 'Vivek', 'Nikhil', 'Pranav', 'Aditya', 'Harsh', 'Siddharth', 'Mohammed', 'Imran', 'Faizan', 'Gurpreet', 'Venkatesh', 'Karthik', 'Srinivas', 'Arun', 'Prakash', 'Ravi', 'Sandeep', 'Abhishek', 'Ankit', 'Saurabh', 'Yash', 'Tushar', 'Kunal', 'Rohan', 'Varun', 'Sarthak', 'Manish'],
  f: ['Priya', 'Anjali', 'Neha', 'Pooja', 'Sneha', 'Kavya', 'Divya', 'Shruti', 'Riya', 'Aishwarya', 'Meera', 'Lakshmi', 'Deepika', 'Swati', 'Nisha', 'Pallavi', 'Shreya', 'Ananya', 'Ishita', 'Fatima', 'Ayesha', 'Simran', 'Harleen', 'Lavanya', 'Keerthana', 'Nandini', 'Sonal', 'Komal', 'Preeti', 'Jyoti'],
} as const

const SURNAMES: Record<Region | 'common', readonly string[]> = {
  north: ['Sharma', 'Verma', 'Gupta', 'Singh', 'Yadav', 'Mishra', 'Tiwari', 'Pandey', 'Chauhan', 'Rathore', 'Agarwal', 'Bansal', 'Saxena', 'Malhotra', 'Kapoor', 'Gill', 'Sandhu', 'Birla'],
  west: ['Patel', 'Shah', 'Mehta', 'Joshi', 'Kulkarni', 'Deshpande', 'Patil', 'Jadhav', 'Desai', 'Pawar', 'Shinde'],
  south: ['Reddy', 'Rao', 'Naidu', 'Iyer', 'Iyengar', 'Nair', 'Menon', 'Pillai', 'Krishnan', 'Subramanian', 'Gowda', 'Hegde'],
  east: ['Das', 'Banerjee', 'Chatterjee', 'Mukherjee', 'Ghosh', 'Sen', 'Bose', 'Mohanty', 'Sahoo', 'Kumar', 'Sinha'],
  common: ['Khan', 'Ansari', 'Qureshi', 'Sheikh', 'Jain', 'Kumar', 'Singh', 'Dsouza'],
}

type Field = 'tech' | 'commerce' | 'science' | 'arts' | 'management' | 'trade' | 'school'

interface Degree {
  degree: string
  specialization: string
  field: Field
  years: number
}

interface Level {
  level: string
  weight: number
  /** Age at which the course starts. */
  startAge: number
  degrees: readonly Degree[]
  institutes: (city: City) => readonly string[]
}

const UNIVERSITIES = ['University of Delhi', 'University of Mumbai', 'Anna University', 'Jaypee University of Information Technology', 'Amity University', 'Osmania University', 'Savitribai Phule Pune University', 'Visvesvaraya Technological University', 'Jadavpur University', 'Gujarat University', 'Christ University', 'Lovely Professional University', 'Manipal Institute of Technology', 'SRM Institute of Science and Technology', 'Vellore Institute of Technology', 'Chandigarh University', 'University of Calcutta', 'Andhra University']
const SCHOOLS = (c: City) => ['Kendriya Vidyalaya', 'Delhi Public School', `Government Senior Secondary School, ${c.city}`, `Jawahar Navodaya Vidyalaya, ${c.city}`, "St. Xavier's High School"]

// Apna's education levels as its app lists them ("10th or Below 10th", "12th Pass", ...).
const LEVELS: readonly Level[] = [
  { level: '10th or Below 10th', weight: 8, startAge: 15, degrees: [{ degree: '10th', specialization: 'General', field: 'school', years: 1 }], institutes: SCHOOLS },
  {
    level: '12th Pass',
    weight: 25,
    startAge: 16,
    degrees: [
      { degree: '12th (Science)', specialization: 'Science', field: 'school', years: 2 },
      { degree: '12th (Commerce)', specialization: 'Commerce', field: 'school', years: 2 },
      { degree: '12th (Arts)', specialization: 'Arts', field: 'school', years: 2 },
    ],
    institutes: SCHOOLS,
  },
  {
    level: 'ITI',
    weight: 7,
    startAge: 16,
    degrees: [
      { degree: 'ITI Electrician', specialization: 'Electrician', field: 'trade', years: 2 },
      { degree: 'ITI Fitter', specialization: 'Fitter', field: 'trade', years: 2 },
      { degree: 'ITI Welder', specialization: 'Welder', field: 'trade', years: 1 },
      { degree: 'ITI COPA', specialization: 'Computer Operator', field: 'trade', years: 1 },
    ],
    institutes: (c) => [`Government ITI, ${c.city}`, `Industrial Training Institute, ${c.city}`],
  },
  {
    level: 'Diploma',
    weight: 10,
    startAge: 16,
    degrees: [
      { degree: 'Diploma in Mechanical Engineering', specialization: 'Mechanical', field: 'trade', years: 3 },
      { degree: 'Diploma in Electrical Engineering', specialization: 'Electrical', field: 'trade', years: 3 },
      { degree: 'Diploma in Computer Engineering', specialization: 'Computer', field: 'tech', years: 3 },
      { degree: 'Diploma in Hotel Management', specialization: 'Hospitality', field: 'management', years: 3 },
    ],
    institutes: (c) => [`Government Polytechnic, ${c.city}`, `${c.city} Institute of Technology`],
  },
  {
    level: 'Graduate',
    weight: 38,
    startAge: 18,
    degrees: [
      { degree: 'B.Tech in Computer Engineering', specialization: 'Computer', field: 'tech', years: 4 },
      { degree: 'B.Tech in Mechanical Engineering', specialization: 'Mechanical', field: 'trade', years: 4 },
      { degree: 'B.E. in Electronics and Communication', specialization: 'Electronics', field: 'tech', years: 4 },
      { degree: 'BCA', specialization: 'Computer Applications', field: 'tech', years: 3 },
      { degree: 'B.Com', specialization: 'Commerce', field: 'commerce', years: 3 },
      { degree: 'B.Com in Accounting and Finance', specialization: 'Accounting', field: 'commerce', years: 3 },
      { degree: 'BBA', specialization: 'Business Administration', field: 'management', years: 3 },
      { degree: 'B.Sc in Physics', specialization: 'Physics', field: 'science', years: 3 },
      { degree: 'B.Sc in Nursing', specialization: 'Nursing', field: 'science', years: 4 },
      { degree: 'BA in Economics', specialization: 'Economics', field: 'arts', years: 3 },
      { degree: 'BA in English', specialization: 'English', field: 'arts', years: 3 },
    ],
    institutes: () => UNIVERSITIES,
  },
  {
    level: 'Post Graduate',
    weight: 12,
    startAge: 21,
    degrees: [
      { degree: 'MBA in Marketing', specialization: 'Marketing', field: 'management', years: 2 },
      { degree: 'MBA in Finance', specialization: 'Finance', field: 'commerce', years: 2 },
      { degree: 'MBA in Human Resources', specialization: 'Human Resources', field: 'management', years: 2 },
      { degree: 'MCA', specialization: 'Computer Applications', field: 'tech', years: 2 },
      { degree: 'M.Tech in Computer Science', specialization: 'Computer Science', field: 'tech', years: 2 },
      { degree: 'M.Com', specialization: 'Commerce', field: 'commerce', years: 2 },
    ],
    institutes: () => UNIVERSITIES,
  },
]

interface Role {
  titles: readonly [string, string, string] // junior, mid, senior
  department: string
  /** Monthly salary in INR of a junior, and of a senior. */
  pay: readonly [number, number]
  skills: readonly string[]
}

interface Industry {
  industry: string
  organizations: readonly string[]
  roles: readonly Role[]
  fields: readonly Field[]
}

const INDUSTRIES: readonly Industry[] = [
  {
    industry: 'Software Product',
    organizations: ['Apnetime Tech', 'Zoho', 'Freshworks', 'Razorpay', 'Paytm', 'PhonePe', 'Zeta'],
    roles: [
      { titles: ['Software Engineer', 'Senior Software Engineer', 'Lead Software Engineer'], department: 'Software Engineering', pay: [35_000, 180_000], skills: ['JavaScript', 'SQL', 'TypeScript', 'React', 'Node.js', 'Java', 'Python', 'Git', 'REST APIs'] },
      { titles: ['QA Engineer', 'Senior QA Engineer', 'QA Lead'], department: 'Quality Assurance', pay: [25_000, 120_000], skills: ['Manual Testing', 'Selenium', 'SQL', 'JIRA', 'API Testing'] },
    ],
    fields: ['tech'],
  },
  {
    industry: 'IT Services & Consulting',
    organizations: ['Tata Consultancy Services', 'Infosys', 'Wipro', 'HCLTech', 'Tech Mahindra', 'Cognizant', 'LTIMindtree'],
    roles: [
      { titles: ['Associate Software Engineer', 'Software Engineer', 'Technical Lead'], department: 'Software Engineering', pay: [25_000, 140_000], skills: ['Java', 'SQL', 'Python', 'Spring Boot', '.NET', 'Linux', 'Git'] },
      { titles: ['Data Analyst', 'Senior Data Analyst', 'Analytics Manager'], department: 'Data Science & Analytics', pay: [28_000, 130_000], skills: ['SQL', 'Excel', 'Power BI', 'Python', 'Tableau'] },
    ],
    fields: ['tech', 'science'],
  },
  {
    industry: 'BPO / Call Centre',
    organizations: ['Teleperformance', 'Concentrix', 'Genpact', 'Startek', 'iEnergizer', 'Hinduja Global Solutions'],
    roles: [{ titles: ['Customer Support Executive', 'Senior Customer Support Executive', 'Team Leader'], department: 'Customer Support', pay: [14_000, 45_000], skills: ['Communication', 'MS Office', 'Typing', 'CRM', 'Email Support', 'Problem Solving'] }],
    fields: ['arts', 'commerce', 'school', 'science'],
  },
  {
    industry: 'Banking & Financial Services',
    organizations: ['HDFC Bank', 'ICICI Bank', 'Axis Bank', 'Bajaj Finserv', 'Kotak Mahindra Bank', 'IndusInd Bank'],
    roles: [
      { titles: ['Sales Officer', 'Relationship Manager', 'Branch Sales Manager'], department: 'Sales & Business Development', pay: [18_000, 90_000], skills: ['Sales', 'Lead Generation', 'Cross-selling', 'Negotiation', 'Customer Handling'] },
      { titles: ['Operations Executive', 'Senior Operations Executive', 'Operations Manager'], department: 'Banking Operations', pay: [18_000, 75_000], skills: ['KYC', 'MS Excel', 'Tally', 'Documentation', 'Accounting'] },
    ],
    fields: ['commerce', 'management', 'arts'],
  },
  {
    industry: 'Retail',
    organizations: ['Reliance Retail', 'DMart', 'Trent', 'Spencer\'s Retail', 'More Retail', 'Lifestyle Stores'],
    roles: [{ titles: ['Store Associate', 'Senior Sales Associate', 'Store Manager'], department: 'Retail & Store Operations', pay: [12_000, 55_000], skills: ['Customer Handling', 'Billing', 'Inventory Management', 'POS', 'Visual Merchandising'] }],
    fields: ['school', 'commerce', 'arts', 'management'],
  },
  {
    industry: 'Logistics & Delivery',
    organizations: ['Delhivery', 'Blue Dart', 'Ekart', 'Swiggy', 'Zomato', 'Zepto', 'Shadowfax'],
    roles: [
      { titles: ['Delivery Executive', 'Senior Delivery Executive', 'Fleet Supervisor'], department: 'Delivery / Logistics', pay: [15_000, 40_000], skills: ['Two-wheeler Driving', 'Driving Licence', 'Route Planning', 'Cash Handling', 'Smartphone Navigation'] },
      { titles: ['Warehouse Associate', 'Warehouse Supervisor', 'Warehouse Manager'], department: 'Supply Chain & Warehousing', pay: [13_000, 60_000], skills: ['Inventory Management', 'Picking & Packing', 'Forklift Operation', 'WMS', 'MS Excel'] },
    ],
    fields: ['school', 'trade', 'arts'],
  },
  {
    industry: 'Manufacturing',
    organizations: ['Maruti Suzuki', 'Tata Motors', 'Mahindra & Mahindra', 'Hero MotoCorp', 'Bajaj Auto', 'Larsen & Toubro'],
    roles: [
      { titles: ['Machine Operator', 'Senior Technician', 'Production Supervisor'], department: 'Production & Manufacturing', pay: [14_000, 55_000], skills: ['CNC Operation', 'Machine Maintenance', '5S', 'Quality Control', 'Welding'] },
      { titles: ['Electrician', 'Maintenance Technician', 'Maintenance Engineer'], department: 'Maintenance', pay: [15_000, 60_000], skills: ['Electrical Wiring', 'PLC', 'Preventive Maintenance', 'Safety Procedures'] },
    ],
    fields: ['trade', 'school'],
  },
  {
    industry: 'Hospitality',
    organizations: ['Taj Hotels', 'OYO', 'Lemon Tree Hotels', 'ITC Hotels', 'Haldiram\'s', 'Barbeque Nation'],
    roles: [{ titles: ['Front Office Executive', 'Guest Relations Executive', 'Front Office Manager'], department: 'Hospitality', pay: [14_000, 60_000], skills: ['Guest Relations', 'Communication', 'Reservations', 'Food Safety', 'Billing'] }],
    fields: ['management', 'arts', 'school'],
  },
  {
    industry: 'Healthcare',
    organizations: ['Apollo Hospitals', 'Fortis Healthcare', 'Max Healthcare', 'Manipal Hospitals', 'Dr Lal PathLabs'],
    roles: [{ titles: ['Staff Nurse', 'Senior Staff Nurse', 'Nursing Supervisor'], department: 'Healthcare', pay: [18_000, 65_000], skills: ['Patient Care', 'First Aid', 'Phlebotomy', 'Medical Records', 'Infection Control'] }],
    fields: ['science'],
  },
]

const FIELD_SKILLS: Record<Field, readonly string[]> = {
  tech: ['C++', 'Java', 'Python', 'HTML', 'SQL', 'MS Office'],
  commerce: ['Tally', 'MS Excel', 'Accounting', 'GST'],
  science: ['MS Office', 'Data Entry', 'Lab Work'],
  arts: ['Communication', 'MS Office', 'Content Writing'],
  management: ['Communication', 'MS Excel', 'Marketing', 'Team Management'],
  trade: ['Machine Operation', 'Safety Procedures', 'AutoCAD'],
  school: ['Communication', 'Data Entry', 'MS Office'],
}

// The document: "Type (e.g., full-time)".
const EMPLOYMENT_TYPES = ['full-time', 'full-time', 'full-time', 'full-time', 'part-time', 'contract'] as const
const NOTICE_DAYS = [15, 30, 30, 30, 60, 60, 90] as const

/** Ages are reckoned against a fixed date rather than the clock, so a candidate is a function of
 *  (seed, index) alone; nothing generated ends after it. */
const REFERENCE = { year: 2026, month: 1 }

export interface CandidateOptions {
  ongoingEnd: 'null' | 'omit'
  emailDomain: string
  phonePrefix: string
}

export const defaultCandidateOptions: CandidateOptions = { ongoingEnd: 'null', emailDomain: 'example.com', phonePrefix: '99999' }

/** Candidate `index` of `seed`: every field of the document, consistent with itself (dates follow the
 *  age, salary the last job, languages the city). */
export function candidateAt(seed: number, index: number, options: CandidateOptions = defaultCandidateOptions): Application {
  const r = new Random(seedOf(seed, 'apna', 'candidate', index))
  const city = r.pick(CITIES)
  const gender = r.chance(0.6) ? 'm' : 'f'
  const first = r.pick(FIRST_NAMES[gender])
  const last = r.pick(r.chance(0.15) ? SURNAMES.common : SURNAMES[city.region])
  // Apna's users skew young: most are between 19 and 30.
  const age = 19 + Math.floor(r.next() ** 1.6 * 24)
  const birth = { year: REFERENCE.year - age - 1, month: r.int(1, 12), day: r.int(1, 28) }

  const level = weighted(r, LEVELS)
  const degree = r.pick(level.degrees)
  const educations: Application['educations'] = []
  const courseStart = birth.year + level.startAge
  const courseEnd = courseStart + degree.years
  const highestOngoing = months(courseEnd, 5) > months(REFERENCE.year, REFERENCE.month)
  educations.push(
    education(options, {
      education_level: level.level,
      degree: degree.degree,
      education_institute: r.pick(level.institutes(city)),
      specialization: degree.specialization,
      start: istDate(courseStart, 7, r.int(1, 28)),
      end: highestOngoing ? null : istDate(courseEnd, r.int(4, 6), r.int(1, 28)),
    }),
  )
  // Graduates often list their schooling too, below the degree.
  if (level.startAge >= 18 && r.chance(0.4)) {
    const school = LEVELS[1]!
    const d = r.pick(school.degrees)
    educations.push(
      education(options, {
        education_level: school.level,
        degree: d.degree,
        education_institute: r.pick(school.institutes(city)),
        specialization: d.specialization,
        start: istDate(birth.year + 16, 6, r.int(1, 28)),
        end: istDate(birth.year + 18, 4, r.int(1, 28)),
      }),
    )
  }

  // Work starts a few months after the last course; a student or a fresher may have none.
  const experiences: Application['experiences'] = []
  let lastRole: { role: Role; seniority: number } | undefined
  let employed = false
  const workFrom = months(courseEnd, 6) + r.int(1, 8)
  const now = months(REFERENCE.year, REFERENCE.month)
  if (!highestOngoing && workFrom < now - 2 && !r.chance(0.18)) {
    const fits = INDUSTRIES.filter((i) => i.fields.includes(degree.field))
    const industry = r.pick(fits.length > 0 ? fits : INDUSTRIES)
    const role = r.pick(industry.roles)
    const jobs = Math.min(1 + Math.floor((now - workFrom) / 30), r.int(1, 3))
    let t = workFrom
    const made: Application['experiences'] = []
    for (let j = 0; j < jobs && t < now - 1; j++) {
      const lastJob = j === jobs - 1
      const length = lastJob ? now - t : r.int(8, 36)
      const ongoing = lastJob && r.chance(0.75)
      const end = ongoing ? now : Math.min(t + length, now - r.int(1, 4))
      if (end <= t) break
      // The title a person holds by the end of the job: junior under 3.5 years in work, senior past 7.
      const seniority = Math.min(2, Math.floor((end - workFrom) / 42))
      const org = r.pick(industry.organizations)
      made.push(
        experience(options, {
          organization: org,
          job_title: role.titles[seniority]!,
          employment_type: r.pick(EMPLOYMENT_TYPES),
          industry: industry.industry,
          department: role.department,
          start: istDate(Math.floor(t / 12), (t % 12) + 1, r.int(1, 28)),
          end: ongoing ? null : istDate(Math.floor(end / 12), (end % 12) + 1, r.int(1, 28)),
        }),
      )
      lastRole = { role, seniority }
      employed = ongoing
      t = end + r.int(0, 3)
    }
    // The document's sample lists the current job first.
    experiences.push(...made.reverse())
  }

  let monthly = 0
  if (lastRole) {
    const [low, high] = lastRole.role.pay
    const band = low + ((high - low) * (lastRole.seniority + r.next())) / 3
    monthly = Math.round(band / 500) * 500
  }
  const english = englishFor(r, level.level)
  const languages = [city.language]
  if (city.language !== 'Hindi' && r.chance(0.5)) languages.push('Hindi')
  if (english !== 'no_english') languages.push('English')

  const pool = lastRole ? lastRole.role.skills : FIELD_SKILLS[degree.field]
  const skills = sample(r, pool, Math.min(pool.length, r.int(2, 5)))
  const emailTag = r.int(1, 99)
  const phoneRest = Array.from({ length: 10 - options.phonePrefix.length }, () => r.int(0, 9)).join('')

  return {
    full_name: `${first} ${last}`,
    gender,
    date_of_birth: istDate(birth.year, birth.month, birth.day),
    current_salary: monthly,
    // "Annualized current salary": twelve months of the monthly one.
    current_salary_v2: monthly * 12,
    notice_period: employed ? r.pick(NOTICE_DAYS) : 0,
    english_language_marker: english,
    user_location: {
      display_name: `${city.city}, ${city.state}`,
      city: city.city,
      // A point within a few km of the centre, at the full float precision of the sample.
      derived_location: { lat: city.lat + (r.next() - 0.5) * 0.12, lng: city.lng + (r.next() - 0.5) * 0.12 },
    },
    educations,
    experiences,
    known_languages: languages,
    skills,
    contact_info: {
      email: `${ascii(first)}${emailTag}${ascii(last)}@${options.emailDomain}`,
      phone_number: `${options.phonePrefix}${phoneRest}`,
    },
  }
}

/** A date as the document writes it: midnight in India (IST, +05:30) in UTC, so 23 June is
 *  "…-06-22T18:30:00Z" — the sample's `1996-06-22T18:30:00Z` is this quirk. */
export function istDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day) - 330 * 60_000).toISOString().replace('.000Z', 'Z')
}

function months(year: number, month: number): number {
  return year * 12 + (month - 1)
}

type Stint = { start: string; end: string | null }

function education(options: CandidateOptions, e: Omit<Application['educations'][number], 'ongoing' | 'end' | 'start'> & Stint): Application['educations'][number] {
  return withEnd(options, e)
}

function experience(options: CandidateOptions, e: Omit<Application['experiences'][number], 'ongoing' | 'end' | 'start'> & Stint): Application['experiences'][number] {
  return withEnd(options, e)
}

/** "End date in ISO format, or null if ongoing" (field table); the sample leaves `end` out instead. */
function withEnd<T extends Stint>(options: CandidateOptions, e: T): Omit<T, 'end'> & { end?: string | null; ongoing: boolean } {
  const { end, ...rest } = e
  const ongoing = end === null
  if (ongoing && options.ongoingEnd === 'omit') return { ...rest, ongoing }
  return { ...rest, end, ongoing }
}

function englishFor(r: Random, level: string): string {
  if (level === 'Graduate' || level === 'Post Graduate') return r.pick(['basic', 'intermediate', 'intermediate', 'advanced'])
  if (level === '12th Pass' || level === 'Diploma') return r.pick(['no_english', 'basic', 'basic', 'intermediate'])
  return r.pick(['no_english', 'no_english', 'basic'])
}

function weighted<T extends { weight: number }>(r: Random, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0)
  let x = r.next() * total
  for (const item of items) {
    x -= item.weight
    if (x < 0) return item
  }
  return items[items.length - 1]!
}

function sample<T>(r: Random, items: readonly T[], n: number): T[] {
  const pool = [...items]
  const out: T[] = []
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(r.next() * pool.length), 1)[0]!)
  return out
}

function ascii(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, '')
}
