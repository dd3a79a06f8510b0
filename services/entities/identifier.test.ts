import { DEMO_S1_IBAN_GB, DEMO_S1_IBAN_RO } from './demo-data';
import { ENTITY_KINDS, type EntityKind, maskIdentifier, normaliseIdentifier } from './identifier';

const norm = (kind: EntityKind, raw: string) => normaliseIdentifier(kind, raw, 'input.value');

function refused(kind: EntityKind, raw: string, message: RegExp): void {
  let error: unknown;
  try {
    norm(kind, raw);
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.value' } });
  expect((error as Error).message).toMatch(message);
}

describe('normaliseIdentifier', () => {
  it('writes phones as E.164, so differently typed numbers meet', () => {
    const forms = ['+40 722 123 456', '0040722123456', '+40-722-123-456', '+40 (722) 123.456', ' +40722123456 '];
    expect(new Set(forms.map((f) => norm('PHONE', f)))).toEqual(new Set(['+40722123456']));
    expect(norm('PHONE', '+44 (0)7700 900123')).toBe('+447700900123');
  });

  it('refuses national numbers and malformed phones', () => {
    refused('PHONE', '07700 900123', /include the country code/);
    refused('PHONE', '+44 7700 x123', /only digits/);
    refused('PHONE', '+4412345', /8 to 15 digits/);
    refused('PHONE', '+0722123456', /8 to 15 digits/);
    refused('PHONE', '+1234567890123456', /8 to 15 digits/);
  });

  it('lower-cases and trims emails and checks their shape', () => {
    expect(norm('EMAIL', '  Ionut.P@Example.COM ')).toBe('ionut.p@example.com');
    refused('EMAIL', 'not-an-email', /email address/);
    refused('EMAIL', 'a@b', /email address/);
    refused('EMAIL', 'a@b..com', /email address/);
  });

  it('validates IBANs by their mod-97 check digits', () => {
    expect(norm('BANK_ACCOUNT', 'gb82 west 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
    expect(norm('BANK_ACCOUNT', 'RO49 AAAA 1B31 0075 9384 0000')).toBe('RO49AAAA1B31007593840000');
    refused('BANK_ACCOUNT', 'GB83WEST12345698765432', /check digits/);
    refused('BANK_ACCOUNT', 'GB82WEST12345698765433', /check digits/);
    refused('BANK_ACCOUNT', 'GB82', /IBAN/);
  });

  it('writes UK sort code and account as one value', () => {
    expect(norm('BANK_ACCOUNT', '60-16-13 31926819')).toBe('GB-SORTCODE:601613:31926819');
    expect(norm('BANK_ACCOUNT', '601613:31926819')).toBe('GB-SORTCODE:601613:31926819');
    refused('BANK_ACCOUNT', '60-16-13 3192681', /IBAN|sort code/);
  });

  it('canonicalises advert URLs', () => {
    expect(norm('ONLINE_ADVERT', 'https://WWW.Adverts.Example.net/london/ad/48213/?utm_source=x&ref=7&UTM_medium=y#photos')).toBe(
      'https://adverts.example.net/london/ad/48213?ref=7',
    );
    expect(norm('ONLINE_ADVERT', 'http://example.org/')).toBe('http://example.org');
    expect(norm('ONLINE_ADVERT', 'https://example.org/a?q=b%20c')).toBe(norm('ONLINE_ADVERT', 'https://example.org/a?q=b+c&utm_campaign=z'));
    refused('ONLINE_ADVERT', 'ftp://example.org/ad', /http/);
    refused('ONLINE_ADVERT', 'example.org/ad', /http/);
  });

  it('writes social profiles as platform:handle', () => {
    expect(norm('SOCIAL_PROFILE', 'Instagram : @Tessera.Demo.Ionut')).toBe('instagram:tessera.demo.ionut');
    refused('SOCIAL_PROFILE', '@tessera.demo', /platform:handle/);
  });

  it('writes vehicles upper-case without separators', () => {
    expect(norm('VEHICLE', 'lx25 qqq')).toBe('LX25QQQ');
    expect(norm('VEHICLE', 'B-123-TST')).toBe('B123TST');
    refused('VEHICLE', 'LX25 QQ!', /registration/);
  });

  it('collapses whitespace in addresses and organisations and writes Romanian comma-below letters', () => {
    expect(norm('ADDRESS', '  Flat 2,\n 14  Example Road,  Leicester ')).toBe('Flat 2, 14 Example Road, Leicester');
    expect(norm('ORGANISATION', 'Strada Ştefan cel Mare 3, Constanţa')).toBe('Strada Ștefan cel Mare 3, Constanța');
    refused('ADDRESS', 'x'.repeat(301), /300/);
  });

  it('refuses empty values of every kind, and unknown kinds', () => {
    for (const kind of ENTITY_KINDS) refused(kind, '   ', /required/);
    refused('FAX' as EntityKind, '+447700900123', /unknown kind/);
  });

  it('is idempotent: a normalised value normalises to itself', () => {
    const samples: Array<[EntityKind, string]> = [
      ['PHONE', '0040 722 123 456'],
      ['EMAIL', 'A@Example.com'],
      ['BANK_ACCOUNT', 'gb82 west 1234 5698 7654 32'],
      ['BANK_ACCOUNT', '60-16-13 31926819'],
      ['ONLINE_ADVERT', 'https://www.example.net/x/?a=b%20c#f'],
      ['SOCIAL_PROFILE', 'TikTok:@Demo'],
      ['VEHICLE', 'lx25 qqq'],
      ['ADDRESS', ' 1  Ţarcului  St '],
    ];
    for (const [kind, raw] of samples) {
      const once = norm(kind, raw);
      expect(norm(kind, once)).toBe(once);
    }
  });

  it('accepts the demo IBANs (invented bank codes, valid check digits)', () => {
    expect(norm('BANK_ACCOUNT', DEMO_S1_IBAN_GB)).toBe(DEMO_S1_IBAN_GB);
    expect(norm('BANK_ACCOUNT', DEMO_S1_IBAN_RO)).toBe(DEMO_S1_IBAN_RO);
  });
});

describe('maskIdentifier', () => {
  it('shows only what the access model allows of a value', () => {
    expect(maskIdentifier('BANK_ACCOUNT', 'GB82WEST12345698765432')).toBe('••••5432');
    expect(maskIdentifier('BANK_ACCOUNT', 'GB-SORTCODE:601613:31926819')).toBe('••••6819');
    expect(maskIdentifier('PHONE', '+40722123456')).toBe('+40•••456');
    expect(maskIdentifier('EMAIL', 'ionut.p@example.com')).toBe('i•••@example.com');
    expect(maskIdentifier('VEHICLE', 'LX25QQQ')).toBe('LX2•••');
    expect(maskIdentifier('SOCIAL_PROFILE', 'instagram:tessera.demo')).toBe('ins•••');
  });

  it('never shows a whole value, however short', () => {
    expect(maskIdentifier('VEHICLE', 'AB1')).toBe('A•••');
    expect(maskIdentifier('EMAIL', 'a@example.com')).toBe('•••@example.com');
  });
});
