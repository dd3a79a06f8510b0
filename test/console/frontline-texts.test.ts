import { frontline } from '../../console/src/locales/frontline';
import { NOTIFICATION_INDICATOR_GROUPS, NOTIFICATION_INDICATORS } from '../../services/kernel/taxonomy';

/** The notification form names every sign the taxonomy lets a frontline service notify, in both languages. */
describe('the frontline texts of the console', () => {
  it('name every notification indicator and group of the taxonomy, and no other, in English and Romanian', () => {
    const codes = Object.keys(NOTIFICATION_INDICATORS).sort();
    expect(Object.keys(frontline.en.indicators).sort()).toEqual(codes);
    expect(Object.keys(frontline.ro.indicators).sort()).toEqual(codes);
    expect(Object.keys(frontline.en.groups).sort()).toEqual(Object.keys(NOTIFICATION_INDICATOR_GROUPS).sort());
    for (const label of Object.values(frontline.ro.indicators)) expect(label).not.toBe('');
  });

  it('write Romanian with the comma-below ș and ț, never the cedilla forms', () => {
    expect(JSON.stringify(frontline.ro)).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    expect(JSON.stringify(frontline.ro)).toMatch(/[\u0219\u021b]/);
  });
});
