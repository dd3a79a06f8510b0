import { PERSON_IDENTITY } from '../../policies/subjects';

/**
 * The personal fields of each GraphQL type (a policy subject's type has the subject's name), in one
 * place: what a CONSULT is about (kernel/audit.ts), which resolvers note consultations
 * (kernel/subgraph.ts), and which keys the logger redacts wherever they appear (kernel/logger.ts).
 * Values are never logged, only these names. A type not listed here carries no personal field and
 * its reads are not logged: add a type here when it exposes personal data.
 */
export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Person: PERSON_IDENTITY,
  Narrative: ['text'],
  Entity: ['value'],
  TransactionReport: ['parties'],
  // Words and identifiers extracted from a narrative's text (narratives subgraph, owner NGO only).
  NarrativeProposal: ['value', 'excerpt'],
};

/** Every personal field name, once. */
export const PERSONAL_FIELD_NAMES: readonly string[] = [...new Set(Object.values(PERSONAL_FIELDS).flat())].sort();
