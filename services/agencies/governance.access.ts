import type { Actor } from '../../policies/actor';
import { forbidden } from '../kernel/errors';

/**
 * Who may take part in governance (access requests and grants, sharing groups, retention review).
 * These subjects are not yet in policies/ (see the report of issue 4 for the rules to add there);
 * until they are, every root field of them is declared 'any-member' and its service calls one of
 * these checks first. Each denies by default and refuses with FORBIDDEN (a type/role decision,
 * never a record-level one).
 */

/** The hub's administrators hold no intelligence: they neither ask for it nor are asked. */
const holdsIntelligence = (a: Actor) => a.agencyType !== 'HUB_ADMIN';
const contributes = (a: Actor) => a.role === 'CONTRIBUTOR' || a.role === 'SUPERVISOR';

export const governanceRules = {
  /** Ask an agency for access to the records behind a hit. */
  requestAccess: (a: Actor) => holdsIntelligence(a) && contributes(a),
  /** See the requests addressed to or made by one's agency, and answer those addressed to it. */
  handleAccessRequests: (a: Actor) => holdsIntelligence(a) && contributes(a),
  /** Create sharing groups and change their members. */
  manageSharingGroups: (a: Actor) => a.agencyType === 'HUB_ADMIN' && contributes(a),
  /** List one's own records due for review and the reviews made. */
  seeRetention: (a: Actor) => holdsIntelligence(a) && contributes(a),
  /** Decide to keep or erase one's own agency's record. */
  reviewRecords: (a: Actor) => holdsIntelligence(a) && a.role === 'SUPERVISOR',
} as const;

const DENIALS: Record<keyof typeof governanceRules, string> = {
  requestAccess: 'Only contributors and supervisors of an intelligence-holding agency may request access',
  handleAccessRequests: 'Only contributors and supervisors of an intelligence-holding agency handle access requests',
  manageSharingGroups: "Only the hub's administrators manage sharing groups",
  seeRetention: 'Only contributors and supervisors of an intelligence-holding agency see retention reviews',
  reviewRecords: "Only a supervisor of the record's owner agency may review it",
};

export function assertMay(actor: Actor, what: keyof typeof governanceRules): void {
  if (!governanceRules[what](actor)) throw forbidden(DENIALS[what]);
}
