import { Field, InputType, Int, ObjectType } from 'type-graphql';

/**
 * Private screening's answers (private-screening.service.ts). None is a record: a public key, group
 * elements evaluated for the caller, and the filter — truncated pseudorandom outputs that name no
 * identifier to whoever lacks the hub's key — so none is a policy subject; who may call is the
 * ScreeningJob rule (services/entities/index.ts rootAccess).
 */
@ObjectType('PrivateScreeningKey', { description: "The hub's private screening key: what a bank's client checks every evaluation against" })
export class PrivateScreeningKeyType {
  @Field(() => String, { description: 'RFC 9497 ciphersuite' })
  suite: string;

  @Field(() => String, { description: 'RFC 9497 mode: VOPRF (every evaluation carries a proof that this key made it)' })
  mode: string;

  @Field(() => String, { description: "The first 16 hex digits of the public key's SHA-256" })
  keyId: string;

  @Field(() => String, { description: 'The public key (serialized group element), base64' })
  publicKey: string;
}

@ObjectType('PrivateScreeningEvaluation', { description: 'A batch of blinded elements evaluated with the hub’s key' })
export class PrivateScreeningEvaluationType {
  @Field(() => String)
  keyId: string;

  @Field(() => Int, { description: 'Blinded elements evaluated (counted against your quota)' })
  elements: number;

  @Field(() => String, { description: 'The RFC 9497 Evaluation (evaluated elements and the batch proof), serialized, base64' })
  evaluation: string;
}

@ObjectType('PrivateScreeningFilter', {
  description: 'The hub’s evaluations of every identifier it knows beyond what you can see, truncated, sorted and padded to a size class',
})
export class PrivateScreeningFilterType extends PrivateScreeningKeyType {
  @Field(() => Int, { description: 'Bytes of an entry (the first bytes of an RFC 9497 output)' })
  entryBytes: number;

  @Field(() => Int, { description: 'Entries, padding included: a size class (a power of two), never the number of identifiers' })
  size: number;

  @Field(() => String, { description: 'The entries, each entryBytes bytes, in ascending order, base64' })
  entries: string;
}

@InputType('EvaluatePrivateScreeningInput')
export class EvaluatePrivateScreeningInput {
  @Field(() => String, { description: 'An RFC 9497 EvaluationRequest of the key’s suite, serialized, base64' })
  request: string;

  @Field(() => String, {
    description:
      'One per batch (8–128 of A-Za-z0-9._:-): the same batch re-sent under the same key gets the same evaluation, counted and audited once; another batch under a used key is a CONFLICT',
  })
  idempotencyKey: string;
}
