import { SqlParams } from '../../policies/sql';
import { appendAudit, ownRecordEvent, writtenFields } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { badInput, notFound } from '../kernel/errors';
import { assertUuid, handlingInsert, type HandlingRow, inheritedHandling } from '../kernel/marked-record';
import { type PageArgs, pageWindow, SortDirection, toPage } from '../kernel/pagination';
import { assertCanCreate, projectAll } from '../kernel/policy';
import { findVisible, getVisible, selectPage, visibleLoader } from '../kernel/repository';
import { isoDate, isUuid } from '../kernel/validate';
import { personTable, referralStageTable } from './case.repository';
import { MECHANISMS, type Mechanism, nextStageCheck, type Outcome, type RecordedStage, type Stage } from './referral';
import type { RecordReferralStageInput, ReferralStageFilter, ReferralStageOrder } from './referral.type';

type Projected = Record<string, unknown>;

/** Every stage of every mechanism, in order: a stage's place in its path, for sorting. */
const STAGE_ORDER_SQL = `ARRAY[${Object.values(MECHANISMS)
  .flat()
  .map((s) => `'${s}'`)
  .join(', ')}]`;
const stageOrder = (alias: string) => `array_position(${STAGE_ORDER_SQL}, ${alias}.stage)`;

export const getReferralStage = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, referralStageTable, id);

/** A person's stages that reach the caller, by mechanism and in path order. */
export async function stagesOfPerson(ctx: RequestContext, personId: string): Promise<Projected[]> {
  return projectAll(ctx, await visibleLoader(ctx, referralStageTable, 'person_id', `rs.mechanism, ${stageOrder('rs')}, rs.id`).load(personId));
}

const SORT_SQL: Record<string, string> = { occurredOn: 'rs.occurred_on', stage: stageOrder('rs') };

export async function listReferralStages(ctx: RequestContext, filter: ReferralStageFilter | undefined, order: ReferralStageOrder | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  if (f.caseId && !isUuid(f.caseId)) throw badInput('filter.caseId', 'must be a UUID');
  if (f.personId && !isUuid(f.personId)) throw badInput('filter.personId', 'must be a UUID');
  const used = (['caseId', 'personId', 'mechanism', 'stage', 'outcome'] as const).filter((k) => f[k]);
  const column: Record<(typeof used)[number], string> = {
    caseId: 'rs.case_id',
    personId: 'rs.person_id',
    mechanism: 'rs.mechanism',
    stage: 'rs.stage',
    outcome: 'rs.outcome',
  };
  const { rows, ...rest } = await selectPage(ctx, referralStageTable, window, {
    filterFields: [...used],
    sort: order && { field: order.field, column: SORT_SQL[order.field]!, direction: order.direction === SortDirection.DESC ? 'DESC' : 'ASC' },
    where: (p) => used.map((k) => `${column[k]} = ${p.add(f[k])}`),
    orderBy: order ? 'rs.id' : `rs.person_id, rs.mechanism, ${stageOrder('rs')}, rs.id`,
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

/**
 * Records the next stage of a victim's path through a referral mechanism: only the person's owner
 * agency, only a VICTIM, only the next stage in the legal order on a date that makes sense
 * (referral.ts, `nextStageCheck`). The same stage sent again with the same outcome and date answers
 * the stage already recorded and changes nothing; sent with another date or outcome, CONFLICT.
 * A new stage is one transaction with its audit: COLLECT of the stage and ALTER of the person's
 * referral path.
 */
export async function recordReferralStage(ctx: RequestContext, input: RecordReferralStageInput): Promise<Projected> {
  assertUuid('input.personId', input.personId);
  const occurredOn = isoDate('input.occurredOn', input.occurredOn) as string;
  const person = await findVisible(ctx, personTable, input.personId);
  if (!person) throw notFound('Person');
  assertCanCreate(ctx, { __typename: 'ReferralStage', ownerAgencyId: person.ownerAgencyId });
  if (person.role !== 'VICTIM') throw badInput('input.personId', 'is not a VICTIM: only a potential victim goes through a referral mechanism');

  const next = { mechanism: input.mechanism as Mechanism, stage: input.stage as Stage, outcome: (input.outcome ?? null) as Outcome | null, occurredOn };
  const id = await ctx.db.transaction(async (tx) => {
    // One stage at a time per person: the order check and the insert see the same path.
    await tx.query(`SELECT 1 FROM cases.persons WHERE id = $1 FOR UPDATE`, [input.personId]);
    const recorded = await tx.query<RecordedStage & { id: string }>(
      `SELECT id, stage, outcome, occurred_on::text AS "occurredOn" FROM cases.referral_stages
        WHERE person_id = $1 AND mechanism = $2 ORDER BY ${stageOrder('referral_stages')}`,
      [input.personId, next.mechanism],
    );
    const [{ today }] = (await tx.query<{ today: string }>(`SELECT current_date::text AS today`)) as [{ today: string }];
    if (nextStageCheck(recorded, next, today) === 'existing') return recorded.find((r) => r.stage === next.stage)!.id;
    const stageId = await insertStage(tx, ctx, person as unknown as HandlingRow & { caseId: string; id: string }, next);
    await appendAudit(tx, ctx, [
      ownRecordEvent(
        ctx,
        'COLLECT',
        'ReferralStage',
        stageId,
        writtenFields({ mechanism: next.mechanism, stage: next.stage, outcome: next.outcome, occurredOn }),
      ),
      ownRecordEvent(ctx, 'ALTER', 'Person', input.personId, ['referralStages']),
    ]);
    return stageId;
  });
  visibleLoader(ctx, referralStageTable, 'person_id').clear(input.personId);
  ctx.log.info({ stageId: id, op: 'recordReferralStage' }, 'referral stage recorded');
  return getReferralStage(ctx, id);
}

/** The stage takes the person's handling: it says no less about the victim than the person does. */
async function insertStage(
  tx: Sql,
  ctx: RequestContext,
  person: HandlingRow & { caseId: string; id: string },
  s: { mechanism: Mechanism; stage: Stage; outcome: Outcome | null; occurredOn: string },
): Promise<string> {
  const params = new SqlParams();
  const meta = handlingInsert(ctx.actor, inheritedHandling(person), params);
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO cases.referral_stages (${meta.columns}, case_id, person_id, mechanism, stage, outcome, occurred_on)
     VALUES (${meta.values}, ${params.add(person.caseId)}, ${params.add(person.id)}, ${params.add(s.mechanism)}, ${params.add(s.stage)},
       ${params.add(s.outcome)}, ${params.add(s.occurredOn)}) RETURNING id`,
    params.values,
  );
  return row!.id;
}
