import type { Sql } from '../kernel/db';
import type { DemoRegistry } from '../kernel/subgraph';

export async function seedCasesDemo(_db: Sql, _demo: DemoRegistry): Promise<void> {}
