import { countryOf, ENTITY_KINDS, type EntityKind, isUsualNationalNumber, maskIdentifier, NATIONAL_PHONE_COUNTRIES, normaliseIdentifier } from './identifier';

const norm = (kind: EntityKind, raw: string, country?: string) => normaliseIdentifier(kind, raw, 'input.value', country);

function refused(kind: EntityKind, raw: string, message: RegExp, country?: string): void {
  let error: unknown;
  try {
    norm(kind, raw, country);
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
    expect(norm('BANK_ACCOUNT', 'GB68ALBN60161331926819')).toBe('GB68ALBN60161331926819');
    expect(norm('BANK_ACCOUNT', 'RO26CRPT0000001234567890')).toBe('RO26CRPT0000001234567890');
  });
});

describe('normaliseIdentifier: national numbers and the contributor’s country', () => {
  it('reads a national number with the contributing agency’s country, so a Romanian 0722 meets +40722', () => {
    expect(norm('PHONE', '0722 123 456', 'RO')).toBe('+40722123456');
    expect(norm('PHONE', '0722-123-456', 'RO')).toBe(norm('PHONE', '+40 722 123 456'));
    expect(norm('PHONE', '07700 900312', 'GB')).toBe('+447700900312');
    expect(norm('PHONE', '(07700) 900 312', 'GB')).toBe(norm('PHONE', '+44 7700 900312'));
    expect(norm('PHONE', '06 30 123 4567', 'HU')).toBe('+36301234567');
  });

  it('knows which lengths most numbers of a country have (how free text tells a number from other digits)', () => {
    // A British 9-digit number is valid when contributed, but unusual: in free text it is more likely someone else's.
    expect(norm('PHONE', '0722 123 456', 'GB')).toBe('+44722123456');
    expect(isUsualNationalNumber('0722123456', 'GB')).toBe(false);
    expect(isUsualNationalNumber('07700900123', 'GB')).toBe(true);
    expect(isUsualNationalNumber('0722123456', 'RO')).toBe(true);
    expect(isUsualNationalNumber('722123456', 'RO')).toBe(false);
    expect(isUsualNationalNumber('0722123456', 'IT')).toBe(false);
  });

  it('ignores the country for numbers already in international form', () => {
    expect(norm('PHONE', '+40 722 123 456', 'GB')).toBe('+40722123456');
    expect(norm('PHONE', '0040 722 123 456', 'GB')).toBe('+40722123456');
    expect(norm('PHONE', '+44 7700 900312', 'RO')).toBe('+447700900312');
  });

  it('refuses national numbers it cannot place', () => {
    refused('PHONE', '0722 123 456', /include the country code/);
    refused('PHONE', '0722 123 456', /national numbers are read only for .*RO.*not US/, 'US');
    refused('PHONE', '722 123 456', /not a national number of RO/, 'RO');
    // A UK-length number read as Romanian is too long: one digit slip must not make a wrong node.
    refused('PHONE', '07700 900312', /valid number of RO: \+40 is followed by 9 digits/, 'RO');
    refused('PHONE', '0722 123 45', /valid number of GB/, 'GB');
    // Hungary dials 06 before a national number.
    expect(norm('PHONE', '06 30 123 4567', 'HU')).toBe('+36301234567');
  });

  it('checks the length of GB and RO numbers and refuses a kept trunk 0', () => {
    refused('PHONE', '+40 722 123 45', /valid number of RO/);
    refused('PHONE', '+40 0722 123 456', /drop the national 0 after \+40/);
    refused('PHONE', '+44 07700 900312', /drop the national 0 after \+44/);
    expect(norm('PHONE', '+44 20 7946 0000')).toBe('+442079460000');
  });

  it('names the field when an explicit country is not a country code', () => {
    expect(countryOf('ro', 'GB', 'input.country')).toBe('RO');
    expect(countryOf(undefined, 'GB', 'input.country')).toBe('GB');
    expect(countryOf(null, undefined, 'input.country')).toBeUndefined();
    expect(countryOf(undefined, 'not-a-country', 'input.country')).toBeUndefined();
    let error: unknown;
    try {
      countryOf('Romania', 'GB', 'identifiers[2].country');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'identifiers[2].country' } });
  });

  it('supports at least GB and RO', () => {
    expect(NATIONAL_PHONE_COUNTRIES).toEqual(expect.arrayContaining(['GB', 'RO']));
  });
});

describe('normaliseIdentifier: the other kinds in more detail', () => {
  it('refuses an IBAN of the wrong length for its country, and accepts "IBAN" prefixes and mailto:', () => {
    refused('BANK_ACCOUNT', 'RO49AAAA1B3100759384000', /RO IBANs have 24 characters/);
    refused('BANK_ACCOUNT', 'GB82WEST1234569876543', /GB IBANs have 22 characters/);
    expect(norm('BANK_ACCOUNT', 'IBAN: RO49 AAAA 1B31 0075 9384 0000')).toBe('RO49AAAA1B31007593840000');
    expect(norm('BANK_ACCOUNT', 'GB82.WEST.1234.5698.7654.32')).toBe('GB82WEST12345698765432');
    expect(norm('EMAIL', 'mailto:Recrutare.Demo@Example.ORG')).toBe('recrutare.demo@example.org');
  });

  it('drops every tracking parameter and orders the rest, so shared links meet', () => {
    const a = norm('ONLINE_ADVERT', 'https://adverts.example.net/ad/1?b=2&a=1&fbclid=XYZ&gclid=1');
    const b = norm('ONLINE_ADVERT', 'https://www.ADVERTS.example.net:443/ad/1/?a=1&utm_source=ig&b=2');
    expect(a).toBe('https://adverts.example.net/ad/1?a=1&b=2');
    expect(b).toBe(a);
    // Repeated keys keep their order.
    expect(norm('ONLINE_ADVERT', 'https://example.org/s?tag=z&tag=a')).toBe('https://example.org/s?tag=z&tag=a');
    refused('ONLINE_ADVERT', 'https://user:secret@example.org/ad', /user name or password/);
  });

  it('writes social profiles per platform: aliases, profile URLs and each platform’s handle rules', () => {
    expect(norm('SOCIAL_PROFILE', 'https://www.instagram.com/Tessera.Demo.Ionut/')).toBe('instagram:tessera.demo.ionut');
    expect(norm('SOCIAL_PROFILE', 'ig:@tessera.demo.ionut')).toBe('instagram:tessera.demo.ionut');
    expect(norm('SOCIAL_PROFILE', 'https://www.tiktok.com/@Demo.Recruiter')).toBe('tiktok:demo.recruiter');
    expect(norm('SOCIAL_PROFILE', 'twitter:@Demo_Ionut')).toBe('x:demo_ionut');
    expect(norm('SOCIAL_PROFILE', 'https://x.com/demo_ionut')).toBe('x:demo_ionut');
    // Facebook ignores dots and case in user names.
    expect(norm('SOCIAL_PROFILE', 'https://m.facebook.com/Ionut.Demo.7')).toBe('facebook:ionutdemo7');
    expect(norm('SOCIAL_PROFILE', 'fb:ionutdemo7')).toBe('facebook:ionutdemo7');
    expect(norm('SOCIAL_PROFILE', 'https://www.facebook.com/profile.php?id=100012345678')).toBe('facebook:100012345678');
    expect(norm('SOCIAL_PROFILE', 'https://t.me/Demo_Recruiter')).toBe('telegram:demo_recruiter');
    // Messaging apps are keyed by phone number, read like any phone.
    expect(norm('SOCIAL_PROFILE', 'whatsapp:0722 123 456', 'RO')).toBe('whatsapp:+40722123456');
    expect(norm('SOCIAL_PROFILE', 'https://wa.me/40722123456')).toBe('whatsapp:+40722123456');
    // Unknown platforms keep the generic form.
    expect(norm('SOCIAL_PROFILE', 'Badoo:@Someone.Demo')).toBe('badoo:someone.demo');
    refused('SOCIAL_PROFILE', 'x:this_handle_is_far_too_long', /not a x handle: 1 to 15/);
    refused('SOCIAL_PROFILE', 'instagram:bad/handle', /not a instagram handle/);
    refused('SOCIAL_PROFILE', 'https://www.instagram.com/p/Cx1/', /not a instagram handle/);
    refused('SOCIAL_PROFILE', 'https://www.facebook.com/groups/123456', /not a facebook handle/);
    refused('SOCIAL_PROFILE', 'https://unknown.example/profile', /platform:handle/);
    refused('SOCIAL_PROFILE', 'whatsapp:0722 123 456', /include the country code/);
  });

  it('writes vehicles without dots too', () => {
    expect(norm('VEHICLE', 'b.123.tst')).toBe('B123TST');
  });

  it('stays idempotent for the new forms', () => {
    const samples: Array<[EntityKind, string, string?]> = [
      ['PHONE', '0722 123 456', 'RO'],
      ['PHONE', '07700 900312', 'GB'],
      ['SOCIAL_PROFILE', 'https://m.facebook.com/Ionut.Demo.7'],
      ['SOCIAL_PROFILE', 'whatsapp:0722 123 456', 'RO'],
      ['SOCIAL_PROFILE', 'twitter:@Demo_Ionut'],
      ['ONLINE_ADVERT', 'https://adverts.example.net/ad/1?b=2&a=1&fbclid=XYZ'],
      ['BANK_ACCOUNT', 'IBAN RO49 AAAA 1B31 0075 9384 0000'],
    ];
    for (const [kind, raw, country] of samples) {
      const once = norm(kind, raw, country);
      expect(norm(kind, once)).toBe(once);
      expect(norm(kind, once, 'GB')).toBe(once);
    }
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
