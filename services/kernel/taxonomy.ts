import { registerEnumType } from 'type-graphql';
import { badInput } from './errors';

/** UK National Referral Mechanism exploitation categories. */
export enum ExploitationType {
  SEXUAL = 'SEXUAL',
  LABOUR = 'LABOUR',
  CRIMINAL = 'CRIMINAL',
  DOMESTIC_SERVITUDE = 'DOMESTIC_SERVITUDE',
  ORGAN_HARVESTING = 'ORGAN_HARVESTING',
}
registerEnumType(ExploitationType, { name: 'ExploitationType', description: 'UK NRM exploitation categories' });

/**
 * Financial red flags for typologies and transaction reports, in our own words, after the FATF/APG
 * 2018 report, FinCEN FIN-2014-A008 / FIN-2020-A008 and Canada's Project PROTECT.
 */
export const FINANCIAL_INDICATORS: Record<string, string> = {
  FREQUENT_CITY_MOVEMENT: 'Frequent movement between cities; many short hotel stays in several cities',
  PAYS_FOR_OTHERS: "Spending that pays for other people's lodging, travel, food, clothing or medical costs",
  CASH_OUTSIDE_HOURS: 'Cash deposits outside business hours',
  CASH_WITHOUT_PAYROLL: 'Regular cash deposits without payroll or tax outgoings',
  PREPAID_CARDS: 'Frequent purchases of prepaid cards',
  SMALL_ONLINE_DEPOSITS_MOVED_ON: 'Many small online-payment deposits moved on quickly',
  CONTACT_IN_ADULT_ADVERTS: "The customer's phone, email or handle appears in adult-services adverts",
  FIXED_PAYMENTS_TO_ADVERT_SITES: 'Repeated small fixed-amount payments to classified-advert or escort sites, often abroad',
  FUNNEL_ACCOUNT: 'Funnel account: cash paid in at distant places and withdrawn quickly elsewhere',
  SHARED_BENEFICIARIES_OR_CONTACTS: 'Several unrelated customers paying the same beneficiaries, or sharing an address or phone',
  THIRD_PARTY_CONTROL: 'A third party accompanies the customer, speaks for them, or holds their documents',
  FRONT_BUSINESS: 'Front businesses (massage parlours, nail bars, car washes, restaurants) mixing revenues',
  FREQUENT_TRAVEL_TICKETS: 'Frequent air, rail or coach tickets, often for several people',
  LATE_NIGHT_ADULT_VENUES: 'Payments at adult venues late at night; heavy ride-hailing use at night',
  TRANSFERS_TO_ORIGIN_COUNTRY: 'Transfers to the origin country through money-transfer services or cash couriers',
  ASSETS_IN_THIRD_PARTY_NAMES: 'Property or vehicles registered to third parties',
};

/** Exploitation indicators (ILO forced-labour indicators and UK NRM practice), recruitment and control. */
export const EXPLOITATION_INDICATORS: Record<string, string> = {
  ABUSE_OF_VULNERABILITY: 'Abuse of vulnerability',
  DECEPTION: 'Deception',
  RESTRICTION_OF_MOVEMENT: 'Restriction of movement',
  ISOLATION: 'Isolation',
  PHYSICAL_OR_SEXUAL_VIOLENCE: 'Physical or sexual violence',
  INTIMIDATION_AND_THREATS: 'Intimidation and threats',
  RETENTION_OF_DOCUMENTS: 'Retention of identity documents',
  WITHHOLDING_OF_WAGES: 'Withholding of wages',
  DEBT_BONDAGE: 'Debt bondage',
  ABUSIVE_CONDITIONS: 'Abusive working and living conditions',
  EXCESSIVE_OVERTIME: 'Excessive overtime',
  RECRUITED_VIA_SOCIAL_MEDIA: 'Recruitment through social media',
  RECRUITED_VIA_FALSE_RELATIONSHIP: 'Recruitment through a false relationship ("loverboy")',
  RECRUITED_VIA_JOB_OFFER: 'Recruitment through a job offer',
  RECRUITED_VIA_FAMILY_OR_ACQUAINTANCE: 'Recruitment through family or an acquaintance',
  CONTROL_BY_DEBT: 'Control by debt',
  CONTROL_TAKES_EARNINGS: 'Control: takes earnings',
  CONTROL_WITHHOLDS_DOCUMENTS: 'Control: withholds documents',
  CONTROL_THREATS_TO_FAMILY: 'Control: threats to family',
  CONTROL_SUBSTANCE_DEPENDENCY: 'Control: drugs or alcohol dependency',
};

/** The ILO indicators of forced labour (ILO, 2012), by the codes of EXPLOITATION_INDICATORS. */
export const FORCED_LABOUR_INDICATOR_CODES = [
  'ABUSE_OF_VULNERABILITY',
  'DECEPTION',
  'RESTRICTION_OF_MOVEMENT',
  'ISOLATION',
  'PHYSICAL_OR_SEXUAL_VIOLENCE',
  'INTIMIDATION_AND_THREATS',
  'RETENTION_OF_DOCUMENTS',
  'WITHHOLDING_OF_WAGES',
  'DEBT_BONDAGE',
  'ABUSIVE_CONDITIONS',
  'EXCESSIVE_OVERTIME',
] as const;

/** Signs of sexual exploitation a frontline professional may notice, in our own words (UK NRM and Home Office statutory guidance practice). */
export const SEXUAL_EXPLOITATION_INDICATORS: Record<string, string> = {
  SEX_ADVERTISED_ONLINE: 'Advertised for sex online, or a phone number that appears in adult-services adverts',
  SEX_MOVED_BETWEEN_ADDRESSES: 'Moved often between addresses or cities, sometimes at short notice',
  SEX_NO_CONTROL_OF_EARNINGS: 'Has no access to the money earned, or hands it to someone else',
  SEX_ACCOMPANIED_BY_CONTROLLER: 'Always accompanied; someone else speaks for them or answers questions put to them',
  SEX_SIGNS_OF_ABUSE: 'Injuries, untreated sexual-health problems or repeated emergency contraception',
  SEX_PHONE_CONTROLLED: 'Their phone is controlled or monitored by someone else, or they carry several phones',
  SEX_BRANDED: 'Tattoos or marks that may show ownership',
};

/** Signs of child exploitation (sexual and criminal, including county lines), in our own words. */
export const CHILD_EXPLOITATION_INDICATORS: Record<string, string> = {
  CHILD_MISSING_EPISODES: 'Goes missing from home, care or school, repeatedly',
  CHILD_OLDER_ASSOCIATES: 'Relationships with older people, or gifts, money or phones with no explanation',
  CHILD_CRIMINAL_ACTIVITY: 'Carries or deals drugs, or travels far from home with no explanation (county lines)',
  CHILD_SCHOOL_ABSENCE: 'Absent from school, or a sudden fall in attendance and behaviour',
  CHILD_UNACCOMPANIED: 'Arrived or travels unaccompanied, or with an adult who is not a parent or carer',
  CHILD_SEXUALISED_CONTROL: 'Sexual activity the child cannot consent to, or images of the child shared online',
  CHILD_UNEXPLAINED_INJURIES: 'Injuries with no explanation, or one that does not fit',
};

/** What a frontline notification may state, in three groups: forced labour (ILO), sexual exploitation, child exploitation. */
export const NOTIFICATION_INDICATOR_GROUPS: Record<'FORCED_LABOUR' | 'SEXUAL_EXPLOITATION' | 'CHILD_EXPLOITATION', Record<string, string>> = {
  FORCED_LABOUR: Object.fromEntries(FORCED_LABOUR_INDICATOR_CODES.map((c) => [c, EXPLOITATION_INDICATORS[c]!])),
  SEXUAL_EXPLOITATION: SEXUAL_EXPLOITATION_INDICATORS,
  CHILD_EXPLOITATION: CHILD_EXPLOITATION_INDICATORS,
};
export const NOTIFICATION_INDICATORS: Record<string, string> = Object.assign({}, ...Object.values(NOTIFICATION_INDICATOR_GROUPS));

export function assertIndicators(field: string, codes: string[] | undefined, taxonomy: Record<string, string>): void {
  for (const [i, code] of (codes ?? []).entries()) {
    if (!(code in taxonomy)) throw badInput(`${field}[${i}]`, `unknown indicator "${code}"`);
  }
}
