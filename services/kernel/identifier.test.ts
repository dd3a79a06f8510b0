import { countryOf, ENTITY_KINDS, type EntityKind, maskIdentifier, normaliseIdentifier, PHONE_COUNTRIES, phoneInText } from './identifier';

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
    refused('PHONE', '+4412345', /valid number of GB: \+44 is followed by 7, 9 or 10 digits/);
    refused('PHONE', '+0722123456', /does not start with a country code/);
    refused('PHONE', '+1234567890123456', /valid number of US: \+1 is followed by 10 digits/);
    refused('PHONE', '+', /only digits/);
    refused('PHONE', '+44', /too short/);
  });

  it('lower-cases and trims emails and checks their shape', () => {
    expect(norm('EMAIL', '  Ionut.P@Example.COM ')).toBe('ionut.p@example.com');
    refused('EMAIL', 'not-an-email', /email address/);
    refused('EMAIL', 'a@b', /email address/);
    refused('EMAIL', 'a@b..com', /email address/);
  });

  it('validates IBANs by their check digits and their country’s length and format', () => {
    expect(norm('BANK_ACCOUNT', 'gb82 west 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
    expect(norm('BANK_ACCOUNT', 'RO49 AAAA 1B31 0075 9384 0000')).toBe('RO49AAAA1B31007593840000');
    refused('BANK_ACCOUNT', 'GB83WEST12345698765432', /check digits/);
    refused('BANK_ACCOUNT', 'GB82WEST12345698765433', /check digits/);
    refused('BANK_ACCOUNT', 'GB82', /IBAN/);
  });

  it('reads IBANs of every country that issues them, lower-case or spaced, and refuses bad checksums', () => {
    expect(norm('BANK_ACCOUNT', 'de89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
    expect(norm('BANK_ACCOUNT', 'FR14 2004 1010 0505 0001 3M02 606')).toBe('FR1420041010050500013M02606');
    expect(norm('BANK_ACCOUNT', 'es91-2100-0418-4502-0005-1332')).toBe('ES9121000418450200051332');
    expect(norm('BANK_ACCOUNT', 'PL61 1090 1014 0000 0712 1981 2874')).toBe('PL61109010140000071219812874');
    refused('BANK_ACCOUNT', 'DE88370400440532013000', /not a valid IBAN: its check digits do not match/);
    refused('BANK_ACCOUNT', 'es92 2100 0418 4502 0005 1332', /not a valid IBAN: its check digits do not match/);
    refused('BANK_ACCOUNT', 'PL61109010140000071219812875', /check digits/);
    refused('BANK_ACCOUNT', 'GB82WEST1234569876543X', /not a valid IBAN: its account number is not in the format of GB/);
    // Nigeria uses no IBANs: an IBAN-shaped value for it is a typing slip.
    refused('BANK_ACCOUNT', 'NG82WEST12345698765432', /NG issues no IBANs/);
  });

  it('accepts a BIC given with an IBAN, checks it, and keys the account by its IBAN alone', () => {
    expect(norm('BANK_ACCOUNT', 'GB82 WEST 1234 5698 7654 32, BIC: westgb2l')).toBe('GB82WEST12345698765432');
    expect(norm('BANK_ACCOUNT', 'GB82WEST12345698765432 SWIFT/BIC NWBKGB2LXXX')).toBe('GB82WEST12345698765432');
    refused('BANK_ACCOUNT', 'GB82WEST12345698765432 BIC WESTGB', /BIC that is not one/);
    refused('BANK_ACCOUNT', 'GB82WEST12345698765432 BIC ABCD1234', /BIC that is not one/);
  });

  it('writes UK sort code and account as one value', () => {
    expect(norm('BANK_ACCOUNT', '60-16-13 31926819')).toBe('GB-SORTCODE:601613:31926819');
    expect(norm('BANK_ACCOUNT', '601613:31926819')).toBe('GB-SORTCODE:601613:31926819');
    for (const typed of ['20-00-00 12345678', '200000 12345678', '20 00 00 12345678', '20-00-00:12345678', 'gb-sortcode:200000:12345678']) {
      expect(norm('BANK_ACCOUNT', typed)).toBe('GB-SORTCODE:200000:12345678');
    }
    refused('BANK_ACCOUNT', '60-16-13 3192681', /IBAN|sort code/);
    refused('BANK_ACCOUNT', '60-16-1 31926819', /IBAN|sort code/);
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

  it('reads the national numbers of any country, with or without a trunk prefix', () => {
    // Poland and Spain dial no trunk prefix; Nigeria and Vietnam dial 0.
    expect(norm('PHONE', '512 345 678', 'PL')).toBe('+48512345678');
    expect(norm('PHONE', '612 34 56 78', 'ES')).toBe('+34612345678');
    expect(norm('PHONE', '0803 123 4567', 'NG')).toBe('+2348031234567');
    expect(norm('PHONE', '091 234 56 78', 'VN')).toBe('+84912345678');
    // A national number without its trunk prefix is the same number.
    expect(norm('PHONE', '722 123 456', 'RO')).toBe('+40722123456');
    for (const [national, country, international] of [
      ['512 345 678', 'PL', '+48 512 345 678'],
      ['612 345 678', 'ES', '0034 612 345 678'],
      ['0803 123 4567', 'NG', '+234 803 123 4567'],
      ['091 234 56 78', 'VN', '+84 91 234 5678'],
    ] as const) {
      expect(norm('PHONE', national, country)).toBe(norm('PHONE', international));
    }
  });

  it('refuses numbers of the wrong length for their country, naming the field', () => {
    refused('PHONE', '512 345 67', /valid number of PL/, 'PL');
    refused('PHONE', '+48 512 345 67', /valid number of PL/);
    refused('PHONE', '612 345 6789', /valid number of ES: \+34 is followed by 9 digits/, 'ES');
    refused('PHONE', '0803 123 456', /valid number of NG/, 'NG');
    refused('PHONE', '+84 91 234 5', /valid number of VN/);
    // A British force typing a Romanian mobile nationally: no UK number has 9 digits starting 7.
    refused('PHONE', '0722 123 456', /valid number of GB/, 'GB');
  });

  it('ignores the country for numbers already in international form', () => {
    expect(norm('PHONE', '+40 722 123 456', 'GB')).toBe('+40722123456');
    expect(norm('PHONE', '0040 722 123 456', 'GB')).toBe('+40722123456');
    expect(norm('PHONE', '+44 7700 900312', 'RO')).toBe('+447700900312');
  });

  it('refuses national numbers it cannot place', () => {
    refused('PHONE', '0722 123 456', /include the country code/);
    refused('PHONE', '0722 123 456', /valid number of US/, 'US');
    refused('PHONE', '0722 123 456', /XX has no telephone numbering plan/, 'XX');
    // A UK-length number read as Romanian is too long: one digit slip must not make a wrong node.
    refused('PHONE', '07700 900312', /valid number of RO: \+40 is followed by 6 or 9 digits/, 'RO');
    refused('PHONE', '0722 123 45', /valid number of GB/, 'GB');
    // Hungary dials 06 before a national number.
    expect(norm('PHONE', '06 30 123 4567', 'HU')).toBe('+36301234567');
  });

  it('checks the length of numbers in international form, and drops a trunk 0 kept after the country code', () => {
    refused('PHONE', '+40 722 123 45', /valid number of RO/);
    expect(norm('PHONE', '+40 0722 123 456')).toBe('+40722123456');
    expect(norm('PHONE', '+44 07700 900312')).toBe('+447700900312');
    expect(norm('PHONE', '+44 20 7946 0000')).toBe('+442079460000');
    // Ofcom's drama range, left out of the ranges in use: still a number (the demo's numbers are in it).
    expect(norm('PHONE', '+44 7700 900312')).toBe('+447700900312');
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

  it('reads the numbering plans of every country, not a chosen few', () => {
    expect(PHONE_COUNTRIES).toEqual(expect.arrayContaining(['GB', 'RO', 'PL', 'ES', 'NG', 'VN', 'US']));
    expect(PHONE_COUNTRIES.length).toBeGreaterThan(200);
  });
});

describe('phoneInText: phone numbers in free text', () => {
  it('reads international numbers as a field does, and national ones only in their usual written form', () => {
    expect(phoneInText('+40 722 123 456')).toBe('+40722123456');
    expect(phoneInText('0722 123 456', 'RO')).toBe(norm('PHONE', '0722 123 456', 'RO'));
    expect(phoneInText('0722 123 456')).toBeUndefined();
    // Where a country dials a trunk prefix, a run of digits without it is not read as a number.
    expect(phoneInText('722 123 456', 'RO')).toBeUndefined();
    // Where it dials none, only numbers in ranges in use are read.
    expect(phoneInText('612 345 678', 'ES')).toBe('+34612345678');
    expect(phoneInText('512 345 678', 'PL')).toBe('+48512345678');
    expect(phoneInText('12 000 000', 'ES')).toBeUndefined();
    // Italy dials no trunk prefix: the 0 of its fixed numbers is part of the number.
    expect(phoneInText('06 1234 5678', 'IT')).toBe('+390612345678');
    expect(phoneInText('06 1234 5678', 'IT')).toBe(norm('PHONE', '+39 06 1234 5678'));
  });

  it('reads neither dates nor short runs of digits', () => {
    expect(phoneInText('02.03.2026', 'DE')).toBeUndefined();
    expect(phoneInText('2025-06-01', 'PL')).toBeUndefined();
    expect(phoneInText('030 1234', 'DE')).toBeUndefined();
    expect(phoneInText('030 1234567', 'DE')).toBe('+49301234567');
  });

  it('reads only mobile numbers of a country without a trunk prefix when asked to', () => {
    expect(phoneInText('612 345 678', 'ES', true)).toBe('+34612345678');
    expect(phoneInText('912 345 678', 'ES')).toBe('+34912345678');
    expect(phoneInText('912 345 678', 'ES', true)).toBeUndefined();
    expect(phoneInText('0722 123 456', 'RO', true)).toBe('+40722123456');
  });
});

describe('normaliseIdentifier: the other kinds in more detail', () => {
  it('refuses an IBAN of the wrong length for its country, and accepts "IBAN" prefixes and mailto:', () => {
    refused('BANK_ACCOUNT', 'RO49AAAA1B3100759384000', /RO IBANs have 24 characters/);
    refused('BANK_ACCOUNT', 'DE89 3704 0044 0532 0130 0', /DE IBANs have 22 characters/);
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
      ['BANK_ACCOUNT', 'de89 3704 0044 0532 0130 00 BIC DEUTDEFF'],
      ['BANK_ACCOUNT', '20 00 00 12345678'],
      ['PHONE', '512 345 678', 'PL'],
      ['PHONE', '612 345 678', 'ES'],
      ['PHONE', '0803 123 4567', 'NG'],
      ['PHONE', '091 234 56 78', 'VN'],
      ['PHONE', '+44 (0)7700 900123'],
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
