export const AGENCY_TYPES = ['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'HUB_ANALYST', 'HUB_ADMIN'] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

/** Within an agency, the role decides what a person may do; the agency type what data it may ever see. */
export const ROLES = ['VIEWER', 'CONTRIBUTOR', 'SUPERVISOR'] as const;
export type Role = (typeof ROLES)[number];

/** TLP 2.0, in order: a merge or derivation takes the highest of its sources. */
export const MARKINGS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
export type Marking = (typeof MARKINGS)[number];

export function highestMarking(...markings: Marking[]): Marking {
  return markings.reduce((a, b) => (MARKINGS.indexOf(a) >= MARKINGS.indexOf(b) ? a : b), 'CLEAR');
}

/** The authenticated person behind a request, as the gateway established it from a trusted issuer. */
export interface Actor {
  userId: string;
  agencyId: string;
  agencyType: AgencyType;
  role: Role;
  /** Sharing groups the agency belongs to (AMBER records shared to a group reach its members). */
  groupIds: string[];
  /** ISO 3166-1 alpha-2 country of the agency: how its users' national-format identifiers are read. */
  country?: string;
  /** The purpose the caller stated for this request, if any (recorded by the audit trail). */
  purpose?: string;
}

export function isAgencyType(v: unknown): v is AgencyType {
  return typeof v === 'string' && (AGENCY_TYPES as readonly string[]).includes(v);
}
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
