import type { Sql } from '../kernel/db';
import { demoOwner, type DemoHandling, insertDemoRecord } from '../kernel/demo';
import type { DemoRegistry } from '../kernel/subgraph';

type DemoStage = [mechanism: 'UK_NRM' | 'RO_MNIR', stage: string, outcome: 'POSITIVE' | 'NEGATIVE' | null, occurredOn: string];

interface DemoCase {
  key: string;
  owner: string;
  handling: DemoHandling;
  reference: string;
  summary: string;
  status: 'OPEN' | 'REFERRED' | 'CLOSED';
  exploitationTypes: string[];
  periodStart: string;
  periodEnd: string | null;
  indicators: string[];
  persons: Array<{
    key: string;
    role: string;
    ageBand?: string;
    gender?: string;
    nationality?: string;
    fullName?: string;
    dateOfBirth?: string;
    contact?: string;
    documents?: string;
    /** The person's referral path: [mechanism, stage, outcome, date], in order. */
    stages?: DemoStage[];
  }>;
  events: Array<{ type: string; occurredOn: string; location: string; description: string }>;
}

/**
 * The Romania → UK reference scenario (domain.md). Every name, number and date is invented for the
 * demo; none belongs to a real person.
 */
function demoCases(demo: DemoRegistry): DemoCase[] {
  const group = (slug: string) => demo.groups[slug]!;
  return [
    {
      key: 'lanterna',
      owner: 'met-police',
      handling: { marking: 'AMBER', sharedWithAgencyIds: [demo.agencies['politia-romana']!.id], sourceEvaluation: '1', intelligenceAssessment: 'B' },
      reference: 'MPS-2026-0412 Operation Lanterna',
      summary:
        'Young Romanian women recruited from Constanța through social media by a "boyfriend" (loverboy method), flown from Bucharest to Luton and advertised on adult-services websites in London and Birmingham. Earnings taken to repay a travel debt; proceeds sent to Romania by money transfer.',
      status: 'OPEN',
      exploitationTypes: ['SEXUAL'],
      periodStart: '2025-09-01',
      periodEnd: null,
      indicators: ['RECRUITED_VIA_FALSE_RELATIONSHIP', 'RECRUITED_VIA_SOCIAL_MEDIA', 'DEBT_BONDAGE', 'CONTROL_TAKES_EARNINGS', 'RETENTION_OF_DOCUMENTS'],
      persons: [
        {
          key: 'V1',
          role: 'VICTIM',
          gender: 'female',
          nationality: 'RO',
          fullName: 'Elena Marinescu',
          dateOfBirth: '2004-03-17',
          contact: '+447700900471',
          documents: 'RO identity card (held by suspect)',
          // Referred by the Met after a welfare visit; decisions within the targets, then move-on support.
          stages: [
            ['UK_NRM', 'REFERRAL', null, '2025-11-03'],
            ['UK_NRM', 'REASONABLE_GROUNDS', 'POSITIVE', '2025-11-07'],
            ['UK_NRM', 'CONCLUSIVE_GROUNDS', 'POSITIVE', '2026-02-20'],
            ['UK_NRM', 'SUPPORT_PROVIDED', null, '2026-02-27'],
          ],
        },
        {
          key: 'V2',
          role: 'VICTIM',
          gender: 'female',
          nationality: 'RO',
          fullName: 'Ioana Dumitrache',
          dateOfBirth: '2005-11-02',
          // A late reasonable-grounds decision; the conclusive one is still awaited.
          stages: [
            ['UK_NRM', 'REFERRAL', null, '2026-01-15'],
            ['UK_NRM', 'REASONABLE_GROUNDS', 'POSITIVE', '2026-01-29'],
          ],
        },
        { key: 'S1', role: 'SUSPECT', gender: 'male', nationality: 'RO', fullName: 'Ionuț Popescu', dateOfBirth: '1996-06-21', contact: '+40722123456' },
        { key: 'S2', role: 'SUSPECT', gender: 'male', nationality: 'RO', fullName: 'Marian Vasilescu', dateOfBirth: '1987-01-30' },
      ],
      events: [
        {
          type: 'RECRUITMENT',
          occurredOn: '2025-09-03',
          location: 'constanta',
          description: 'Contact on a social network; a relationship offered, then a job abroad',
        },
        { type: 'TRANSIT', occurredOn: '2025-10-14', location: 'bucuresti', description: 'Flight from Bucharest, tickets paid by S1' },
        { type: 'TRANSIT', occurredOn: '2025-10-14', location: 'luton', description: 'Met at Luton airport by S2' },
        { type: 'EXPLOITATION', occurredOn: '2025-10-20', location: 'london', description: 'Advertised on an adult-services site; flats rotated weekly' },
        { type: 'EXPLOITATION', occurredOn: '2026-01-12', location: 'birmingham', description: 'Moved to Birmingham' },
      ],
    },
    {
      key: 'midlands',
      owner: 'west-midlands-police',
      handling: { marking: 'AMBER', sharedWithGroupIds: [group('midlands-partnership')], sourceEvaluation: '2', intelligenceAssessment: 'B' },
      reference: 'WMP-2026-1187',
      summary: 'Brothels in Leicester and Bedford staffed with women from Iași; a car wash in Coventry used to mix cash takings.',
      status: 'OPEN',
      exploitationTypes: ['SEXUAL', 'LABOUR'],
      periodStart: '2025-06-01',
      periodEnd: null,
      indicators: ['RECRUITED_VIA_JOB_OFFER', 'RESTRICTION_OF_MOVEMENT', 'WITHHOLDING_OF_WAGES', 'CONTROL_BY_DEBT'],
      persons: [
        {
          key: 'V1',
          role: 'VICTIM',
          gender: 'female',
          nationality: 'RO',
          fullName: 'Maria Stoica',
          dateOfBirth: '1999-08-09',
          stages: [
            ['UK_NRM', 'REFERRAL', null, '2025-07-03'],
            ['UK_NRM', 'REASONABLE_GROUNDS', 'POSITIVE', '2025-07-09'],
          ],
        },
        { key: 'S1', role: 'SUSPECT', gender: 'male', nationality: 'RO', fullName: 'Ionuț Popescu', dateOfBirth: '1996-06-21' },
      ],
      events: [
        { type: 'RECRUITMENT', occurredOn: '2025-06-02', location: 'iasi', description: 'Job offer in a UK car wash through an acquaintance' },
        { type: 'TRANSIT', occurredOn: '2025-06-20', location: 'bucuresti', description: 'Coach to the UK' },
        { type: 'EXPLOITATION', occurredOn: '2025-07-01', location: 'leicester', description: 'Brothel above a nail bar' },
        { type: 'EXPLOITATION', occurredOn: '2025-11-15', location: 'bedford', description: 'Moved to Bedford' },
      ],
    },
    {
      key: 'iasi',
      owner: 'politia-romana',
      handling: { marking: 'GREEN', sourceEvaluation: '1', intelligenceAssessment: 'A' },
      reference: 'DIICOT-IS-2026-77',
      summary: 'Recruitment network around Iași and Brașov sending women to Sheffield and Leicester.',
      status: 'REFERRED',
      exploitationTypes: ['SEXUAL'],
      periodStart: '2025-03-01',
      periodEnd: '2026-02-28',
      indicators: ['RECRUITED_VIA_FALSE_RELATIONSHIP', 'ABUSE_OF_VULNERABILITY'],
      persons: [
        {
          key: 'V1',
          role: 'VICTIM',
          gender: 'female',
          nationality: 'RO',
          fullName: 'Andreea Lungu',
          dateOfBirth: '2006-02-14',
          // Back in Romania: identified and assisted through Romania's own mechanism.
          stages: [
            ['RO_MNIR', 'SIGNALLING', null, '2025-05-02'],
            ['RO_MNIR', 'IDENTIFICATION', 'POSITIVE', '2025-05-09'],
            ['RO_MNIR', 'REFERRAL_TO_ASSISTANCE', null, '2025-05-12'],
            ['RO_MNIR', 'ASSISTANCE', null, '2025-05-20'],
          ],
        },
        { key: 'S1', role: 'SUSPECT', gender: 'male', nationality: 'RO', fullName: 'Florin Ardeleanu', dateOfBirth: '1993-10-05' },
      ],
      events: [
        { type: 'RECRUITMENT', occurredOn: '2025-03-10', location: 'brasov', description: 'Recruited at a bar' },
        { type: 'TRANSIT', occurredOn: '2025-04-01', location: 'timisoara', description: 'Car to the Hungarian border' },
        { type: 'EXPLOITATION', occurredOn: '2025-04-20', location: 'sheffield', description: 'Exploited in rented flats' },
      ],
    },
    {
      key: 'safe-passage',
      owner: 'safe-passage',
      handling: { marking: 'GREEN', sourceEvaluation: '2', intelligenceAssessment: 'C' },
      reference: 'SP-CW-2026-031',
      summary: 'Survivor referred by a hospital in London after an injury; describes a "boyfriend" from Târgu Jiu who took her passport.',
      status: 'OPEN',
      exploitationTypes: ['SEXUAL'],
      periodStart: '2025-05-01',
      periodEnd: '2026-03-01',
      indicators: ['RECRUITED_VIA_FALSE_RELATIONSHIP', 'PHYSICAL_OR_SEXUAL_VIOLENCE', 'CONTROL_WITHHOLDS_DOCUMENTS'],
      persons: [
        {
          key: 'V1',
          role: 'VICTIM',
          gender: 'female',
          nationality: 'RO',
          fullName: 'Bianca Neagu',
          dateOfBirth: '2003-07-27',
          contact: 'via Safe Passage caseworker',
          stages: [
            ['UK_NRM', 'REFERRAL', null, '2025-07-10'],
            ['UK_NRM', 'REASONABLE_GROUNDS', 'POSITIVE', '2025-07-15'],
            ['UK_NRM', 'CONCLUSIVE_GROUNDS', 'POSITIVE', '2025-12-01'],
            ['UK_NRM', 'SUPPORT_PROVIDED', null, '2025-12-08'],
          ],
        },
      ],
      events: [
        { type: 'RECRUITMENT', occurredOn: '2025-05-04', location: 'targu-jiu', description: 'Met the "boyfriend" online' },
        { type: 'EXPLOITATION', occurredOn: '2025-07-01', location: 'london', description: 'Exploited in a flat in east London' },
      ],
    },
    {
      key: 'strict',
      owner: 'met-police',
      handling: {
        marking: 'AMBER_STRICT',
        sourceEvaluation: '1',
        intelligenceAssessment: 'A',
        handlingCode: 'C',
        handlingConditions: 'Covert source: not for dissemination outside the MPS',
      },
      reference: 'MPS-2026-0533',
      summary: 'Covert source reporting on a controller in Luton.',
      status: 'OPEN',
      exploitationTypes: ['SEXUAL', 'CRIMINAL'],
      periodStart: '2026-02-01',
      periodEnd: null,
      indicators: ['INTIMIDATION_AND_THREATS'],
      persons: [{ key: 'S1', role: 'SUSPECT', gender: 'male', nationality: 'GB', fullName: 'Darren Whitfield', dateOfBirth: '1985-12-01' }],
      events: [{ type: 'EXPLOITATION', occurredOn: '2026-02-10', location: 'luton', description: 'Source meeting' }],
    },
    {
      key: 'brook',
      owner: 'west-midlands-police',
      handling: { marking: 'GREEN', sourceEvaluation: '1', intelligenceAssessment: 'B' },
      reference: 'WMP-2025-0815 Operation Brook',
      summary:
        'Warrants at six addresses in Birmingham: women from Romania and Albania found in flats advertised on adult-services websites, each referred to the NRM by the force.',
      status: 'OPEN',
      exploitationTypes: ['SEXUAL'],
      periodStart: '2025-08-12',
      periodEnd: null,
      indicators: ['DEBT_BONDAGE', 'CONTROL_TAKES_EARNINGS', 'RESTRICTION_OF_MOVEMENT'],
      persons: brookVictims(),
      events: [],
    },
  ];
}

/**
 * Operation Brook's twelve women (pseudonymised: no names), all referred on the day of the warrants
 * and decided over the following weeks, enough for the NRM statistics to release a few cells to
 * banks and NGOs: ten Romanian women (one of them 17), two Albanian.
 */
function brookVictims(): DemoCase['persons'] {
  // [nationality, date of birth, working days to the reasonable-grounds decision, its outcome, days to the conclusive one or null]
  const victims: Array<[string, string, string, 'POSITIVE' | 'NEGATIVE', number | null]> = [
    ['RO', '2001-04-11', '2025-08-15', 'POSITIVE', 98],
    ['RO', '1998-09-23', '2025-08-18', 'POSITIVE', 140],
    ['RO', '2003-01-05', '2025-08-19', 'POSITIVE', null],
    ['RO', '2000-06-30', '2025-08-15', 'POSITIVE', 75],
    ['RO', '2008-03-14', '2025-08-14', 'POSITIVE', 45],
    ['RO', '1996-12-02', '2025-08-26', 'POSITIVE', null],
    ['RO', '2002-07-19', '2025-08-18', 'NEGATIVE', null],
    ['RO', '1999-02-27', '2025-08-29', 'POSITIVE', null],
    ['RO', '2004-10-08', '2025-08-15', 'POSITIVE', 120],
    ['RO', '1997-05-16', '2025-09-02', 'POSITIVE', null],
    ['AL', '2000-11-21', '2025-08-19', 'POSITIVE', null],
    ['AL', '1995-08-03', '2025-08-22', 'POSITIVE', 160],
  ];
  return victims.map(([nationality, dateOfBirth, rgOn, rg, cgAfter], i) => {
    const stages: DemoStage[] = [
      ['UK_NRM', 'REFERRAL', null, '2025-08-12'],
      ['UK_NRM', 'REASONABLE_GROUNDS', rg, rgOn],
    ];
    if (cgAfter !== null) {
      const cgOn = new Date(Date.parse(`${rgOn}T00:00:00Z`) + cgAfter * 86_400_000).toISOString().slice(0, 10);
      stages.push(['UK_NRM', 'CONCLUSIVE_GROUNDS', 'POSITIVE', cgOn]);
    }
    return { key: `V${i + 1}`, role: 'VICTIM', gender: 'female', nationality, dateOfBirth, stages };
  });
}

/** The day the demo scenario stands on (just after its last events): ages are counted to it. */
export const DEMO_REFERENCE_DATE = '2026-03-01';

/** The age band of a person born on `dateOfBirth`, on the demo's reference date: derived, never typed twice. */
export function demoAgeBand(dateOfBirth: string): string {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = DEMO_REFERENCE_DATE.split('-').map(Number) as [number, number, number];
  const age = ry - y - (rm < m || (rm === m && rd < d) ? 1 : 0);
  const bands: Array<[number, string]> = [
    [18, '0-17'],
    [25, '18-24'],
    [35, '25-34'],
    [45, '35-44'],
    [55, '45-54'],
    [65, '55-64'],
  ];
  return bands.find(([upTo]) => age < upTo)?.[1] ?? '65+';
}

/** Registers `case:<key>`, `person:<key>:<label>`, `stage:<key>:<label>:<stage>` and `event:<key>:<n>` ids for later loaders. */
export async function seedCasesDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  for (const c of demoCases(demo)) {
    const owner = demoOwner(demo, c.owner);
    const caseId = await insertDemoRecord(db, 'cases.cases', owner, c.handling, {
      reference: c.reference,
      summary: c.summary,
      status: c.status,
      exploitation_types: c.exploitationTypes,
      period_start: c.periodStart,
      period_end: c.periodEnd,
      indicators: c.indicators,
    });
    demo.ids[`case:${c.key}`] = caseId;
    for (const p of c.persons) {
      demo.ids[`person:${c.key}:${p.key}`] = await insertDemoRecord(db, 'cases.persons', owner, c.handling, {
        case_id: caseId,
        role: p.role,
        pseudonym: p.key,
        age_band: p.dateOfBirth ? demoAgeBand(p.dateOfBirth) : (p.ageBand ?? null),
        gender: p.gender ?? null,
        nationality: p.nationality ?? null,
        full_name: p.fullName ?? null,
        date_of_birth: p.dateOfBirth ?? null,
        contact: p.contact ?? null,
        documents: p.documents ?? null,
      });
      for (const [mechanism, stage, outcome, occurredOn] of p.stages ?? []) {
        demo.ids[`stage:${c.key}:${p.key}:${stage}`] = await insertDemoRecord(db, 'cases.referral_stages', owner, c.handling, {
          case_id: caseId,
          person_id: demo.ids[`person:${c.key}:${p.key}`],
          mechanism,
          stage,
          outcome,
          occurred_on: occurredOn,
        });
      }
    }
    for (const [i, e] of c.events.entries()) {
      const locationId = demo.locations[e.location];
      if (!locationId) throw new Error(`Demo location ${e.location} is not in the gazetteer`);
      demo.ids[`event:${c.key}:${i + 1}`] = await insertDemoRecord(db, 'cases.events', owner, c.handling, {
        case_id: caseId,
        type: e.type,
        occurred_on: e.occurredOn,
        location_id: locationId,
        description: e.description,
      });
    }
  }
}
