import { SqlParams } from '../../policies/sql';
import type { RequestContext } from '../kernel/context';
import { badInput } from '../kernel/errors';
import { projectOne } from '../kernel/policy';
import { selectVisible } from '../kernel/repository';
import { nameMatchFunction } from '../kernel/security';
import { similaritySql } from '../kernel/text-search';
import { text } from '../kernel/validate';
import { entityTable } from './entity.repository';

/**
 * Organisations by name, best match first: trigram similarity on folded names (lower-case,
 * unaccented, cedilla ş ţ read as comma-below), so "Asociatia" finds "Asociația" and a small
 * misspelling still matches; a term that is a word or two of a longer name matches by word
 * similarity. Only organisations that reach the caller, and only rows whose value the caller may
 * read: a name the caller sees masked can never be confirmed by searching for it.
 */
export async function searchOrganisations(ctx: RequestContext, name: string, first: number) {
  const term = text('name', name, { max: 200, required: true })!;
  if (term.length < 3) throw badInput('name', 'must be at least 3 characters');
  if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first', 'must be between 1 and 100');
  const params = new SqlParams();
  const t = params.add(term);
  const { rows } = await selectVisible(ctx, entityTable, {
    params,
    filterFields: ['kind', 'value'],
    extraColumns: `${similaritySql('entities', 'en.organisation_name_folded', t)} AS "__score"`,
    // The candidates come through the trigram index on the folded name, which only organisations have.
    where: () => [`en.kind = 'ORGANISATION'`, `en.id = ANY((SELECT ${nameMatchFunction(entityTable.table)}(${t}))::uuid[])`],
    orderBy: '"__score" DESC, en.id',
    limit: first,
  });
  return rows.map((r) => ({ entity: projectOne(ctx, r), score: Math.round(Number(r.__score) * 1000) / 1000 }));
}
