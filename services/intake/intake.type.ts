import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AgencyRef } from '../kernel/references';
import { Connection } from '../kernel/pagination';
import { ExploitationType } from '../kernel/taxonomy';

/** What kind of situation the reporter thinks it is, if they know: the NRM categories, a child, or unsure. */
export const PublicSituationKind = { ...ExploitationType, CHILD: 'CHILD', UNSURE: 'UNSURE' } as const;
export type PublicSituationKind = (typeof PublicSituationKind)[keyof typeof PublicSituationKind];
registerEnumType(PublicSituationKind, { name: 'PublicSituationKind' });

export enum PublicReportStatus {
  RECEIVED = 'RECEIVED',
  IN_REVIEW = 'IN_REVIEW',
  CLOSED = 'CLOSED',
}
registerEnumType(PublicReportStatus, { name: 'PublicReportStatus' });

export enum NotificationStatus {
  NOTIFIED = 'NOTIFIED',
  RECEIVED = 'RECEIVED',
  ASSESSED = 'ASSESSED',
  REFERRED_TO_NRM = 'REFERRED_TO_NRM',
  CLOSED = 'CLOSED',
}
registerEnumType(NotificationStatus, {
  name: 'NotificationStatus',
  description:
    'NOTIFIED until the destination agency acknowledges it; then RECEIVED, ASSESSED, REFERRED_TO_NRM and CLOSED, in that order (steps may be skipped)',
});

export enum NotificationDirection {
  SENT = 'SENT',
  RECEIVED = 'RECEIVED',
}
registerEnumType(NotificationDirection, {
  name: 'NotificationDirection',
  description: 'SENT: what your agency notified; RECEIVED: referrals made to your agency',
});

@ObjectType('PublicReportChallenge', {
  description: 'Find a nonce (decimal digits) such that SHA-256("<challenge>:<nonce>") starts with `bits` zero bits; good for one submission',
})
export class PublicReportChallengeType {
  @Field(() => String)
  challenge: string;

  @Field(() => Int)
  bits: number;

  @Field(() => Date)
  expiresAt: Date;
}

@ObjectType('PublicReportSubmission', {
  description: 'Keep the receipt code: it is shown once, and is the only way to add to the report or see that it arrived',
})
export class PublicReportSubmissionType {
  @Field(() => String)
  receiptCode: string;

  @Field(() => String, { description: 'The day the report was received (UTC), YYYY-MM-DD' })
  receivedOn: string;
}

@ObjectType('PublicReportReceipt', { description: 'What a receipt code tells its holder: that the report arrived and where it stands, never its content' })
export class PublicReportReceiptType {
  @Field(() => String, { nullable: true })
  receivedOn?: string;

  @Field(() => PublicReportStatus, { nullable: true })
  status?: PublicReportStatus;

  @Field(() => Int, { nullable: true })
  additionCount?: number;
}

@ObjectType('PublicReportPhoto', { description: 'A photo as re-encoded on receipt: a JPEG without metadata' })
export class PublicReportPhotoType {
  @Field(() => ID)
  id: string;

  @Field(() => Int)
  position: number;

  @Field(() => String)
  mediaType: string;

  @Field(() => Int)
  width: number;

  @Field(() => Int)
  height: number;
}

@ObjectType('PublicReportAddition')
export class PublicReportAdditionType {
  @Field(() => Date, { description: 'To the hour' })
  addedAt: Date;

  @Field(() => String)
  text: string;
}

@ObjectType('PublicReport', { description: "A member of the public's report, taken without an account; for the hub's analysts" })
@Directive('@key(fields: "id")')
export class PublicReportType {
  @Field(() => ID)
  id: string;

  @Field(() => Date, { nullable: true, description: 'To the hour' })
  receivedAt?: Date;

  @Field(() => String, { nullable: true, description: 'As written, in any language and script; plain text, never markup' })
  story?: string;

  @Field(() => String, { nullable: true, description: 'When it happened, as the reporter put it: a date, a period, "years ago"' })
  occurredWhen?: string | null;

  @Field(() => String, { nullable: true })
  place?: string | null;

  @Field(() => Float, { nullable: true, description: 'Rounded to two decimals (about 1 km)' })
  latitude?: number | null;

  @Field(() => Float, { nullable: true, description: 'Rounded to two decimals (about 1 km)' })
  longitude?: number | null;

  @Field(() => PublicSituationKind, { nullable: true })
  situationKind?: PublicSituationKind | null;

  @Field(() => String, { nullable: true, description: 'As the reporter gave it' })
  language?: string;

  @Field(() => [PublicReportPhotoType], { nullable: true })
  photos?: PublicReportPhotoType[];

  @Field(() => [PublicReportAdditionType], { nullable: true, description: 'What the reporter added later with the receipt code' })
  additions?: PublicReportAdditionType[];

  @Field(() => ID, { nullable: true, description: 'An earlier report with the same text' })
  duplicateOf?: string | null;

  @Field(() => PublicReportStatus, { nullable: true })
  status?: PublicReportStatus;

  @Field(() => String, { nullable: true, description: "The contact details the reporter chose to give: the hub's analysts only" })
  contact?: string | null;
}

export const PublicReportConnection = Connection(PublicReportType, 'PublicReport');

@ObjectType('Notification', { description: "A frontline service's notification of a suspected case, referred to a competent agency as a task with a due date" })
@Directive('@key(fields: "id")')
export class NotificationType {
  @Field(() => ID)
  id: string;

  @Field(() => AgencyRef, { nullable: true })
  notifierAgency?: { __typename: 'Agency'; id: string };

  @Field(() => AgencyRef, { nullable: true, description: 'The competent NGO or police agency the case is referred to' })
  destinationAgency?: { __typename: 'Agency'; id: string };

  @Field(() => [String], { nullable: true, description: 'Indicator codes (forced labour, sexual exploitation, child exploitation)' })
  indicators?: string[];

  @Field(() => [ExploitationType], { nullable: true })
  exploitationTypes?: ExploitationType[];

  @Field(() => Boolean, { nullable: true })
  childInvolved?: boolean;

  @Field(() => Boolean, { nullable: true })
  imminentRisk?: boolean;

  @Field(() => String, { nullable: true, description: 'What the professional saw, without names' })
  summary?: string;

  @Field(() => String, { nullable: true })
  place?: string | null;

  @Field(() => String, { nullable: true })
  occurredWhen?: string | null;

  @Field(() => NotificationStatus, { nullable: true })
  status?: NotificationStatus;

  @Field(() => String, { nullable: true, description: 'What the destination agency says of the outcome' })
  outcome?: string | null;

  @Field(() => String, { nullable: true, description: 'When the destination agency should have acted, YYYY-MM-DD' })
  dueOn?: string;

  @Field(() => Date, { nullable: true })
  createdAt?: Date;

  @Field(() => Date, { nullable: true })
  updatedAt?: Date;
}

export const NotificationConnection = Connection(NotificationType, 'Notification');

@InputType()
export class SubmitPublicReportInput {
  @Field(() => String, { description: 'What happened, in your own words (up to 20 000 characters)' })
  story: string;

  @Field(() => String, { nullable: true, description: 'When: a date, a period, or "years ago"' })
  when?: string | null;

  @Field(() => String, { nullable: true, description: 'Where: a place name' })
  place?: string | null;

  @Field(() => Float, { nullable: true, description: 'Optional; kept only to two decimals (about 1 km)' })
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  longitude?: number | null;

  @Field(() => PublicSituationKind, { nullable: true })
  situationKind?: PublicSituationKind | null;

  @Field(() => String, { description: 'The language you write in, as you would name it (e.g. en, ro, Română)' })
  language: string;

  @Field(() => String, { nullable: true, description: "How the hub's analysts may contact you, if you wish: read by them only" })
  contact?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Up to 3 photos, base64, each up to 1 MB; their metadata (GPS position, device) is removed on receipt',
  })
  photos?: string[] | null;

  @Field(() => String, { description: 'From publicReportChallenge' })
  challenge: string;

  @Field(() => String)
  nonce: string;
}

@InputType()
export class AddToPublicReportInput {
  @Field(() => String)
  receiptCode: string;

  @Field(() => String, { description: 'Up to 20 000 characters' })
  text: string;

  @Field(() => String)
  challenge: string;

  @Field(() => String)
  nonce: string;
}

@InputType()
export class NotifyCaseInput {
  @Field(() => ID, { description: 'The competent NGO or police agency (the agency directory)' })
  destinationAgencyId: string;

  @Field(() => [String], { description: 'At least one indicator code: forced labour (ILO), sexual exploitation, child exploitation' })
  indicators: string[];

  @Field(() => [ExploitationType], { nullable: true })
  exploitationTypes?: ExploitationType[];

  @Field(() => Boolean, { defaultValue: false })
  childInvolved: boolean;

  @Field(() => Boolean, { defaultValue: false })
  imminentRisk: boolean;

  @Field(() => String, { description: 'What you saw, without names (up to 5000 characters)' })
  summary: string;

  @Field(() => String, { nullable: true })
  place?: string | null;

  @Field(() => String, { nullable: true })
  when?: string | null;

  @Field(() => String)
  idempotencyKey: string;
}
