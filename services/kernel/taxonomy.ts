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

export function assertIndicators(field: string, codes: string[] | undefined, taxonomy: Record<string, string>): void {
  for (const [i, code] of (codes ?? []).entries()) {
    if (!(code in taxonomy)) throw badInput(`${field}[${i}]`, `unknown indicator "${code}"`);
  }
}
