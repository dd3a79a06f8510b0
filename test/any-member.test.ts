/**
 * Every root field names the policy subject and action it needs; a field any member may call,
 * checked by its service alone, is a listed exception. A new one fails this test until it is added
 * here (with the reason given at its declaration, services/kernel/federation.ts AnyMember).
 */
import type { GraphQLSchema } from 'graphql';
import { Query, Resolver } from 'type-graphql';
import { anyMemberRootFields, buildFederatedSchema } from '../services/kernel/federation';
import { SUBGRAPHS } from '../services/registry';

/** 'subgraph.field' of every root field declared AnyMember. */
const ANY_MEMBER_ROOT_FIELDS: string[] = ['audit.auditCheckpoints', 'audit.latestAuditCheckpoint', 'audit.auditCheckpointKey'];

test('the root fields any member may call are exactly the listed exceptions', async () => {
  const declared: string[] = [];
  for (const subgraph of SUBGRAPHS) {
    const schema: GraphQLSchema = await subgraph.buildSchema();
    declared.push(...anyMemberRootFields(schema).map((field) => `${subgraph.name}.${field}`));
  }
  expect(declared.sort()).toEqual([...ANY_MEMBER_ROOT_FIELDS].sort());
});

@Resolver()
class ProbeResolver {
  @Query(() => String)
  probe(): string {
    return 'probe';
  }
}

test('a root field declared AnyMember is reported (so the list above catches a new one); one without a reason refuses to start', async () => {
  const schema = await buildFederatedSchema({ resolvers: [ProbeResolver], rootAccess: { probe: { anyMember: 'a probe for this test' } } });
  expect(anyMemberRootFields(schema)).toEqual(['probe']);
  await expect(buildFederatedSchema({ resolvers: [ProbeResolver], rootAccess: { probe: { anyMember: ' ' } } })).rejects.toThrow(/any-member without a reason/);
});
