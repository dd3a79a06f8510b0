import { DEMO_AGENCIES } from '../agencies/api';
import type { Sql } from '../kernel/db';
import { demoOwner, insertDemoRecord } from '../kernel/demo';
import type { DemoRegistry } from '../kernel/subgraph';
import { extract } from './extract';
import { insertProposals } from './narrative.service';

/**
 * Two invented accounts of the Safe Passage case (loverboy scenario, domain.md); no real person.
 * The English one may reach law enforcement, the Romanian one (the survivor's own words) may not.
 */
const DEMO_NARRATIVES = [
  {
    key: 'safe-passage-en',
    language: 'en',
    consentLawEnforcement: true,
    consentHub: true,
    recordedAt: '2026-03-02T10:30:00Z',
    indicators: ['RECRUITED_VIA_SOCIAL_MEDIA', 'RECRUITED_VIA_FALSE_RELATIONSHIP', 'RETENTION_OF_DOCUMENTS', 'DEBT_BONDAGE', 'CONTROL_TAKES_EARNINGS'],
    text: 'Caseworker summary. B. met a man online while living in Târgu Jiu; after a few weeks he called himself her boyfriend and promised a life together in London. He paid for her flight and then told her she owed him £2,500 for it. On arrival he took her passport "to keep it safe", put her photos on an adult-services website with his Romanian number, +40 722 123 456, and drove her to flats in Birmingham and then London at night. All the money went to him and he said the debt kept growing.',
  },
  {
    key: 'safe-passage-ro',
    language: 'ro',
    consentLawEnforcement: false,
    consentHub: true,
    recordedAt: '2026-03-02T11:05:00Z',
    indicators: [
      'RECRUITED_VIA_SOCIAL_MEDIA',
      'RECRUITED_VIA_FALSE_RELATIONSHIP',
      'CONTROL_WITHHOLDS_DOCUMENTS',
      'CONTROL_BY_DEBT',
      'CONTROL_THREATS_TO_FAMILY',
    ],
    text: 'L-am cunoscut pe internet, pe când locuiam în Târgu Jiu. Spunea că mă iubește și că o să avem o viață frumoasă la Londra. Mi-a plătit biletul de avion, apoi mi-a zis că îi datorez banii pentru zbor. Când am ajuns, mi-a luat pașaportul și mi-a pus pozele pe un site de anunțuri, cu numărul lui românesc, +40 722 123 456. M-a amenințat că le spune părinților mei totul dacă nu fac ce zice.',
  },
];

/** Registers `narrative:<key>` ids; what the text proposes beyond the stated indicators waits for Safe Passage to decide. */
export async function seedNarrativesDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  const caseId = demo.ids['case:safe-passage'];
  if (!caseId) throw new Error('The narratives demo needs the cases demo (case:safe-passage)');
  const owner = demoOwner(demo, 'safe-passage');
  const country = DEMO_AGENCIES.find((a) => a.slug === 'safe-passage')?.country;
  for (const n of DEMO_NARRATIVES) {
    demo.ids[`narrative:${n.key}`] = await insertDemoRecord(
      db,
      'narratives.narratives',
      owner,
      { marking: 'GREEN', sourceEvaluation: '2', intelligenceAssessment: 'C' },
      {
        case_id: caseId,
        language: n.language,
        text: n.text,
        indicators: n.indicators,
        consent_law_enforcement: n.consentLawEnforcement,
        consent_hub: n.consentHub,
        consent_recorded_by: 'Safe Passage caseworker (demo)',
        consent_recorded_at: n.recordedAt,
      },
    );
    const found = extract(n.text, { country, language: n.language as 'ro' | 'en' });
    await insertProposals(db, demo.ids[`narrative:${n.key}`]!, {
      identifiers: found.identifiers,
      indicators: found.indicators.filter((i) => !n.indicators.includes(i.code)),
    });
  }
}
