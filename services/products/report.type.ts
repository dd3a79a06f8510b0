import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AGENCY_TYPES } from '../../policies/actor';
import { enumOf } from '../kernel/enums';
import { Connection, SortDirection } from '../kernel/pagination';
import { AgencyRef, LocationRef } from '../kernel/references';
import { ExploitationType } from '../kernel/taxonomy';

export const AgencyTypeEnum = enumOf(AGENCY_TYPES);
registerEnumType(AgencyTypeEnum, { name: 'AgencyType' });

/** The markings a product may carry: RED names people, and a product goes to agencies. */
export const PRODUCT_MARKINGS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT'] as const;
export const ProductMarking = enumOf(PRODUCT_MARKINGS);
export type ProductMarking = (typeof PRODUCT_MARKINGS)[number];
registerEnumType(ProductMarking, {
  name: 'ProductMarking',
  description: 'TLP 2.0: how far a recipient may pass the report on (the audience decides who receives it)',
});

export enum ReportStatus {
  PUBLISHED = 'PUBLISHED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(ReportStatus, { name: 'IntelligenceReportStatus' });

@ObjectType('Case')
@Directive('@key(fields: "id", resolvable: false)')
export class CaseRef {
  @Field(() => ID)
  id: string;
}

@ObjectType('Route')
@Directive('@key(fields: "id", resolvable: false)')
export class RouteRef {
  @Field(() => ID)
  id: string;
}

@ObjectType('Typology')
@Directive('@key(fields: "id", resolvable: false)')
export class TypologyRef {
  @Field(() => ID)
  id: string;
}

@ObjectType('ReportPlace', { description: 'A place as the report shows it' })
export class ReportPlaceType {
  @Field(() => String)
  name: string;

  @Field(() => String, { nullable: true })
  countryCode: string | null;
}

@ObjectType('ReportCount', { description: 'Counts as the audience reads them: null where withheld, countSuppressed when below k' })
export class ReportCountType {
  @Field(() => Int, { nullable: true })
  caseCount: number | null;

  @Field(() => Int, { nullable: true })
  victimCount: number | null;

  @Field(() => Boolean)
  countSuppressed: boolean;
}

@ObjectType('ReportHotspot', { description: 'A row of the hotspot table' })
export class ReportHotspotType extends ReportCountType {
  @Field(() => ReportPlaceType, { nullable: true })
  location: ReportPlaceType | null;
}

@ObjectType('ReportRoute', { description: 'A route drawn on the map' })
export class ReportRouteType extends ReportCountType {
  @Field(() => ReportPlaceType, { nullable: true })
  origin: ReportPlaceType | null;

  @Field(() => [ReportPlaceType])
  transit: ReportPlaceType[];

  @Field(() => ReportPlaceType, { nullable: true })
  destination: ReportPlaceType | null;
}

@ObjectType('ReportVisuals', {
  description:
    "A version's visuals as rendered, when it was published, for one agency type of its audience: what a member of that type with nothing of its own may see (never the author's view)",
})
export class ReportVisualsType {
  @Field(() => AgencyTypeEnum)
  agencyType: string;

  @Field(() => String, { description: 'YYYY-MM-DD: the period counted (widened to quarters where counts are perturbed)' })
  periodStart: string;

  @Field(() => String)
  periodEnd: string;

  @Field(() => String, { description: 'The route map, SVG' })
  routeMapSvg: string;

  @Field(() => String, { description: 'The network chart, SVG' })
  networkSvg: string;

  @Field(() => [ReportRouteType])
  routes: ReportRouteType[];

  @Field(() => [ReportHotspotType])
  hotspots: ReportHotspotType[];

  @Field(() => Int, { description: 'The threshold below which counts are withheld ("fewer than k")' })
  k: number;
}

@ObjectType('IntelligenceReportVersion', { description: 'One published version of an intelligence report; the report reads as its latest' })
export class IntelligenceReportVersionType {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  reportId: string;

  @Field(() => Int)
  version: number;

  @Field(() => String)
  title: string;

  @Field(() => String)
  summary: string;

  @Field(() => [String])
  keyJudgements: string[];

  @Field(() => String)
  body: string;

  @Field(() => [LocationRef], { description: 'The places whose hotspots the report discusses' })
  hotspotLocations: unknown[];

  @Field(() => [ID], { nullable: true, description: 'Seeds of the network chart (hub analysts only)' })
  networkSeedIds: string[] | null;

  @Field(() => String)
  periodStart: string;

  @Field(() => String)
  periodEnd: string;

  @Field(() => ExploitationType, { nullable: true })
  exploitationType: string | null;

  @Field(() => Date)
  publishedAt: Date;

  @Field(() => [ReportVisualsType], {
    description: "The visuals as rendered for your agency type (hub analysts: every audience type's rendering)",
  })
  visuals: unknown;

  @Field(() => String, {
    nullable: true,
    description: 'The version as a PDF (base64) with its text, route map, hotspot table and network chart as your agency type was shown them; audited',
  })
  pdf: unknown;
}

@ObjectType('IntelligenceReport', { description: 'An intelligence product of the hub, read by its audience until withdrawn' })
@Directive('@key(fields: "id")')
export class IntelligenceReportType {
  @Field(() => ID)
  id: string;

  @Field(() => ProductMarking)
  marking: string;

  @Field(() => ReportStatus)
  status: ReportStatus;

  @Field(() => Int)
  versionCount: number;

  @Field(() => Date, { description: 'When the first version was published' })
  createdAt: Date;

  @Field(() => Date, { description: 'When the latest version was published' })
  updatedAt: Date;

  @Field(() => [AgencyTypeEnum], { nullable: true, description: 'Hub analysts only, like the rest of the audience' })
  audienceAgencyTypes: string[] | null;

  @Field(() => [AgencyRef], { nullable: true })
  audienceAgencies: unknown[] | null;

  @Field(() => [ID], { nullable: true })
  audienceGroupIds: string[] | null;

  @Field(() => Date, { nullable: true })
  withdrawnAt: Date | null;

  @Field(() => String, { nullable: true })
  withdrawalReason: string | null;
}

export const IntelligenceReportConnection = Connection(IntelligenceReportType, 'IntelligenceReport');

@ObjectType('ReportFeedback', { description: "A recipient agency's feedback on a report: its own only" })
export class ReportFeedbackType {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  reportId: string;

  @Field(() => Boolean)
  useful: boolean;

  @Field(() => Int)
  safeguardedPersons: number;

  @Field(() => Int)
  arrests: number;

  @Field(() => Int)
  accountsClosed: number;

  @Field(() => Int)
  advertsDisrupted: number;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType('ReportFeedbackSummary', { description: 'Feedback summed per report and quarter over every recipient, naming none' })
export class ReportFeedbackSummaryType {
  @Field(() => ID)
  reportId: string;

  @Field(() => String, { description: 'YYYY-Qn' })
  quarter: string;

  @Field(() => Int)
  feedbackCount: number;

  @Field(() => Int)
  usefulCount: number;

  @Field(() => Int)
  safeguardedPersons: number;

  @Field(() => Int)
  arrests: number;

  @Field(() => Int)
  accountsClosed: number;

  @Field(() => Int)
  advertsDisrupted: number;
}

@InputType({ description: 'The audience: agency types, sharing groups and named agencies; at least one' })
export class ReportAudienceInput {
  @Field(() => [AgencyTypeEnum], { nullable: true })
  agencyTypes?: string[];

  @Field(() => [ID], { nullable: true })
  groupIds?: string[];

  @Field(() => [ID], { nullable: true })
  agencyIds?: string[];
}

@InputType({ description: 'The content of a version' })
export class ReportContentInput {
  @Field(() => String)
  title: string;

  @Field(() => String)
  summary: string;

  @Field(() => [String], { nullable: true })
  keyJudgements?: string[];

  @Field(() => String)
  body: string;

  @Field(() => [ID], { nullable: true })
  linkedCaseIds?: string[];

  @Field(() => [ID], { nullable: true })
  linkedRouteIds?: string[];

  @Field(() => [ID], { nullable: true })
  linkedTypologyIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Places whose hotspots the report discusses (the hotspot table shows them; all when empty)' })
  hotspotLocationIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Entities, persons or cases to start the network chart from (default: the linked cases)' })
  networkSeedIds?: string[];

  @Field(() => String, { description: 'YYYY-MM-DD: the period the map and the hotspot table count' })
  periodStart: string;

  @Field(() => String)
  periodEnd: string;

  @Field(() => ExploitationType, { nullable: true })
  exploitationType?: string;
}

@InputType()
export class PublishReportInput {
  @Field(() => ProductMarking)
  marking: ProductMarking;

  @Field(() => ReportAudienceInput)
  audience: ReportAudienceInput;

  @Field(() => ReportContentInput)
  content: ReportContentInput;

  @Field(() => String, { description: 'Client key: publishing again with the same key and content returns the same report' })
  idempotencyKey: string;
}

@InputType()
export class ReviseReportInput {
  @Field(() => ReportContentInput)
  content: ReportContentInput;

  @Field(() => String, { description: 'Client key: the same key and content returns the same version' })
  idempotencyKey: string;
}

@InputType()
export class ReportFeedbackInput {
  @Field(() => Boolean)
  useful: boolean;

  @Field(() => Int, { nullable: true })
  safeguardedPersons?: number;

  @Field(() => Int, { nullable: true })
  arrests?: number;

  @Field(() => Int, { nullable: true })
  accountsClosed?: number;

  @Field(() => Int, { nullable: true })
  advertsDisrupted?: number;

  @Field(() => String, { nullable: true })
  note?: string;

  @Field(() => String)
  idempotencyKey: string;
}

export enum ReportSortField {
  UPDATED_AT = 'UPDATED_AT',
  CREATED_AT = 'CREATED_AT',
  VERSION_COUNT = 'VERSION_COUNT',
}
registerEnumType(ReportSortField, { name: 'IntelligenceReportSortField' });

@InputType('IntelligenceReportOrder')
export class ReportOrder {
  @Field(() => ReportSortField)
  field: ReportSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction: SortDirection;
}
