import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { enumOf } from '../kernel/enums';
import { HandlingInput, MarkedRecordType } from '../kernel/marked-record';
import { Connection } from '../kernel/pagination';
import { ADVERT_FILE_FORMATS, type AdvertFileFormat } from './advert-file';

export const AdvertFileFormatEnum = enumOf(ADVERT_FILE_FORMATS);
registerEnumType(AdvertFileFormatEnum, { name: 'AdvertFileFormat', description: 'NDJSON (one advert object a line) or CSV with a header (docs/formats.md)' });

export const LEAD_KINDS = ['NETWORK', 'MOVEMENT'] as const;
export const AdvertLeadKindEnum = enumOf(LEAD_KINDS);
registerEnumType(AdvertLeadKindEnum, {
  name: 'AdvertLeadKind',
  description: 'NETWORK: adverts joined by shared phones or reused images; MOVEMENT: one phone advertised in several cities over time',
});

@ObjectType('Advert', { description: 'An advert from an adult-services site, collected by a partner and held by the hub (never its images)' })
@Directive('@key(fields: "id")')
export class AdvertType extends MarkedRecordType {
  @Field(() => String, { nullable: true, description: 'The site, lower-case' })
  site?: string;

  @Field(() => String, { nullable: true, description: "The site's own id (or URL) of the advert: with the site, what makes an advert one" })
  advertRef?: string;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => Date, { nullable: true })
  firstSeen?: Date;

  @Field(() => Date, { nullable: true, description: 'Widened each time the advert is seen again' })
  lastSeen?: Date;

  @Field(() => String, { nullable: true, description: 'The location as the advert gives it' })
  location?: string | null;

  @Field(() => String, { nullable: true, description: "The location's first part, which movements are counted by" })
  city?: string | null;

  @Field(() => [String], { nullable: true, description: 'Phones in international format (E.164)' })
  phones?: string[];

  @Field(() => [String], { nullable: true, description: 'Handles, as social profiles (platform:handle)' })
  handles?: string[];

  @Field(() => String, { nullable: true })
  text?: string | null;

  @Field(() => [String], { nullable: true, description: "Perceptual hashes of the advert's images, lower-case hex" })
  imageHashes?: string[];

  @Field(() => String, { nullable: true, description: 'Who collected it' })
  collector?: string;

  @Field(() => [String], { nullable: true, description: 'Indicators read from the text (THIRD_PARTY, NEW_IN_TOWN, CHILD_AGE)' })
  indicators?: string[];
}

@ObjectType('AdvertMovement', { description: 'A city where a lead was advertised, from its first to its last sighting there' })
export class AdvertMovementType {
  @Field(() => String)
  city: string;

  @Field(() => String)
  firstSeen: string;

  @Field(() => String)
  lastSeen: string;

  @Field(() => Int)
  advertCount: number;
}

@ObjectType('AdvertLead', { description: 'A lead the hub computed from adverts, with the adverts and indicators it rests on' })
@Directive('@key(fields: "id")')
export class AdvertLeadType extends MarkedRecordType {
  @Field(() => AdvertLeadKindEnum, { nullable: true })
  kind?: string;

  @Field(() => Int, { nullable: true, description: 'Adverts, cities moved through and indicator weights added up (services/adverts/indicators.ts)' })
  score?: number;

  @Field(() => [String], { nullable: true })
  indicators?: string[];

  @Field(() => [String], { nullable: true, description: 'Cities, in the order first advertised in' })
  cities?: string[];

  @Field(() => Int, { nullable: true })
  advertCount?: number;

  @Field(() => Date, { nullable: true })
  firstSeen?: Date;

  @Field(() => Date, { nullable: true })
  lastSeen?: Date;

  @Field(() => String, { nullable: true, description: 'What the lead rests on, in words' })
  explanation?: string;

  @Field(() => [String], { nullable: true, description: 'The phones that join its adverts' })
  phones?: string[];

  @Field(() => [String], { nullable: true, description: 'The image hashes its adverts share' })
  imageHashes?: string[];

  @Field(() => [AdvertMovementType], { nullable: true })
  movements?: AdvertMovementType[];
}

@ObjectType('AdvertImport', { description: 'A file of adverts ingested, all or nothing' })
export class AdvertImportType {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'Distinct adverts (site and advert id) in the file' })
  advertCount: number;

  @Field(() => Int, { description: 'Adverts the hub did not hold before' })
  createdCount: number;

  @Field(() => Int, { description: 'Adverts seen again: their last-seen widened' })
  updatedCount: number;

  @Field(() => Boolean, { description: 'True when the same file with the same handling was ingested before: nothing was written now' })
  replayed: boolean;

  @Field(() => Date)
  importedAt: Date;
}

@ObjectType('AdvertLeadComputation', { description: 'How many leads the hub computed, replacing its earlier ones' })
export class AdvertLeadComputationType {
  @Field(() => Int)
  advertCount: number;

  @Field(() => Int)
  networkCount: number;

  @Field(() => Int)
  movementCount: number;
}

@InputType()
export class ImportAdvertsInput {
  @Field(() => AdvertFileFormatEnum)
  format: AdvertFileFormat;

  @Field(() => String, { description: 'The file itself (UTF-8, at most 4 MiB and 20,000 lines)' })
  content: string;

  @Field(() => String, {
    nullable: true,
    description: "ISO 3166-1 alpha-2 country national-format phones are read in (the sites' country) where a line names none; default your agency's",
  })
  country?: string;

  @Field(() => HandlingInput, { description: 'The handling of every advert of the file' })
  handling: HandlingInput;
}

@InputType()
export class AdvertFilter {
  @Field(() => String, { nullable: true, description: "A phone, in any format your agency's country reads" })
  phone?: string;

  @Field(() => String, { nullable: true })
  site?: string;

  @Field(() => String, { nullable: true })
  city?: string;
}

@InputType()
export class AdvertLeadFilter {
  @Field(() => AdvertLeadKindEnum, { nullable: true })
  kind?: string;
}

export const AdvertConnection = Connection(AdvertType, 'Advert');
export const AdvertLeadConnection = Connection(AdvertLeadType, 'AdvertLead');
