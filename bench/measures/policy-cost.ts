import { performance } from 'node:perf_hooks';
import { createMongoAbility } from '@casl/ability';
import { defineAbilityFor } from '../../policies/ability';
import { project } from '../../policies/enforce';
import type { AppAbility } from '../../policies/rules';
import type { PolicyRecord } from '../../policies/subjects';
import { caseTable, personTable } from '../../services/cases/case.repository';
import { entityTable, observationTable } from '../../services/entities/entity.repository';
import { createContext } from '../../services/kernel/context';
import { selectVisible, type SubjectTable } from '../../services/kernel/repository';
import { percentile } from '../load';
import type { Result } from '../report';
import type { Measure } from './common';

/**
 * 10,000 real rows (cases, persons, entities, observations the persona can see, read through the
 * same selectVisible as the services, policy attribute columns included) projected through
 * `project()` with the persona's ability, vs the same rows with an allow-all ability. Each
 * repetition builds a fresh ability, as a request does. Median of the repetitions.
 */
const RECORDS = 10_000;
const PERSONAS = ['met-police', 'albion-bank', 'safe-passage'];
const TABLES: SubjectTable[] = [personTable, caseTable, entityTable, observationTable];

const allowAll = (): AppAbility =>
  createMongoAbility([{ action: 'read', subject: 'all' }], { detectSubjectType: (r) => (r as PolicyRecord).__typename }) as unknown as AppAbility;

function timeProjection(records: PolicyRecord[], ability: AppAbility): number {
  const t = performance.now();
  let n = 0;
  for (const r of records) n += Object.keys(project(ability, r)).length;
  const elapsed = performance.now() - t;
  if (n === 0) throw new Error('projection produced nothing');
  return elapsed;
}

export const policyCost: Measure = {
  id: 'policy-cost',
  describe: 'time to project 10,000 records with the persona ability / an allow-all ability',
  async run({ stack }) {
    const reps = 25;
    const per: Array<{ persona: string; real: number; all: number; mix: string }> = [];
    for (const persona of PERSONAS) {
      const actor = await stack.actor(persona);
      const ctx = createContext(actor, 'bench-policy-cost', stack.db, 'bench');
      const bySubject: PolicyRecord[][] = [];
      try {
        for (const t of TABLES) bySubject.push((await selectVisible(ctx, t, { limit: RECORDS, orderBy: `${t.alias}.id` })).rows);
      } finally {
        // The request's database session (one connection, one transaction) ends as a request's would.
        await (ctx.db as { finish?: (commit: boolean) => Promise<void> }).finish?.(false);
      }
      // Round-robin over the subjects, cycling each list, so every persona projects the same 10,000-record mix where it can.
      const available = bySubject.filter((rows) => rows.length > 0);
      const records: PolicyRecord[] = [];
      for (let i = 0; records.length < RECORDS; i++) {
        const rows = available[i % available.length]!;
        records.push(rows[Math.floor(i / available.length) % rows.length]!);
      }
      const real: number[] = [];
      const all: number[] = [];
      for (let rep = 0; rep < reps + 5; rep++) {
        const order = rep % 2 === 0 ? ['real', 'all'] : ['all', 'real'];
        for (const which of order) {
          const ms = timeProjection(records, which === 'real' ? defineAbilityFor(actor) : allowAll());
          if (rep >= 5) (which === 'real' ? real : all).push(ms);
        }
      }
      real.sort((a, b) => a - b);
      all.sort((a, b) => a - b);
      const mix = TABLES.map((t, i) => `${t.subject} ${bySubject[i]!.length >= RECORDS ? `${RECORDS}+` : bySubject[i]!.length}`).join(', ');
      per.push({ persona, real: percentile(real, 50), all: percentile(all, 50), mix });
    }
    const worst = per.reduce((w, p) => (p.real / p.all > w.real / w.all ? p : w));
    const ratio = worst.real / worst.all;
    const result: Result = {
      id: 'policy-cost',
      value: worst.real,
      unit: 'ms',
      baseline: worst.all,
      ratio,
      target: '<= 1.2',
      pass: ratio <= 1.2,
      notes: [
        `worst persona ${worst.persona}; 10,000 records per persona, median of ${reps} repetitions, fresh ability each`,
        ...per.map(
          (p) => `${p.persona}: ${p.real.toFixed(1)} ms vs allow-all ${p.all.toFixed(1)} ms = ${(p.real / p.all).toFixed(2)} (visible rows: ${p.mix})`,
        ),
      ],
    };
    return [result];
  },
};
