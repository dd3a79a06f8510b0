import { foldText, textIndicators } from './indicators';

describe('advert text indicators', () => {
  test.each([
    ['Sexy girl, new in town, call now', ['NEW_IN_TOWN']],
    ['Fată nouă în oraș, doar câteva zile', ['NEW_IN_TOWN']],
    ['Noua in oras, sunati-ma', ['NEW_IN_TOWN']],
    ['My girls are waiting, she is very friendly', ['THIRD_PARTY']],
    ['Fetele mele vă așteaptă', ['THIRD_PARTY']],
    ['Petite, 16 yo, discreet', ['CHILD_AGE']],
    ['Elevă, 17 ani', ['CHILD_AGE']],
    ['She is 16 years, just arrived', ['THIRD_PARTY', 'NEW_IN_TOWN', 'CHILD_AGE']],
    ['Independent escort, 25 years, Mayfair', []],
  ])('%s → %j', (text, expected) => {
    expect(textIndicators(text)).toEqual(expected);
  });

  test('Romanian letters fold with either form of comma or cedilla', () => {
    expect(foldText('Nouă în Oraș, ţară, țară')).toBe('noua in oras, tara, tara');
  });
});
