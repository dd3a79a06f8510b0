import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../kernel/pagination';
import { AgencyRef } from '../kernel/references';
import { LocationType } from './route.type';

export enum CampaignChannel {
  SOCIAL_MEDIA = 'SOCIAL_MEDIA',
  SEARCH = 'SEARCH',
  VIDEO = 'VIDEO',
  RADIO = 'RADIO',
  OUTDOOR = 'OUTDOOR',
  SCHOOLS = 'SCHOOLS',
  COMMUNITY_EVENTS = 'COMMUNITY_EVENTS',
  SMS = 'SMS',
  HELPLINE = 'HELPLINE',
}
registerEnumType(CampaignChannel, { name: 'CampaignChannel' });

export enum CampaignIndicatorKind {
  PUBLIC_REPORTS = 'PUBLIC_REPORTS',
  FRONTLINE_NOTIFICATIONS = 'FRONTLINE_NOTIFICATIONS',
  REFERRALS = 'REFERRALS',
  PARTNER_CALLS = 'PARTNER_CALLS',
}
registerEnumType(CampaignIndicatorKind, {
  name: 'CampaignIndicatorKind',
  description:
    'PUBLIC_REPORTS: reports from the public placed in the area; FRONTLINE_NOTIFICATIONS: notifications naming it; REFERRALS: cases opened with a victim recruited there (the stand-in for national referral mechanism referrals, which the hub does not record yet); PARTNER_CALLS: calls the partner recorded for the area',
});

export enum CampaignExportFormat {
  CSV = 'CSV',
  GEOJSON = 'GEOJSON',
}
registerEnumType(CampaignExportFormat, { name: 'CampaignExportFormat' });

@ObjectType('Campaign', { description: 'A prevention campaign the hub runs with a partner agency or a named platform, in target areas of the gazetteer' })
@Directive('@key(fields: "id")')
export class CampaignType {
  @Field(() => ID)
  id: string;

  @Field(() => AgencyRef, { nullable: true, description: 'The hub agency that runs the campaign' })
  ownerAgency?: AgencyRef;

  @Field(() => AgencyRef, { nullable: true, description: 'The partner agency of the directory (an NGO); null for a platform' })
  partnerAgency?: AgencyRef | null;

  @Field(() => String, { nullable: true, description: 'The partner platform, when it is not an agency of the directory' })
  platformName?: string | null;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  goal?: string;

  @Field(() => [String], { nullable: true, description: 'BCP 47 language tags' })
  languages?: string[];

  @Field(() => [CampaignChannel], { nullable: true })
  channels?: CampaignChannel[];

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  startsOn?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  endsOn?: string;

  @Field(() => [LocationType], { nullable: true, description: 'The target areas' })
  targetAreas?: LocationType[];

  @Field(() => Date, { nullable: true })
  createdAt?: Date;

  @Field(() => Date, { nullable: true })
  updatedAt?: Date;
}

@ObjectType('CampaignArea', {
  description:
    'A place of recruitment (a route origin or a recruitment hotspot) with the cases recruited there in a period and their victims; without exact counts under the disclosure control of docs/disclosure-control.md',
})
export class CampaignAreaType {
  @Field(() => LocationType, { nullable: true })
  location?: LocationType;

  @Field(() => String, { nullable: true, description: 'The period counted (without exact counts widened to whole quarters)' })
  periodStart?: string;

  @Field(() => String, { nullable: true })
  periodEnd?: string;

  @Field(() => Int, { nullable: true, description: 'Cases recruited there; without exact counts perturbed and rounded, null when withheld (countSuppressed)' })
  caseCount?: number | null;

  @Field(() => Int, { nullable: true, description: 'Their victims; without exact counts perturbed and rounded, null when withheld (countSuppressed)' })
  victimCount?: number | null;

  @Field(() => Boolean, { nullable: true })
  countSuppressed?: boolean;
}

@ObjectType('CampaignAreasExport', { description: 'The target areas as a file for the partner: places and disclosed counts, never a case' })
export class CampaignAreasExportType {
  @Field(() => String)
  filename: string;

  @Field(() => String)
  mediaType: string;

  @Field(() => String)
  content: string;
}

@ObjectType('CampaignReach', { description: 'People reached and calls to the partner in one target area and ISO week' })
export class CampaignReachType {
  @Field(() => ID)
  id: string;

  @Field(() => CampaignType, { nullable: true })
  campaign?: CampaignType;

  @Field(() => LocationType, { nullable: true })
  location?: LocationType;

  @Field(() => String, { nullable: true, description: 'ISO 8601 week, YYYY-Www' })
  isoWeek?: string;

  @Field(() => Int, { nullable: true })
  peopleReached?: number;

  @Field(() => Int, { nullable: true })
  partnerCalls?: number;

  @Field(() => Date, { nullable: true })
  recordedAt?: Date;
}

@ObjectType('CampaignIndicator', {
  description:
    'One indicator of a target area over two windows of equal length, just before and from the start of the campaign; counts under the disclosure control of docs/disclosure-control.md',
})
export class CampaignIndicatorType {
  @Field(() => LocationType, { nullable: true })
  location?: LocationType;

  @Field(() => CampaignIndicatorKind, { nullable: true })
  indicator?: CampaignIndicatorKind;

  @Field(() => String, { nullable: true })
  beforeFrom?: string;

  @Field(() => String, { nullable: true })
  beforeTo?: string;

  @Field(() => String, { nullable: true })
  afterFrom?: string;

  @Field(() => String, { nullable: true })
  afterTo?: string;

  @Field(() => Int, { nullable: true, description: 'Null when withheld (countSuppressed)' })
  before?: number | null;

  @Field(() => Int, { nullable: true, description: 'Null when withheld (countSuppressed)' })
  after?: number | null;

  @Field(() => Boolean, { nullable: true })
  countSuppressed?: boolean;
}

export const CampaignConnection = Connection(CampaignType, 'Campaign');

@InputType()
export class CreateCampaignInput {
  @Field(() => String)
  name: string;

  @Field(() => String)
  goal: string;

  @Field(() => ID, { nullable: true, description: 'An NGO of the directory; or name a platformName instead' })
  partnerAgencyId?: string | null;

  @Field(() => String, { nullable: true, description: 'A platform that is not an agency of the directory (its reach is entered by the hub)' })
  platformName?: string | null;

  @Field(() => [String], { description: 'BCP 47 language tags, e.g. ro, en, ro-MD' })
  languages: string[];

  @Field(() => [CampaignChannel])
  channels: CampaignChannel[];

  @Field(() => String, { description: 'YYYY-MM-DD' })
  startsOn: string;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  endsOn: string;

  @Field(() => [ID], { description: 'Gazetteer locations, typically chosen from campaignCandidateAreas' })
  targetLocationIds: string[];

  @Field(() => String, { description: 'Retrying with the same key returns the campaign first created' })
  idempotencyKey: string;
}

@InputType()
export class UpdateCampaignInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  goal?: string | null;

  @Field(() => [String], { nullable: true })
  languages?: string[] | null;

  @Field(() => [CampaignChannel], { nullable: true })
  channels?: CampaignChannel[] | null;

  @Field(() => String, { nullable: true })
  startsOn?: string | null;

  @Field(() => String, { nullable: true })
  endsOn?: string | null;

  @Field(() => [ID], { nullable: true })
  targetLocationIds?: string[] | null;
}

@InputType()
export class RecordCampaignReachInput {
  @Field(() => ID)
  campaignId: string;

  @Field(() => ID, { description: 'One of the campaign target areas' })
  locationId: string;

  @Field(() => String, { description: 'ISO 8601 week, YYYY-Www, from the start of the window before the campaign to its end' })
  isoWeek: string;

  @Field(() => Int)
  peopleReached: number;

  @Field(() => Int, { defaultValue: 0 })
  partnerCalls: number;
}
