export const AGENCY_TYPES = ['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'FRONTLINE', 'HUB_ANALYST', 'HUB_ADMIN'] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

/**
 * The anonymous member of the public, who is no agency: the gateway makes this actor, without a
 * token, only for the public intake fields (gateway/public-intake.ts). No agency can be registered
 * with this type (the agencies table refuses it), so no token ever yields it.
 */
export const PUBLIC = 'PUBLIC' as const;
export type ActorType = AgencyType | typeof PUBLIC;
export const ACTOR_TYPES: readonly ActorType[] = [...AGENCY_TYPES, PUBLIC];
/** The public actor's fixed agency and user ids: no agency or user row has them. */
export const PUBLIC_AGENCY_ID = '00000000-0000-4000-8000-000000000000';
export const PUBLIC_USER_ID = '00000000-0000-4000-8000-000000000001';

export function publicActor(): Actor {
  return { userId: PUBLIC_USER_ID, agencyId: PUBLIC_AGENCY_ID, agencyType: PUBLIC, role: 'CONTRIBUTOR', groupIds: [] };
}

/**
 * The reader an intelligence report's visuals are rendered for: a member of `agencyType` with nothing
 * of its own (an agency id no agency has, no sharing group, no grant, no stated purpose), reading
 * only (VIEWER). What it sees, every agency of that type sees: records that reach every member
 * (CLEAR and GREEN), through that type's rules (its disclosure control included).
 */
export const AUDIENCE_AGENCY_ID = '00000000-0000-4000-8000-0000000000a0';
export const AUDIENCE_USER_ID = '00000000-0000-4000-8000-0000000000a1';

export function audienceActor(agencyType: AgencyType): Actor {
  return { userId: AUDIENCE_USER_ID, agencyId: AUDIENCE_AGENCY_ID, agencyType, role: 'VIEWER', groupIds: [] };
}

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
  agencyType: ActorType;
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
export function isActorType(v: unknown): v is ActorType {
  return v === PUBLIC || isAgencyType(v);
}
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
