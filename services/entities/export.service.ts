import { rawOf } from '../../policies/enforce';
import { visibleAgencies } from '../agencies/api';
import { personsOfCase, visibleCases, visiblePersons } from '../cases/api';
import type { RequestContext } from '../kernel/context';
import { badInput, notFound } from '../kernel/errors';
import { assertUuid } from '../kernel/marked-record';
import { projectOne } from '../kernel/policy';
import { visibleLoader } from '../kernel/repository';
import type { IdentifierInput } from './entity.input';
import { linkTable, observationTable } from './entity.repository';
import { listEntities } from './entity.service';
import { toI2Entities, toI2Links } from './i2';
import { NETWORK_LIMITS, network, type NetworkArgs } from './network.service';
import type { NetworkType } from './network.type';
import { type ExportEdge, type ExportNode, ownerIdOf, type RecordSet } from './record-set';
import { type NoteDisclosure, toStixBundle } from './stix';

export const EXPORT_FORMATS = ['STIX', 'I2_ENTITIES', 'I2_LINKS'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Projected = Record<string, unknown>;

/** Projected statements by id through their own subject's policy (one statement per subject). */
async function statements(ctx: RequestContext, edges: NetworkType['edges']): Promise<Map<string, Projected>> {
  const out = new Map<string, Projected>();
  for (const [subject, table] of [
    ['Link', linkTable],
    ['Observation', observationTable],
  ] as const) {
    const ids = edges.filter((e) => e.subject === subject).map((e) => e.id);
    const rows = await visibleLoader(ctx, table, 'id').loadMany(ids);
    ids.forEach((id, i) => {
      const found = rows[i];
      if (Array.isArray(found) && found[0]) out.set(id, projectOne(ctx, found[0]));
    });
  }
  return out;
}

/**
 * The records behind a `network` answer, each through its owner's policy: the entities as the
 * network projected them, persons and cases from the cases subgraph's API, statements by their own
 * subjects, and the agencies owning them. Nothing is read that the GraphQL answer's fields would not
 * read through the same services.
 */
async function recordSetOf(ctx: RequestContext, graph: NetworkType, extraPersons: ReadonlyMap<string, Projected> = new Map()): Promise<RecordSet> {
  const idsOf = (type: string) => graph.nodes.filter((n) => n.type === type).map((n) => n.id);
  const [persons, cases, statementsById] = await Promise.all([
    visiblePersons(ctx, idsOf('PERSON')),
    visibleCases(ctx, idsOf('CASE')),
    statements(ctx, graph.edges),
  ]);
  const nodes: ExportNode[] = graph.nodes.map((n) => ({
    id: n.id,
    type: n.type,
    record: n.type === 'ENTITY' ? n.entity : ((n.type === 'PERSON' ? persons : cases).get(n.id) ?? null),
  }));
  const present = new Set(nodes.map((n) => n.id));
  for (const [id, p] of extraPersons) if (!present.has(id)) nodes.push({ id, type: 'PERSON', record: p });
  const edges: ExportEdge[] = graph.edges.map((e) => ({
    id: e.id,
    kind: e.kind,
    source: e.source,
    target: e.target,
    subject: e.subject,
    statement: statementsById.get(e.id) ?? null,
  }));
  const owners = [...nodes.map((n) => n.record), ...edges.map((e) => e.statement)].map(ownerIdOf).filter((id): id is string => !!id);
  return { nodes, edges, agencies: await visibleAgencies(ctx, owners) };
}

/** The request's consultation log notes each personal value an export carries, as the field resolvers do for a GraphQL answer. */
const noteOn =
  (ctx: RequestContext): NoteDisclosure =>
  (subject, record, field, value) =>
    ctx.consulted.resolved(subject, record, field, value);

function render(ctx: RequestContext, set: RecordSet, format: ExportFormat): string {
  switch (format) {
    case 'STIX':
      return JSON.stringify(toStixBundle(set, noteOn(ctx)), null, 2);
    case 'I2_ENTITIES':
      return toI2Entities(set, noteOn(ctx));
    case 'I2_LINKS':
      return toI2Links(set);
  }
}

/**
 * Seeds named by identifier: the entity `entities(filter: { kind, value, country })` returns to the
 * caller, through the same service (so only where the caller may read the value; an identifier the
 * caller cannot see names no seed, as it finds no entity there).
 */
async function identifierSeeds(ctx: RequestContext, identifiers: readonly IdentifierInput[]): Promise<string[]> {
  const ids: string[] = [];
  for (const ident of identifiers) {
    const page = await listEntities(ctx, { kind: ident.kind, value: ident.value, country: ident.country ?? undefined }, { first: 1 });
    for (const e of page.nodes) ids.push(rawOf<{ id: string }>(e).id);
  }
  return ids;
}

/**
 * The `network` answer for these arguments, in an exchange format. Seeds are ids, or identifiers
 * (kind and value) looked up as `entities(filter:)` does; together at most NETWORK_LIMITS.maxSeeds.
 */
export async function networkExport(
  ctx: RequestContext,
  args: Omit<NetworkArgs, 'seeds'> & { seeds?: string[] | null; identifiers?: IdentifierInput[] | null },
  format: ExportFormat,
): Promise<string> {
  const named = args.identifiers ?? [];
  if ((args.seeds?.length ?? 0) + named.length === 0) throw badInput('seeds', 'name at least one seed, by id (seeds) or by identifier (identifiers)');
  if (named.length > NETWORK_LIMITS.maxSeeds) throw badInput('identifiers', `name at most ${NETWORK_LIMITS.maxSeeds} identifiers`);
  const seeds = [...(args.seeds ?? []), ...(await identifierSeeds(ctx, named))];
  // Identifiers that name nothing the caller can see leave an empty network, as an unknown id does.
  if (seeds.length === 0) return render(ctx, { nodes: [], edges: [], agencies: new Map() }, format);
  return render(ctx, await recordSetOf(ctx, await network(ctx, { ...args, seeds })), format);
}

/**
 * A case's entities and links, in an exchange format: the network of depth 1 around the case and its
 * persons (the entities observed in the case, the persons' links), with every person of the case that
 * reaches the caller. NOT_FOUND if the case does not reach the caller.
 */
export async function caseExport(ctx: RequestContext, caseId: string, format: ExportFormat): Promise<string> {
  assertUuid('caseId', caseId);
  const id = caseId.toLowerCase();
  if (!(await visibleCases(ctx, [id])).has(id)) throw notFound('Case');
  const persons = new Map((await personsOfCase(ctx, id)).map((p) => [rawOf<{ id: string }>(p).id, p]));
  const graph = await network(ctx, {
    seeds: [id, ...persons.keys()].slice(0, NETWORK_LIMITS.maxSeeds),
    depth: 1,
    observations: true,
    nodeLimit: NETWORK_LIMITS.maxNodeLimit,
    degreeCap: NETWORK_LIMITS.maxDegreeCap,
  });
  // The case is a node even where no statement the caller sees is observed in it.
  if (!graph.nodes.some((n) => n.id === id))
    graph.nodes.unshift({ id, type: 'CASE', depth: 0, degree: 0, hub: false, hubCount: null, entity: null, person: null, case: null });
  return render(ctx, await recordSetOf(ctx, graph, persons), format);
}
