import { ArgsType, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AgencyRef } from '../kernel/references';
import { CaseType, EntityType, LinkKindEnum, LinkType, ObservationType, PersonRef } from './entity.type';
import { enumOf } from '../kernel/enums';
import { type EntityKind, EntityKindEnum } from '../kernel/identifier';
import { LINK_KINDS, type LinkKind } from './observe';

/**
 * Value types of the link-analysis queries. None is a policy subject: every value on them is copied
 * from a record that went through the policy (a projected Entity, Link or Observation) or is a
 * federation reference that the owning subgraph resolves through its own policy (Person, Case, Agency).
 */

export const NETWORK_NODE_TYPES = ['ENTITY', 'PERSON', 'CASE'] as const;
export type NetworkNodeKind = (typeof NETWORK_NODE_TYPES)[number];
export const NetworkNodeTypeEnum = enumOf(NETWORK_NODE_TYPES);
registerEnumType(NetworkNodeTypeEnum, { name: 'NetworkNodeType' });

export const NETWORK_EDGE_KINDS = [...LINK_KINDS, 'OBSERVED_IN'] as const;
export type NetworkEdgeKind = (typeof NETWORK_EDGE_KINDS)[number];
export const NetworkEdgeKindEnum = enumOf(NETWORK_EDGE_KINDS);
registerEnumType(NetworkEdgeKindEnum, { name: 'NetworkEdgeKind', description: 'A link kind, or OBSERVED_IN for an observation of an entity in a case' });

export const NETWORK_TRUNCATIONS = ['DEGREE_CAP', 'NODE_LIMIT'] as const;
export type NetworkTruncation = (typeof NETWORK_TRUNCATIONS)[number];
export const NetworkTruncationEnum = enumOf(NETWORK_TRUNCATIONS);
registerEnumType(NetworkTruncationEnum, {
  name: 'NetworkTruncation',
  description: 'DEGREE_CAP: a supernode was returned as one hub node and not expanded; NODE_LIMIT: the node limit stopped the expansion',
});

@ObjectType('NetworkNode', { description: 'A node of a link chart: an entity, a person or a case' })
export class NetworkNodeType {
  @Field(() => ID)
  id: string;

  @Field(() => NetworkNodeTypeEnum)
  type: NetworkNodeKind;

  /** Resolved by NetworkResolver.label from `entity`, so that a value shown as a label is a recorded consultation. */
  label?: string | null;

  @Field(() => Int, { description: 'Steps from the nearest seed' })
  depth: number;

  @Field(() => Int, { description: 'Edges of this node in the returned graph' })
  degree: number;

  @Field(() => Boolean, { description: 'A supernode: more visible edges than degreeCap; returned as one node and not expanded' })
  hub: boolean;

  @Field(() => Int, { nullable: true, description: 'For a hub: how many edges you may see it has in all (with the filters applied)' })
  hubCount: number | null;

  @Field(() => EntityType, { nullable: true })
  entity: Record<string, unknown> | null;

  @Field(() => PersonRef, { nullable: true })
  person: { __typename: 'Person'; id: string } | null;

  @Field(() => CaseType, { nullable: true })
  case: { __typename: 'Case'; id: string } | null;
}

@ObjectType('NetworkEdge', { description: 'A statement you may see: a link between two nodes, or an observation of an entity in a case' })
export class NetworkEdgeType {
  @Field(() => ID, { description: 'The id of the link or observation' })
  id: string;

  @Field(() => ID)
  source: string;

  @Field(() => ID)
  target: string;

  @Field(() => NetworkEdgeKindEnum)
  kind: NetworkEdgeKind;

  /** Which statement the edge is: its `link` or `observation` is loaded through that subject's policy when selected (NetworkEdgeResolver). */
  subject: 'Link' | 'Observation';

  @Field(() => LinkType, { nullable: true, description: 'The link behind the edge (OBSERVED_IN edges: null)' })
  link?: Record<string, unknown> | null;

  @Field(() => ObservationType, { nullable: true, description: 'The observation behind an OBSERVED_IN edge' })
  observation?: Record<string, unknown> | null;
}

@ObjectType('Network', { description: 'Nodes and edges ready for a link chart, made only of statements you may see' })
export class NetworkType {
  @Field(() => [NetworkNodeType])
  nodes: NetworkNodeType[];

  @Field(() => [NetworkEdgeType])
  edges: NetworkEdgeType[];

  @Field(() => Boolean)
  truncated: boolean;

  @Field(() => [ID], { description: 'Nodes whose expansion was capped (hubs, and nodes whose neighbours the node limit cut off)' })
  truncatedAt: string[];

  @Field(() => [NetworkTruncationEnum])
  reasons: NetworkTruncation[];

  @Field(() => String, { nullable: true, description: 'Why the graph was truncated, in words' })
  reason: string | null;
}

@ObjectType('OrganisationMatch', { description: 'An organisation found by name, with the trigram similarity of the match (0..1)' })
export class OrganisationMatchType {
  @Field(() => EntityType)
  entity: Record<string, unknown>;

  @Field(() => Float)
  score: number;
}

export const CORRELATION_KINDS = ['OBSERVATION', 'LINK'] as const;
export type CorrelationKind = (typeof CORRELATION_KINDS)[number];
export const CorrelationKindEnum = enumOf(CORRELATION_KINDS);
registerEnumType(CorrelationKindEnum, { name: 'CorrelationKind' });

@ObjectType('CorrelationAlert', {
  description: "Another agency's new statement, which you may see, about an entity observed in one of your agency's cases",
})
export class CorrelationAlertType {
  @Field(() => ID, { description: 'The id of the new observation or link' })
  id: string;

  @Field(() => CorrelationKindEnum)
  kind: CorrelationKind;

  @Field(() => EntityType, { nullable: true })
  entity: Record<string, unknown> | null;

  @Field(() => CaseType, { description: "Your agency's case the entity was observed in" })
  case: { __typename: 'Case'; id: string };

  @Field(() => Date, { nullable: true, description: 'When the new observation says the entity was seen (null for links)' })
  observedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the statement was contributed' })
  createdAt: Date | null;

  @Field(() => ObservationType, { nullable: true, description: 'The new observation, if you may read it' })
  source: Record<string, unknown> | null;

  @Field(() => LinkType, { nullable: true, description: 'The new link, if you may read it' })
  link: Record<string, unknown> | null;

  @Field(() => AgencyRef, { nullable: true, description: 'Who contributed it, if you may read the statement' })
  contributorAgency: { __typename: 'Agency'; id: string } | null;
}

@ObjectType('HitNoHitResult', {
  description: 'Whether the hub knows an identifier beyond what you can see, and whom to ask; never what they hold',
})
export class HitNoHitResultType {
  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String, { description: 'The normalised form of the value you sent' })
  value: string;

  @Field(() => Boolean, { description: 'Some statement about it exists that you cannot see' })
  known: boolean;

  @Field(() => Int, { description: 'How many agencies hold such statements' })
  holderCount: number;

  @Field(() => [AgencyRef], { description: 'Those of them that accept access requests (holders of RED and AMBER_STRICT statements are never named)' })
  contactableAgencies: Array<{ __typename: 'Agency'; id: string }>;
}

@ObjectType('HitNoHitAskers', { description: 'Answered hit/no-hit requests from agencies of one type' })
export class HitNoHitAskersType {
  @Field(() => String, { description: 'LAW_ENFORCEMENT, FINANCIAL_INSTITUTION, NGO or HUB_ANALYST' })
  agencyType: string;

  @Field(() => Int)
  queries: number;
}

@ObjectType('HitNoHitInterest', {
  description:
    'An identifier your agency holds that other agencies asked hit/no-hit about since your agency began to hold it: how often, by agency type; never which agency or who',
})
export class HitNoHitInterestType {
  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String, { description: 'As your agency reads the entity: its value, or its masked value where the Entity rules withhold the value' })
  value: string;

  @Field(() => Int, { description: 'Answered requests that asked about it in the period, of the agency types listed in askedBy' })
  queries: number;

  @Field(() => [HitNoHitAskersType], {
    description:
      "Those requests by the asking agency's type, most first; law enforcement's only to a law-enforcement holder (never told to a bank, an NGO or the hub)",
  })
  askedBy: HitNoHitAskersType[];
}

/** How far and along what a network walk goes: the arguments `network` and `networkExport` share after their seeds. */
@ArgsType()
export class NetworkShapeArgs {
  @Field(() => Int, { defaultValue: 2, description: '1 to 3' })
  depth: number;

  @Field(() => [LinkKindEnum], { nullable: true, description: 'Follow only links of these kinds' })
  linkKinds?: LinkKind[];

  @Field(() => Boolean, { defaultValue: true, description: 'Follow entity–case observations (OBSERVED_IN edges)' })
  observations: boolean;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: links valid, and observations made, on or after' })
  from?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: links valid, and observations made, on or before' })
  to?: string;

  @Field(() => Int, { defaultValue: 200, description: 'At most 1000' })
  nodeLimit: number;

  @Field(() => Int, { defaultValue: 50, description: 'A node with more edges is returned as a hub and not expanded (at most 500)' })
  degreeCap: number;
}
