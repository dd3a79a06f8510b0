import { normaliseIdentifier } from '../kernel/identifier';
import { describeFirstIdentifier, extract, findIdentifiers, findIndicators, firstIdentifier, fold } from './extract';

const codes = (text: string) => findIndicators(text).map((i) => i.code);
const values = (text: string, opts = {}) => findIdentifiers(text, opts).map((i) => `${i.kind} ${i.value}`);

describe('identifiers in free text', () => {
  it('finds phones, emails, IBANs, sort codes, handles and URLs, normalised, with the offsets of what it read', () => {
    const text =
      'He called from +44 7700 900123 and 0040 722 111 222, wrote from Recrutare.Demo@Example.org, paid into GB68 ALBN 6016 1331 9268 19 AND ' +
      'sort code 60-16-13 31926819, found her on instagram: @tessera.demo.ionut. and posted https://www.adverts.example.net/london/ad/48213/?utm_source=x.';
    const found = findIdentifiers(text, { country: 'GB' });
    expect(found.map((i) => `${i.kind} ${i.value}`)).toEqual([
      'PHONE +447700900123',
      'PHONE +40722111222',
      'EMAIL recrutare.demo@example.org',
      'BANK_ACCOUNT GB68ALBN60161331926819',
      'BANK_ACCOUNT GB-SORTCODE:601613:31926819',
      'SOCIAL_PROFILE instagram:tessera.demo.ionut',
      'ONLINE_ADVERT https://adverts.example.net/london/ad/48213',
    ]);
    expect(found.map((i) => text.slice(i.start, i.end))).toEqual([
      '+44 7700 900123',
      '0040 722 111 222',
      'Recrutare.Demo@Example.org',
      'GB68 ALBN 6016 1331 9268 19',
      '60-16-13 31926819',
      'instagram: @tessera.demo.ionut',
      'https://www.adverts.example.net/london/ad/48213/?utm_source=x',
    ]);
  });

  it('reads national phone numbers by the contributor’s country, and Romanian ones in Romanian texts', () => {
    expect(values('Sună-l la 0722 123 456.', { country: 'RO' })).toEqual(['PHONE +40722123456']);
    expect(values('Call 07700 900123 now', { country: 'GB' })).toEqual(['PHONE +447700900123']);
    expect(values('Sună-l la 0722-123-456', { country: 'GB', language: 'ro' })).toEqual(['PHONE +40722123456']);
    // Without a country, a national number names no one for certain: nothing is proposed.
    expect(values('Call 07700 900123 now')).toEqual([]);
    expect(values('+44 (0)7700 900123 2026')).toEqual(['PHONE +447700900123']);
    const two = 'Numere: 0722 123 456 0744 555 123.';
    const found = findIdentifiers(two, { country: 'RO' });
    expect(found.map((i) => i.value)).toEqual(['+40722123456', '+40744555123']);
    expect(found.map((i) => two.slice(i.start, i.end))).toEqual(['0722 123 456', '0744 555 123']);
    // National numbers are read with the same numbering plans as contributed ones (Hungary's trunk prefix is 06).
    expect(values('Hívd: 06 30 123 4567', { country: 'HU' })).toEqual(['PHONE +36301234567']);
  });

  it('reads the national numbers of countries with and without a trunk prefix as a field would', () => {
    const cases: Array<[string, string, string, string]> = [
      ['PL', 'Zadzwoń pod 512 345 678 wieczorem.', '512 345 678', '+48512345678'],
      ['ES', 'Llama al 612 34 56 78 mañana.', '612 34 56 78', '+34612345678'],
      ['NG', 'Call 0803 123 4567 on arrival.', '0803 123 4567', '+2348031234567'],
      ['VN', 'Gọi 091 234 56 78 khi đến.', '091 234 56 78', '+84912345678'],
    ];
    for (const [country, text, typed, e164] of cases) {
      const found = findIdentifiers(text, { country });
      expect(found.map((i) => `${i.kind} ${i.value}`)).toEqual([`PHONE ${e164}`]);
      expect(text.slice(found[0]!.start, found[0]!.end)).toBe(typed);
      // The entity a narrative proposes is the one the same number typed in a field names.
      expect(found[0]!.value).toBe(normaliseIdentifier('PHONE', typed, 'input.value', country));
    }
    expect(values('+48 512 345 678, +34 612 345 678, +234 803 123 4567 and +84 91 234 56 78')).toEqual([
      'PHONE +48512345678',
      'PHONE +34612345678',
      'PHONE +2348031234567',
      'PHONE +84912345678',
    ]);
    // Another country's national number is read as the contributor's only where it is one of its numbers too.
    expect(values('Gọi 091 234 56 78 khi đến.', { country: 'GB' })).toEqual([]);
    // A run of digits without the trunk prefix its country dials is not read as a number.
    expect(values('Ref 722 123 456.', { country: 'RO' })).toEqual([]);
  });

  it('reads adversarial runs of 50,000 characters in linear time', () => {
    for (const text of ['1 '.repeat(25000), '0 '.repeat(25000), '07-'.repeat(16000), 'a'.repeat(50000), 'a.'.repeat(25000), '+44 (0)'.repeat(7000)]) {
      // A hang detector, not a performance target: a backtracking pattern takes minutes on these inputs.
      const started = Date.now();
      extract(text, { country: 'GB', language: 'ro' });
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });

  it('does not read amounts, dates, times or an IBAN’s digits as phone numbers', () => {
    expect(values('£2,500 for the flight on 02.03.2026 at 23:00, GBP 20-150 per advert, 2025-06-01 - 2026-03-31', { country: 'GB' })).toEqual([]);
    expect(values('RO26 CRPT 0000 0012 3456 7890', { country: 'RO' })).toEqual(['BANK_ACCOUNT RO26CRPT0000001234567890']);
    expect(values('GB00 ALBN 6016 1331 9268 19')).toEqual([]); // wrong check digits
  });

  it('reads social profiles from platform URLs and “@handle on/pe platform”', () => {
    expect(values('https://instagram.com/some.one and @alt_name pe TikTok')).toEqual(['SOCIAL_PROFILE instagram:some.one', 'SOCIAL_PROFILE tiktok:alt_name']);
    // Platforms and aliases as contributed profiles know them: the same entity either way.
    expect(values('twitter: @Demo_Ionut, https://www.facebook.com/profile.php?id=100012345678 and @ionut.demo on snap')).toEqual([
      'SOCIAL_PROFILE x:demo_ionut',
      'SOCIAL_PROFILE facebook:100012345678',
      'SOCIAL_PROFILE snapchat:ionut.demo',
    ]);
    // A platform's own pages are adverts at most, never profiles.
    expect(values('https://www.instagram.com/p/Cx1abc/')).toEqual(['ONLINE_ADVERT https://instagram.com/p/Cx1abc']);
  });

  it('keeps the first occurrence of each identifier', () => {
    const r = extract('+40 722 123 456 then again +40722123456');
    expect(r.identifiers).toHaveLength(1);
    expect(r.identifiers[0]!.start).toBe(0);
  });

  it('describes an identifier without repeating it, and lets a bare site name through', () => {
    expect(describeFirstIdentifier('Payments to adultwork.example.com and https://escorts.example.net')).toBeUndefined();
    expect(describeFirstIdentifier('Customer phone +44 7700 900123')).toBe('a phone number at characters 15-30');
    expect(describeFirstIdentifier('see https://escorts.example.net/ad/123')).toMatch(/^a URL naming a page/);
  });

  it('names the first identifier, as the console warns of it: kind, normalised value and where, a national number read with the country given', () => {
    expect(firstIdentifier('Customer gave 07700 900123 as contact', { country: 'GB' })).toEqual({ kind: 'PHONE', value: '+447700900123', start: 14, end: 26 });
    expect(firstIdentifier('Payments to adultwork.example.com and https://escorts.example.net')).toBeUndefined();
  });

  it('finds an identifier however it is spaced or typed, and says where it stands in the text as written', () => {
    for (const [text, kind] of [
      ['Customers call 07700\u00A0900123 first.', 'PHONE'], // a non-breaking space, as word processors paste
      ['Customers call 07700\u200B900123 first.', 'PHONE'], // a zero-width space
      ['Customers call \uFF10\uFF17\uFF17\uFF10\uFF10\uFF19\uFF10\uFF10\uFF11\uFF12\uFF13 first.', 'PHONE'], // fullwidth digits
      ['Paid into GB82  WEST  1234  5698  7654  32 twice.', 'BANK_ACCOUNT'], // double spaces
      ['Paid into GB82\u00A0WEST\u00A01234\u00A05698\u00A07654\u00A032 twice.', 'BANK_ACCOUNT'],
      ['Write to john.smith\uFF20example.com for work.', 'EMAIL'], // a fullwidth at sign
    ] as const) {
      const hit = firstIdentifier(text, { country: 'GB' });
      expect({ text, kind: hit?.kind }).toEqual({ text, kind });
      // Where it stands in the text as written: the span holds the identifier's last character, and ends before the text's last word.
      const span = text.slice(hit!.start, hit!.end);
      expect(span.length).toBeGreaterThan(5);
      expect(text.slice(hit!.end)).toMatch(/^ (first|twice|for work)\.$/);
    }
  });

  it('finds the national numbers of any country in a text meant to carry none, whoever wrote it', () => {
    for (const [text, at] of [
      ['Drivers are paid after a call to 0722 123 456.', '33-45'],
      ['Customers are told to call 07700 900876 for the room.', '27-39'],
      ['Clients ring 0803 123 4567 first.', '13-26'],
      ['Clients ring 091 234 56 78 first.', '13-26'],
      ['Clients ring 612 345 678 first.', '13-24'],
      ['Clients ring 512 345 678 first.', '13-24'],
    ]) {
      for (const country of ['GB', 'RO', 'PL', undefined]) expect(describeFirstIdentifier(text!, { country })).toBe(`a phone number at characters ${at}`);
    }
  });

  it('reads no phone number in amounts, dates and times, whichever country wrote them', () => {
    for (const text of [
      'Card payments of GBP 20-150 to adverts.example.net between 23:00 and 04:00, 01.03.2026 - 31.03.2026.',
      'Rent of GBP 600-1,200 per flat per month, 2025-06-01 - 2026-03-31, 3 to 12 transfers a week.',
      'Zahlungen von 02.03.2026 bis 31.03.2026, je 500-1.500 EUR.',
    ]) {
      for (const country of ['GB', 'RO', 'DE', 'ES', undefined]) expect(describeFirstIdentifier(text, { country })).toBeUndefined();
    }
  });
});

describe('indicators in English and Romanian', () => {
  it('folds diacritics, old cedillas and case without moving offsets', () => {
    const s = 'Pașaportul, Paşaportul, ÎNCUIATĂ, couldn’t';
    expect(fold(s)).toBe("pasaportul, pasaportul, incuiata, couldn't");
    expect(fold(s)).toHaveLength(s.length);
  });

  it('reads the Romanian keywords with and without diacritics', () => {
    for (const text of [
      'Mi-a luat pașaportul. Spunea că mă iubește. Îi datorez banii pentru zbor. M-a amenințat că le spune părinților mei.',
      'Mi-a luat pasaportul. Spunea ca ma iubeste. Ii datorez banii pentru zbor. M-a amenintat ca le spune parintilor mei.',
    ]) {
      expect(codes(text).sort()).toEqual(
        [
          'CONTROL_BY_DEBT',
          'CONTROL_THREATS_TO_FAMILY',
          'CONTROL_WITHHOLDS_DOCUMENTS',
          'DEBT_BONDAGE',
          'INTIMIDATION_AND_THREATS',
          'RECRUITED_VIA_FALSE_RELATIONSHIP',
          'RETENTION_OF_DOCUMENTS',
        ].sort(),
      );
    }
    expect(codes('Avea o datorie mare.')).toContain('DEBT_BONDAGE');
    expect(codes('Datoria creștea mereu.')).toContain('DEBT_BONDAGE');
    expect(codes('Datorită vremii am plecat.')).not.toContain('DEBT_BONDAGE');
    expect(codes('Paşaportul l-a păstrat el.')).toContain('RETENTION_OF_DOCUMENTS');
    expect(codes('Iubitul meu m-a adus aici.')).toContain('RECRUITED_VIA_FALSE_RELATIONSHIP');
  });

  it('reads the English equivalents', () => {
    const text =
      'He said he was her boyfriend and promised a life in London. He took her passport. She owed him £2,500 for the flight. ' +
      'All the money went to him. He threatened to hurt her family.';
    expect(codes(text).sort()).toEqual(
      [
        'CONTROL_BY_DEBT',
        'CONTROL_TAKES_EARNINGS',
        'CONTROL_THREATS_TO_FAMILY',
        'CONTROL_WITHHOLDS_DOCUMENTS',
        'DEBT_BONDAGE',
        'DECEPTION',
        'INTIMIDATION_AND_THREATS',
        'RECRUITED_VIA_FALSE_RELATIONSHIP',
        'RETENTION_OF_DOCUMENTS',
      ].sort(),
    );
  });

  it('needs a document and a taking in the same sentence', () => {
    expect(codes('She had a passport. They took the bus.')).toEqual([]);
  });

  it('points at the words that triggered an indicator', () => {
    const text = 'Când am ajuns, mi-a luat pașaportul.';
    const [hit] = findIndicators(text).filter((i) => i.code === 'RETENTION_OF_DOCUMENTS');
    expect(text.slice(hit!.start, hit!.end)).toBe('luat pașaportul');
  });
});
