import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { Link, navigate } from './app';
import { ConfirmDialog, dayFromToday, Loading, Pager, Problems, TlpBanner, usePages, useQuery } from './common';
import { client } from './graphql';
import { t } from './i18n';
import { graphql, type ResultOf, type VariablesOf } from './gql';

const SUBJECT_TYPES: SubjectType[] = ['Case', 'Typology', 'TransactionReport', 'Narrative', 'Observation', 'Link', 'Route'];
const PAGE_SIZE = 25;

const DUE = graphql(`
  query RecordsDue($first: Int!, $after: String, $before: String, $subjectType: RecordSubjectType) {
    recordsDueForReview(first: $first, after: $after, before: $before, subjectType: $subjectType) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        subjectType
        id
        marking
        reviewDue
        retentionClass
        reviewPeriodYears
        createdAt
      }
    }
  }
`);
const REVIEWS = graphql(`
  query RetentionReviews {
    retentionReviews(first: 20) {
      totalCount
      nodes {
        id
        subjectType
        recordId
        decision
        reason
        reviewedAt
        previousReviewDue
        nextReviewDue
        erasedRecordCount
      }
    }
  }
`);
const REVIEW = graphql(`
  mutation ReviewRecord($subjectType: RecordSubjectType!, $id: ID!, $decision: RetentionDecision!, $reason: String) {
    reviewRecord(subjectType: $subjectType, id: $id, decision: $decision, reason: $reason) {
      id
      decision
      nextReviewDue
      erasedRecordCount
    }
  }
`);

type Due = ResultOf<typeof DUE>['recordsDueForReview']['nodes'][number];
type SubjectType = VariablesOf<typeof REVIEW>['subjectType'];

const recordName = (r: { subjectType: string; id: string }) => `${r.subjectType} ${r.id.slice(0, 8)}`;

/**
 * The agency's records due for retention review (never their content), soonest first, and the
 * decisions made: a supervisor keeps a record, saying why (the next review is one class period from
 * today), or erases it with everything that follows it, after a confirmation.
 */
export function RetentionPage({ query }: { query: URLSearchParams }) {
  const before = /^\d{4}-\d{2}-\d{2}$/.test(query.get('before') ?? '') ? query.get('before')! : dayFromToday(0);
  const subjectType = SUBJECT_TYPES.find((s) => s === query.get('subjectType')) ?? '';
  const key = `${before}:${subjectType}`;
  const pages = usePages(key);
  const [draft, setDraft] = useState({ before, subjectType });
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string>();
  const [selected, setSelected] = useState<Due>();
  const q = useQuery(DUE, { first: PAGE_SIZE, after: pages.after, before, subjectType: subjectType || undefined }, version);
  const state = { loading: q.loading, list: q.data?.recordsDueForReview, error: q.error };

  useEffect(() => setDraft({ before, subjectType }), [key]);

  return (
    <section data-testid="retention">
      <h1>{t('retention.title')}</h1>
      <p class="muted">{t('retention.intro')}</p>
      <form
        class="filters"
        aria-label={t('retention.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/retention?${new URLSearchParams({ before: draft.before, ...(draft.subjectType ? { subjectType: draft.subjectType } : {}) })}`);
        }}
      >
        <div>
          <label for="due-before">{t('retention.before')}</label>
          <input
            id="due-before"
            type="date"
            required
            value={draft.before}
            onInput={(e) => setDraft({ ...draft, before: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div>
          <label for="due-type">{t('retention.subjectType')}</label>
          <select id="due-type" value={draft.subjectType} onChange={(e) => setDraft({ ...draft, subjectType: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('retention.anyType')}</option>
            {SUBJECT_TYPES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">{t('retention.show')}</button>
        </div>
      </form>
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {state.loading && <Loading />}
      <Problems error={state.error} all />
      {state.list && (
        <>
          <Pager label={t('retention.pages')} total={state.list.totalCount} shown={state.list.nodes.length} pages={pages} pageInfo={state.list.pageInfo} />
          {state.list.nodes.length === 0 ? (
            <p data-testid="queue-empty">{t('retention.none', { day: before })}</p>
          ) : (
            <table class="data" data-testid="due">
              <caption class="visually-hidden">{t('retention.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('retention.record')}</th>
                  <th scope="col">{t('retention.marking')}</th>
                  <th scope="col">{t('retention.reviewDue')}</th>
                  <th scope="col">{t('retention.class')}</th>
                  <th scope="col">{t('retention.created')}</th>
                  <th scope="col">{t('retention.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {state.list.nodes.map((r) => (
                  <tr key={r.id} aria-current={selected?.id === r.id ? 'true' : undefined}>
                    <td class="mono">{r.subjectType === 'Case' ? <Link href={`/case/${r.id}`}>{recordName(r)}</Link> : recordName(r)}</td>
                    <td>
                      <TlpBanner marking={r.marking} inline />
                    </td>
                    <td>{r.reviewDue}</td>
                    <td>{t('retention.classPeriod', { cls: t(`retention.classes.${r.retentionClass}`), count: r.reviewPeriodYears })}</td>
                    <td>{r.createdAt.slice(0, 10)}</td>
                    <td>
                      <button type="button" class="small" aria-label={t('retention.reviewOne', { record: recordName(r) })} onClick={() => setSelected(r)}>
                        {t('retention.review')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {selected && (
        <Decision
          key={selected.id}
          record={selected}
          onCancel={() => setSelected(undefined)}
          onDone={(text) => {
            setSelected(undefined);
            setNotice(text);
            setVersion((v) => v + 1);
          }}
        />
      )}
      <Reviews version={version} />
    </section>
  );
}

function Decision({ record, onCancel, onDone }: { record: Due; onCancel: () => void; onDone: (notice: string) => void }) {
  const [decision, setDecision] = useState<'KEEP' | 'ERASE'>('KEEP');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CombinedError>();
  const name = recordName(record);

  const submit = async () => {
    setConfirming(false);
    setBusy(true);
    const r = await client
      .mutation(REVIEW, {
        subjectType: record.subjectType,
        id: record.id,
        decision,
        reason: reason.trim() || undefined,
      })
      .toPromise();
    setBusy(false);
    if (r.error || !r.data) return setError(r.error);
    const done = r.data.reviewRecord;
    onDone(
      decision === 'KEEP'
        ? t('retention.kept', { record: name, day: done.nextReviewDue ?? '' })
        : t('retention.erased', { record: name, count: done.erasedRecordCount }),
    );
  };

  return (
    <form
      class="decision card"
      aria-labelledby="decision-title"
      data-testid="decision"
      onSubmit={(e) => {
        e.preventDefault();
        if (decision === 'ERASE') setConfirming(true);
        else void submit();
      }}
    >
      <h2 id="decision-title">{t('retention.decideTitle', { record: name })}</h2>
      <fieldset>
        <legend>{t('retention.decision')}</legend>
        {(['KEEP', 'ERASE'] as const).map((d) => (
          <div key={d} class="check">
            <input type="radio" name="decision" id={`decision-${d}`} checked={decision === d} onChange={() => setDecision(d)} />
            <label for={`decision-${d}`}>{d === 'KEEP' ? t('retention.keepFor', { count: record.reviewPeriodYears }) : t('retention.eraseAll')}</label>
          </div>
        ))}
      </fieldset>
      <label for="decision-reason">{decision === 'KEEP' ? t('retention.reasonRequired') : t('retention.reasonOptional')}</label>
      <textarea
        id="decision-reason"
        rows={3}
        required={decision === 'KEEP'}
        value={reason}
        onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
      />
      <p class="toolbar">
        <button type="submit" class={decision === 'ERASE' ? 'danger' : ''} disabled={busy || (decision === 'KEEP' && !reason.trim())}>
          {t(decision === 'KEEP' ? 'retention.keep' : 'retention.erase')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </p>
      <Problems error={error} all />
      {confirming && (
        <ConfirmDialog
          title={t('retention.confirmEraseTitle')}
          confirm={t('retention.erase')}
          onConfirm={() => void submit()}
          onCancel={() => setConfirming(false)}
        >
          <p>{t('retention.confirmErase', { record: name })}</p>
        </ConfirmDialog>
      )}
    </form>
  );
}

function Reviews({ version }: { version: number }) {
  const q = useQuery(REVIEWS, {}, version);
  const state = { loading: q.loading, reviews: q.data?.retentionReviews.nodes, total: q.data?.retentionReviews.totalCount };
  if (state.loading && !state.reviews) return <Loading />;
  if (!state.reviews) return null;
  return (
    <section class="sub" aria-labelledby="reviews-title">
      <h2 id="reviews-title">{t('retention.reviews', { count: state.total ?? 0 })}</h2>
      {state.reviews.length === 0 ? (
        <p class="muted">{t('retention.noReviews')}</p>
      ) : (
        <table class="data" data-testid="reviews">
          <thead>
            <tr>
              <th scope="col">{t('retention.reviewedAt')}</th>
              <th scope="col">{t('retention.record')}</th>
              <th scope="col">{t('retention.decision')}</th>
              <th scope="col">{t('retention.reason')}</th>
              <th scope="col">{t('retention.next')}</th>
            </tr>
          </thead>
          <tbody>
            {state.reviews.map((r) => (
              <tr key={r.id}>
                <td>{r.reviewedAt.slice(0, 10)}</td>
                <td class="mono">{`${r.subjectType} ${r.recordId.slice(0, 8)}`}</td>
                <td>{r.decision === 'KEEP' ? t('retention.keptShort') : t('retention.erasedShort', { count: r.erasedRecordCount })}</td>
                <td>{r.reason ?? t('common.none')}</td>
                <td>{r.nextReviewDue ?? t('common.none')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
