import { startTestHub, type TestHub } from '../support/hub';
let hub: TestHub;
beforeAll(async () => { hub = await startTestHub('in-process'); });
afterAll(() => hub.stop());
const id = (k: string) => hub.demo.ids[k]!;
test('dump', async () => {
  const out: unknown[] = [];
  const q = async (p: string, query: string, v?: Record<string, unknown>) => out.push({ p, query, r: await hub.gql(p, query, v) });
  await q('albion-bank', `query($id:ID!){ case(id:$id){ id reference summary nrmStage persons { id role fullName dateOfBirth } entities { kind value maskedValue observations { note } } narratives { text } events { description location { name } } } }`, { id: id('case:midlands') });
  await q('politia-romana', `query($id:ID!){ case(id:$id){ persons { pseudonym fullName dateOfBirth contact documents } } }`, { id: id('case:lanterna') });
  await q('met-police', `query($id:ID!){ narrative(id:$id){ text case { summary reference persons { fullName } } } }`, { id: id('narrative:safe-passage-ro') });
  await q('met-police', `query($f:String!,$t:String!){ hotspots(periodFrom:$f, periodTo:$t){ location { name } caseCount victimCount countSuppressed } }`, { f: '2025-01-01', t: '2026-12-31' });
  await q('albion-bank', `query($f:String!,$t:String!){ hotspots(periodFrom:$f, periodTo:$t){ location { name } caseCount victimCount countSuppressed } }`, { f: '2025-01-01', t: '2026-12-31' });
  await q('albion-bank', `{ persons(filter:{fullNameContains:"Elena"}) { totalCount nodes { fullName } } }`);
  await q('albion-bank', `{ entities { totalCount nodes { kind value maskedValue } } }`);
  await q('west-midlands-police', `query($id:ID!){ entity(id:$id){ value cases { id summary } links { kind fromPerson { fullName } toPerson { fullName } } observations { note } } }`, { id: id('entity:shared-phone') });
  console.log(JSON.stringify(out, null, 1));
});
