import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../kernel/pagination';
import { AgencyRef } from '../kernel/references';

export enum AuditAction {
  COLLECT = 'COLLECT',
  ALTER = 'ALTER',
  CONSULT = 'CONSULT',
  DISCLOSE = 'DISCLOSE',
  COMBINE = 'COMBINE',
  ERASE = 'ERASE',
}
registerEnumType(AuditAction, { name: 'AuditAction', description: 'DPA 2018 s.62 processing operations' });

@ObjectType('AuditRecord', { description: 'A record an audit event is about, with the names of the fields concerned (never their values)' })
export class AuditRecordType {
  @Field(() => ID)
  id: string;

  @Field(() => [String])
  fields: string[];
}

@ObjectType('AuditEvent', { description: 'One append-only, hash-chained audit event: who did what to which record, when and why. Never holds field values.' })
export class AuditEventType {
  @Field(() => String, { description: 'Position in the chain (a 64-bit integer as text)' })
  seq: string;

  @Field(() => String, { description: 'When, as ISO 8601 UTC with microseconds (the hashed form)' })
  at: string;

  @Field(() => AuditAction)
  action: AuditAction;

  @Field(() => ID, { nullable: true, description: 'The user who acted' })
  actorUserId: string | null;

  @Field(() => AgencyRef, { nullable: true, description: "The actor's agency" })
  actorAgency: { __typename: 'Agency'; id: string } | null;

  @Field(() => String, { description: 'Case, Person, TraffickingEvent, Narrative, Entity, TransactionReport ...' })
  subjectType: string;

  @Field(() => ID, { description: 'The record the event is about; `*` for a consultation of several records (see `records`)' })
  subjectId: string;

  @Field(() => AgencyRef, { nullable: true, description: 'The agency that owns the record' })
  recordOwnerAgency: { __typename: 'Agency'; id: string } | null;

  @Field(() => [AgencyRef], { description: 'DISCLOSE: the agencies that received the data' })
  recipients: Array<{ __typename: 'Agency'; id: string }>;

  @Field(() => String, { nullable: true, description: 'The purpose the actor stated (x-tessera-purpose)' })
  purpose: string | null;

  @Field(() => [String], {
    description:
      'Names of the fields concerned; never their values (a consultation of several records: the union of theirs). Of a hit/no-hit request or a screening chunk, `identifiers:<n>` and the outcome; the keyed hashes of the identifiers asked stay in the trail, for the hub alone',
  })
  fields: string[];

  @Field(() => [AuditRecordType], {
    description:
      'The records the event is about, each with the fields concerned: the records a consultation released (one event per request, action, subject type and record owner), or the one subject of any other event',
  })
  records: AuditRecordType[];

  @Field(() => String, { nullable: true, description: 'The gateway request id: events of one request share it' })
  requestId: string | null;

  @Field(() => String, { description: 'Hash of the previous event in the chain' })
  prevHash: string;

  @Field(() => String, { description: 'sha256(prevHash || canonical JSON of this event)' })
  hash: string;
}

export const AuditEventConnection = Connection(AuditEventType, 'AuditEvent');

@ObjectType('AuditCheckpoint', {
  description:
    'A checkpoint of the audit chain the hub signed with its Ed25519 key (not held in the database): a C2SP signed note. Keep copies; `npm run audit:verify -- --checkpoint <file> --key <verifierKey>` proves later that the chain still holds what was signed.',
})
export class AuditCheckpointType {
  @Field(() => String, { description: 'The signed note, exactly as signed (tlog-checkpoint body, blank line, signature line): what a witness stores' })
  note: string;

  @Field(() => String, { description: "The note's origin line: the hub's log name, also its key name" })
  origin: string;

  @Field(() => String, { description: 'How many events the chain held (a 64-bit integer as text)' })
  treeSize: string;

  @Field(() => String, { description: 'The seq of the newest of them' })
  headSeq: string;

  @Field(() => String, { description: 'Its hash (hex; base64 in the note): the head of the chain at that size' })
  headHash: string;

  @Field(() => String, { description: 'When the hub signed, ISO 8601 UTC' })
  signedAt: string;
}

@ObjectType('AuditCheckpointKey', { description: "The hub's checkpoint signing key, public half: what a witness verifies checkpoints with" })
export class AuditCheckpointKeyType {
  @Field(() => String, { description: "The key name (the checkpoints' origin)" })
  name: string;

  @Field(() => String, { description: 'The signed-note key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), hex' })
  keyId: string;

  @Field(() => String, { description: 'The Ed25519 public key, 32 bytes, base64' })
  publicKey: string;

  @Field(() => String, {
    description: 'The signed-note verifier key "<name>+<hex key id>+<base64(0x01 || public key)>", as Go\'s golang.org/x/mod/sumdb/note reads it',
  })
  verifierKey: string;
}
