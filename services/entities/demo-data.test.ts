import { DEMO_AGENCIES } from '../agencies/api';
import { normaliseIdentifier } from '../kernel/identifier';
import { DEMO_ENTITIES, DEMO_OBSERVATIONS } from './demo-data';

/** The country each demo case's owner reads national values with (services/cases/demo-data.ts names the owners). */
const CASE_COUNTRY: Record<string, string> = { lanterna: 'GB', midlands: 'GB', iasi: 'RO', 'safe-passage': 'GB', strict: 'GB' };

describe('the demo identifiers as the libraries read them', () => {
  it('keep the canonical values they were stored with, so no stored entity needs rewriting', () => {
    const stored = Object.fromEntries(Object.entries(DEMO_ENTITIES).map(([name, e]) => [name, normaliseIdentifier(e.kind, e.value, name)]));
    expect(stored).toEqual({
      'shared-phone': '+447700900312',
      's1-phone-ro': '+40722123456',
      's1-iban-gb': 'GB68ALBN60161331926819',
      's1-iban-ro': 'RO26CRPT0000001234567890',
      advert: 'https://adverts.example.net/london/ad/48213',
      'recruiter-profile': 'instagram:tessera.demo.ionut',
      'recruiter-email': 'recrutare.demo@example.org',
      car: 'LX25QQQ',
      'car-wash': 'Spălătoria Auto Sparkle (demo) Ltd',
      'front-association': 'Asociația Tinerilor pentru Muncă în Străinătate (demo)',
      'leicester-premises': 'Flat 2, 14 Example Road, Leicester',
      'covert-phone': '+447700900555',
    });
  });

  it('normalise to themselves, whichever demo agency reads them (every phone included)', () => {
    const countries = [...new Set(DEMO_AGENCIES.map((a) => a.country)), undefined];
    for (const [name, e] of Object.entries(DEMO_ENTITIES)) {
      const value = normaliseIdentifier(e.kind, e.value, name);
      for (const country of countries) expect(normaliseIdentifier(e.kind, value, name, country)).toBe(value);
    }
    expect(Object.values(DEMO_ENTITIES).filter((e) => e.kind === 'PHONE')).toHaveLength(3);
  });

  it('read each value a contributor typed its own way as the entity it names', () => {
    const typed = DEMO_OBSERVATIONS.filter((o) => o[4] !== undefined);
    expect(typed.length).toBeGreaterThan(0);
    for (const [caseKey, entity, , , as] of typed) {
      const e = DEMO_ENTITIES[entity]!;
      expect(normaliseIdentifier(e.kind, as!, entity, CASE_COUNTRY[caseKey])).toBe(normaliseIdentifier(e.kind, e.value, entity));
    }
  });
});
