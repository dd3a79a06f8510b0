import fs from 'node:fs';
import path from 'node:path';
import { startTestHub, type TestHub } from './support/hub';
import { solvedChallenge } from './support/public';

/**
 * Every README example marked `# as: <persona>` runs against the demo data and returns something:
 * no error but the FORBIDDEN_FIELD redactions it describes, and no empty root field. A `# purpose:`
 * line under it is sent as `x-tessera-purpose`. `# as: public` is sent without a token; in it,
 * `"<challenge>"` and `"<nonce>"` become a challenge fetched and solved as the public app does. In
 * any example, `<agency:slug>` becomes that demo agency's id, `<publicReport:key>` that demo report's,
 * `<location:slug>` that gazetteer entry's id, and `<demo:key>` the id of the demo record registered
 * under that key.
 */
const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const EXAMPLES = [...README.matchAll(/```graphql\n# as: (\S+)\n(?:# purpose: (.+)\n)?([\s\S]*?)```/g)].map((m) => ({
  persona: m[1]!,
  purpose: m[2],
  query: m[3]!,
}));

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') {
    const nodes = (value as { nodes?: unknown }).nodes;
    return nodes !== undefined && isEmpty(nodes);
  }
  return false;
}

describe('README examples', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('in-process');
  });
  afterAll(() => hub.stop());

  test('there are examples for every agency type', () => {
    const types = new Set(EXAMPLES.map((e) => e.persona.split(':')[0]));
    for (const persona of ['met-police', 'albion-bank', 'safe-passage', 'spitalul-iasi', 'tessera-hub', 'tessera-admin', 'public'])
      expect(types).toContain(persona);
  });

  test.each(EXAMPLES.map((e, i) => [i + 1, e.persona, e.query, e.purpose] as const))('example %i (%s) answers', async (_n, persona, query, purpose) => {
    let text = query
      .replace(/<agency:([a-z0-9-]+)>/g, (_m, slug: string) => hub.demo.agencies[slug]!.id)
      .replace(/<publicReport:([a-z0-9-]+)>/g, (_m, key: string) => hub.demo.ids[`publicReport:${key}`]!)
      .replace(/<location:([a-z0-9-]+)>/g, (_m, slug: string) => hub.demo.locations[slug]!)
      .replace(/<demo:([a-z0-9:-]+)>/g, (_m, key: string) => hub.demo.ids[key]!);
    if (text.includes('"<challenge>"')) {
      const { challenge, nonce } = await solvedChallenge(hub);
      text = text.replace('"<challenge>"', JSON.stringify(challenge)).replace('"<nonce>"', JSON.stringify(nonce));
    }
    const r = await hub.gql<Record<string, unknown>>(persona === 'public' ? {} : persona, text, undefined, { purpose });
    expect((r.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN_FIELD')).toEqual([]);
    for (const [field, value] of Object.entries(r.data ?? {})) expect({ field, empty: isEmpty(value) }).toEqual({ field, empty: false });
  });
});
