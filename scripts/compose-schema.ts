import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { SUBGRAPHS } from '../services/registry';

/**
 * Writes each subgraph's SDL and the composed supergraph under schema/. With --check, writes
 * nothing and fails when the checked-in files differ from what the code composes.
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
