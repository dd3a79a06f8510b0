import 'reflect-metadata'; // its decorators (and references.ts's) need the metadata API whichever module loads first
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { type Actor, type Marking as MarkingName, MARKINGS } from '../../policies/actor';
import { viaGrantSql } from '../../policies/reach';
import type { SqlParams } from '../../policies/sql';
import { enumOf } from './enums';
import { badInput } from './errors';
import { isUuid } from './validate';
import { AgencyRef } from './references';

/** TLP 2.0 marking, ordered CLEAR < GREEN < AMBER < AMBER_STRICT < RED (policies/actor.ts MARKINGS is the list). */
export const Marking = enumOf(MARKINGS);
export type Marking = MarkingName;
registerEnumType(Marking, { name: 'Marking', description: 'TLP 2.0 marking' });

/** UK 3x5x2 source evaluation (stored as 1, 2, 3). */
export enum SourceEvaluation {
  RELIABLE = '1',
  UNTESTED = '2',
  NOT_RELIABLE = '3',
}
registerEnumType(SourceEvaluation, { name: 'SourceEvaluation', description: '3x5x2 source evaluation: 1 reliable, 2 untested, 3 not reliable' });

/** UK 3x5x2 intelligence assessment. */
export enum IntelligenceAssessment {
  A = 'A',
  B = 'B',
  C = 'C',
  D = 'D',
  E = 'E',
}
registerEnumType(IntelligenceAssessment, {
  name: 'IntelligenceAssessment',
  description: '3x5x2: A known directly, B known indirectly but corroborated, C known indirectly, D not known, E suspected false',
});

/** UK 3x5x2 handling code. */
export enum HandlingCode {
  P = 'P',
  C = 'C',
}
registerEnumType(HandlingCode, { name: 'HandlingCode', description: '3x5x2: P lawful sharing permitted, C sharing permitted with conditions (stated)' });

/** A reference to an agency; the agencies subgraph resolves it. */
export interface AgencyReference {
  __typename: 'Agency';
  id: string;
}

/** Handling metadata every marked record exposes (fields listed in RECORD_META). */
@ObjectType()
export abstract class MarkedRecordType {
  @Field(() => ID)
  id: string;

  @Field(() => Marking, { nullable: true })
  marking?: Marking;

  @Field(() => AgencyRef, { nullable: true, description: 'The agency that owns the record: only it changes or erases it' })
  ownerAgency?: AgencyReference;

  @Field(() => SourceEvaluation, { nullable: true })
  sourceEvaluation?: SourceEvaluation;

  @Field(() => IntelligenceAssessment, { nullable: true })
  intelligenceAssessment?: IntelligenceAssessment;

  @Field(() => HandlingCode, { nullable: true })
  handlingCode?: HandlingCode;

  @Field(() => String, { nullable: true, description: 'Conditions of sharing, required when handlingCode is C' })
  handlingConditions?: string | null;

  @Field(() => Date, { nullable: true })
  createdAt?: Date;

  @Field(() => Date, { nullable: true })
  updatedAt?: Date;

  @Field(() => String, { nullable: true, description: 'Date (YYYY-MM-DD) by which the record must be reviewed for retention' })
  reviewDue?: string;
}

/** How a contributor marks, grades and shares a new record. */
@InputType()
export class HandlingInput {
  @Field(() => Marking)
  marking: Marking;

  @Field(() => SourceEvaluation)
  sourceEvaluation: SourceEvaluation;

  @Field(() => IntelligenceAssessment)
  intelligenceAssessment: IntelligenceAssessment;

  @Field(() => HandlingCode)
  handlingCode: HandlingCode;

  @Field(() => String, { nullable: true })
  handlingConditions?: string;

  @Field(() => [ID], { nullable: true, description: 'AMBER only: agencies the record is shared with' })
  sharedWithAgencyIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'AMBER only: sharing groups the record is shared with' })
  sharedWithGroupIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'RED only: the named users it reaches (the contributor always does)' })
  redRecipientUserIds?: string[];
}

export function assertUuid(field: string, value: string): void {
  if (!isUuid(value)) throw badInput(field, 'must be a UUID');
}

/** Checks the combinations a marking allows; a failed check writes nothing. */
export function validateHandling(h: HandlingInput, field = 'handling'): void {
  if (h.handlingCode === HandlingCode.C && !h.handlingConditions?.trim()) {
    throw badInput(`${field}.handlingConditions`, 'handling code C requires the conditions to be stated');
  }
  if ((h.sharedWithAgencyIds?.length || h.sharedWithGroupIds?.length) && h.marking !== Marking.AMBER) {
    throw badInput(`${field}.sharedWithAgencyIds`, 'only AMBER records are shared with named agencies or groups');
  }
  if (h.redRecipientUserIds?.length && h.marking !== Marking.RED) {
    throw badInput(`${field}.redRecipientUserIds`, 'only RED records name their recipients');
  }
  for (const [name, ids] of [
    ['sharedWithAgencyIds', h.sharedWithAgencyIds],
    ['sharedWithGroupIds', h.sharedWithGroupIds],
    ['redRecipientUserIds', h.redRecipientUserIds],
  ] as const) {
    for (const id of ids ?? []) assertUuid(`${field}.${name}`, id);
  }
}

/** A marked row's handling columns, as read by metaColumns (or an equivalent select). */
export interface HandlingRow {
  contributorUserId: string;
  marking: Marking;
  sourceEvaluation: SourceEvaluation;
  intelligenceAssessment: IntelligenceAssessment;
  handlingCode: HandlingCode;
  handlingConditions: string | null;
  sharedWithAgencyIds: string[];
  sharedWithGroupIds: string[];
  redRecipientUserIds: string[];
}

/**
 * The handling a record derived from `source` takes (a case's persons and events, an observation
 * from a case or narrative): its marking, grading and sharing, so it reaches exactly whom the source
 * reaches. RED reaches named users only: the source's own contributor stays among them, whoever adds.
 */
export function inheritedHandling(source: HandlingRow): HandlingInput {
  return {
    marking: source.marking,
    sourceEvaluation: source.sourceEvaluation,
    intelligenceAssessment: source.intelligenceAssessment,
    handlingCode: source.handlingCode,
    handlingConditions: source.handlingConditions ?? undefined,
    sharedWithAgencyIds: source.sharedWithAgencyIds,
    sharedWithGroupIds: source.sharedWithGroupIds,
    redRecipientUserIds: source.marking === Marking.RED ? [...new Set([...source.redRecipientUserIds, source.contributorUserId])] : source.redRecipientUserIds,
  };
}

/** SQL select items for a row's HandlingRow (contributor, marking, grading, sharing), from alias `a`. */
export function handlingColumns(a: string): string {
  return `${a}.contributor_user_id AS "contributorUserId", ${a}.marking, ${a}.source_evaluation AS "sourceEvaluation",
    ${a}.intelligence_assessment AS "intelligenceAssessment", ${a}.handling_code AS "handlingCode", ${a}.handling_conditions AS "handlingConditions",
    ${a}.shared_with_agency_ids::text[] AS "sharedWithAgencyIds", ${a}.shared_with_group_ids::text[] AS "sharedWithGroupIds",
    ${a}.red_recipient_user_ids::text[] AS "redRecipientUserIds"`;
}

/** SQL select items for RECORD_META plus the internal reach columns, from alias `a`. */
export function metaColumns(a: string): string {
  return `${a}.id, ${a}.owner_agency_id AS "ownerAgencyId", ${handlingColumns(a)},
    ${a}.created_at AS "createdAt", ${a}.updated_at AS "updatedAt", ${a}.review_due::text AS "reviewDue"`;
}

/** Adds the federation reference fields that RECORD_META exposes to a row read with metaColumns. */
export function withMeta<T extends Record<string, unknown>>(typename: string, row: T): T & { __typename: string; ownerAgency: AgencyReference } {
  return Object.assign(row, { __typename: typename, ownerAgency: { __typename: 'Agency' as const, id: row.ownerAgencyId as string } });
}

/** The policy attributes every marked subject offers to rule conditions. */
export function metaAttributes(a: string, actor: Actor, params: SqlParams, grantsTable: string) {
  return {
    id: () => `${a}.id`,
    ownerAgencyId: () => `${a}.owner_agency_id`,
    marking: () => `${a}.marking`,
    viaGrant: () => viaGrantSql(a, grantsTable, params.add(actor.agencyId)),
  };
}

/** The handling columns every marked table has, in the order handlingInsert gives their values. */
export const HANDLING_COLUMNS = [
  'owner_agency_id',
  'contributor_user_id',
  'marking',
  'source_evaluation',
  'intelligence_assessment',
  'handling_code',
  'handling_conditions',
  'shared_with_agency_ids',
  'shared_with_group_ids',
  'red_recipient_user_ids',
] as const;

/** Column names and values for inserting a record's handling metadata; the owner is always the actor's agency. */
export function handlingInsert(actor: Pick<Actor, 'agencyId' | 'userId'>, h: HandlingInput, params: SqlParams): { columns: string; values: string } {
  const marking: MarkingName = h.marking;
  return {
    columns: HANDLING_COLUMNS.join(', '),
    values: [
      params.add(actor.agencyId),
      params.add(actor.userId),
      params.add(marking),
      params.add(h.sourceEvaluation),
      params.add(h.intelligenceAssessment),
      params.add(h.handlingCode),
      params.add(h.handlingConditions ?? null),
      `${params.add(h.sharedWithAgencyIds ?? [])}::uuid[]`,
      `${params.add(h.sharedWithGroupIds ?? [])}::uuid[]`,
      `${params.add(h.redRecipientUserIds ?? [])}::uuid[]`,
    ].join(', '),
  };
}
