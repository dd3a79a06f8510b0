import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { SUBGRAPHS } from '../services/registry';
import { readAnnounced, unannouncedBreakingChanges } from './schema-changes';

/**
 * Writes each subgraph's SDL and the composed supergraph under schema/, and reports the breaking
 * changes of the new supergraph against the checked-in one (scripts/schema-changes.ts). A breaking
 * change not announced in schema/BREAKING.md stops it: nothing is written. With --check, writes
 * nothing and fails when the checked-in files differ from what the code composes, naming any
 * unannounced breaking change among the differences.
 */
export async function composeSupergraph(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const services = [];
  for (const def of SUBGRAPHS) {
    const sdl = printSubgraphSchema(await def.buildSchema());
    files.set(`${def.name}.graphql`, sdl);
    services.push({ name: def.name, url: `http://127.0.0.1:${def.port}/graphql`, typeDefs: parse(sdl) });
  }
  const result = composeServices(services);
  if (result.errors?.length) throw new Error(`Composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  files.set('supergraph.graphql', result.supergraphSdl!);
  return files;
}

async function main() {
  const dir = path.join(__dirname, '..', 'schema');
  const files = await composeSupergraph();
  const check = process.argv.includes('--check');
  const supergraphFile = path.join(dir, 'supergraph.graphql');
  if (fs.existsSync(supergraphFile)) {
    const { breaking, unannounced } = await unannouncedBreakingChanges(
      fs.readFileSync(supergraphFile, 'utf8'),
      files.get('supergraph.graphql')!,
      readAnnounced(path.join(dir, 'BREAKING.md')),
    );
    for (const m of breaking) console.log(`${unannounced.includes(m) ? 'UNANNOUNCED breaking change' : 'breaking change (announced)'}: ${m}`);
    if (unannounced.length) {
      console.error(
        `${unannounced.length} breaking change(s) of the API are not announced: list each, exactly as printed, in schema/BREAKING.md (see its head), or keep the old field alongside the new one`,
      );
      process.exit(1);
    }
  }
  const stale: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === content) continue;
    if (check) stale.push(name);
    else fs.writeFileSync(file, content);
  }
  if (stale.length) {
    console.error(`schema/ is stale (${stale.join(', ')}): run npm run schema:compose`);
    process.exit(1);
  }
  console.log(check ? 'schema/ is up to date' : `schema/ written (${[...files.keys()].join(', ')})`);
}

if (require.main === module)
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
