import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { Loading, Problems, Withheld } from './common';
import { client } from './graphql';
import type { TadaDocumentNode } from 'gql.tada';
import { graphql, type ResultOf, type VariablesOf } from './gql';
import { i18next, t } from './i18n';

const DIMENSIONS: VariablesOf<(typeof STATISTICS)['UK_NRM']>['by'][] = ['NATIONALITY', 'EXPLOITATION_TYPE', 'AGE_GROUP', 'REFERRING_AGENCY_TYPE'];

/**
 * Each mechanism's operation: its table's columns (`rows`, after quarter, group and countSuppressed)
 * and its charts (the `nrmStatisticsChart` fields, by measure) are the ones written here, in this
 * order; the page reads them from the document (`COLUMNS`, `MEASURES`). The API returns the other
 * mechanism's fields as null.
 */
const STATISTICS = {
  UK_NRM: graphql(`
    query UkNrmStatistics($from: String!, $to: String!, $by: NrmStatisticsDimension!, $language: ChartLanguage!) {
      me {
        agency {
          type
        }
      }
      nrmStatistics(mechanism: UK_NRM, periodFrom: $from, periodTo: $to, by: $by) {
        periodFrom
        periodTo
        rows {
          quarter
          group
          countSuppressed
          referrals
          reasonableGroundsDecisions
          reasonableGroundsPositive
          reasonableGroundsWithinTarget
          reasonableGroundsMedianWorkingDays
          conclusiveGroundsDecisions
          conclusiveGroundsPositive
          conclusiveGroundsMedianDays
          awaitingConclusive
          waitingBeyondReferenceMedian
          supportProvided
        }
      }
      REFERRALS: nrmStatisticsChart(mechanism: UK_NRM, periodFrom: $from, periodTo: $to, by: $by, measure: REFERRALS, language: $language) {
        contentType
        base64
        description
      }
      REASONABLE_GROUNDS_MEDIAN: nrmStatisticsChart(
        mechanism: UK_NRM
        periodFrom: $from
        periodTo: $to
        by: $by
        measure: REASONABLE_GROUNDS_MEDIAN
        language: $language
      ) {
        contentType
        base64
        description
      }
      CONCLUSIVE_GROUNDS_MEDIAN: nrmStatisticsChart(
        mechanism: UK_NRM
        periodFrom: $from
        periodTo: $to
        by: $by
        measure: CONCLUSIVE_GROUNDS_MEDIAN
        language: $language
      ) {
        contentType
        base64
        description
      }
    }
  `),
  RO_MNIR: graphql(`
    query RoMnirStatistics($from: String!, $to: String!, $by: NrmStatisticsDimension!, $language: ChartLanguage!) {
      me {
        agency {
          type
        }
      }
      nrmStatistics(mechanism: RO_MNIR, periodFrom: $from, periodTo: $to, by: $by) {
        periodFrom
        periodTo
        rows {
          quarter
          group
          countSuppressed
          referrals
          identificationDecisions
          identificationPositive
          identificationMedianDays
          referredToAssistance
          assistanceProvided
        }
      }
      REFERRALS: nrmStatisticsChart(mechanism: RO_MNIR, periodFrom: $from, periodTo: $to, by: $by, measure: REFERRALS, language: $language) {
        contentType
        base64
        description
      }
      IDENTIFICATION_MEDIAN: nrmStatisticsChart(
        mechanism: RO_MNIR
        periodFrom: $from
        periodTo: $to
        by: $by
        measure: IDENTIFICATION_MEDIAN
        language: $language
      ) {
        contentType
        base64
        description
      }
    }
  `),
};
type Mechanism = keyof typeof STATISTICS;
const MECHANISMS = Object.keys(STATISTICS) as Mechanism[];
type Result = ResultOf<(typeof STATISTICS)[Mechanism]>;
type Row = Result['nrmStatistics']['rows'][number];
/** The row's fields that are not counts. */
const ROW_KEYS = ['quarter', 'group', 'countSuppressed'] as const;
type KeysOf<T> = T extends unknown ? keyof T : never;
type Column = Exclude<KeysOf<Row>, (typeof ROW_KEYS)[number]>;
type Measure = Exclude<KeysOf<Result>, 'me' | 'nrmStatistics'>;
type Chart = Result['REFERRALS'];
/** A count of a row (of either mechanism); undefined for the other mechanism's columns. */
const countOf = (r: Row, c: Column) => (r as Partial<Record<Column, number | null>>)[c];

/** The fields (by alias, else name) an operation selects under `path`, in the order it writes them. */
function selected(document: { definitions: TadaDocumentNode['definitions'] }, path: string[]): Array<{ key: string; name: string }> {
  let set = document.definitions.find((d) => d.kind === 'OperationDefinition')?.selectionSet;
  const fields = () =>
    (set?.selections ?? []).flatMap((s) => (s.kind === 'Field' ? [{ key: s.alias?.value ?? s.name.value, name: s.name.value, node: s }] : []));
  for (const step of path) set = fields().find((f) => f.key === step)?.node.selectionSet;
  return fields().map(({ key, name }) => ({ key, name }));
}
/** Each mechanism's columns and charts, as its operation selects them. */
const COLUMNS = Object.fromEntries(
  MECHANISMS.map((m) => [
    m,
    selected(STATISTICS[m], ['nrmStatistics', 'rows']).flatMap((f) => ((ROW_KEYS as readonly string[]).includes(f.key) ? [] : [f.key as Column])),
  ]),
) as Record<Mechanism, Column[]>;
const MEASURES = Object.fromEntries(
  MECHANISMS.map((m) => [m, selected(STATISTICS[m], []).flatMap((f) => (f.name === 'nrmStatisticsChart' ? [f.key as Measure] : []))]),
) as Record<Mechanism, Measure[]>;

/** Agency types whose counts are exact (the `exactCounts` capability in policies/). */
const EXACT = ['LAW_ENFORCEMENT', 'HUB_ANALYST'];

/**
 * UK NRM statistics as the API releases them to the person signed in: one table per grouping and
 * three charts drawn by the API from that same table (so a withheld count is withheld in both).
 */
export function StatisticsPage({ query }: { query: URLSearchParams }) {
  const [form, setForm] = useState({
    from: query.get('from') ?? '2025-01-01',
    to: query.get('to') ?? '2026-12-31',
    by: DIMENSIONS.find((d) => d === query.get('by')) ?? 'NATIONALITY',
    mechanism: (query.get('mechanism') === 'RO_MNIR' ? 'RO_MNIR' : 'UK_NRM') as Mechanism,
  });
  const [asked, setAsked] = useState(form);
  const language = i18next.language === 'ro' ? 'RO' : 'EN';
  // The table and charts shown, with the question they answer (so a new choice in the form changes nothing until it is asked).
  const [state, setState] = useState<{ loading: boolean; data?: Result; error?: CombinedError; shown: typeof asked }>({ loading: true, shown: asked });
  useEffect(() => {
    setState({ loading: true, shown: asked });
    void client
      .query(STATISTICS[asked.mechanism], { from: asked.from, to: asked.to, by: asked.by, language })
      .toPromise()
      .then((r) => setState({ loading: false, data: r.data ?? undefined, error: r.error, shown: asked }));
  }, [asked.from, asked.to, asked.by, asked.mechanism, language]);

  const d = state.data;
  return (
    <section data-testid="statistics">
      <h1>{t('statistics.title')}</h1>
      <p class="hint">{t('statistics.intro')}</p>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(form);
        }}
      >
        <label for="stats-mechanism">{t('statistics.mechanism')}</label>
        <select
          id="stats-mechanism"
          value={form.mechanism}
          onChange={(e) => setForm({ ...form, mechanism: (e.target as HTMLSelectElement).value as Mechanism })}
        >
          {MECHANISMS.map((m) => (
            <option key={m} value={m}>
              {t(`case.referral.${m}`)}
            </option>
          ))}
        </select>
        <label for="stats-from">{t('statistics.from')}</label>
        <input id="stats-from" type="date" required value={form.from} onInput={(e) => setForm({ ...form, from: (e.target as HTMLInputElement).value })} />
        <label for="stats-to">{t('statistics.to')}</label>
        <input id="stats-to" type="date" required value={form.to} onInput={(e) => setForm({ ...form, to: (e.target as HTMLInputElement).value })} />
        <label for="stats-by">{t('statistics.by')}</label>
        <select id="stats-by" value={form.by} onChange={(e) => setForm({ ...form, by: (e.target as HTMLSelectElement).value as (typeof DIMENSIONS)[number] })}>
          {DIMENSIONS.map((dim) => (
            <option key={dim} value={dim}>
              {t(`statistics.dimension.${dim}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t('statistics.show')}</button>
      </form>
      {state.loading ? (
        <Loading />
      ) : d ? (
        <>
          <p data-testid="statistics-period">
            {t('statistics.period', { from: d.nrmStatistics.periodFrom, to: d.nrmStatistics.periodTo })} ·{' '}
            {EXACT.includes(d.me?.agency?.type ?? '') ? t('statistics.exact') : t('statistics.perturbed')}
          </p>
          <h2>{t('statistics.table')}</h2>
          {d.nrmStatistics.rows.length === 0 ? (
            <p class="muted">{t('statistics.empty')}</p>
          ) : (
            <div class="table-scroll" tabIndex={0} role="region" aria-label={t('statistics.table')}>
              <table class="stats" data-testid="statistics-table">
                <caption class="visually-hidden">
                  {t('statistics.title')}: {t(`statistics.dimension.${state.shown.by}`)}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('statistics.col.quarter')}</th>
                    <th scope="col">{t(`statistics.dimension.${state.shown.by}`)}</th>
                    {COLUMNS[state.shown.mechanism].map((c) => (
                      <th scope="col" key={c}>
                        {t(`statistics.col.${c}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {d.nrmStatistics.rows.map((r) => (
                    <tr key={`${r.quarter}-${r.group}`}>
                      <th scope="row">{r.quarter}</th>
                      <th scope="row">{r.group}</th>
                      {COLUMNS[state.shown.mechanism].map((c) => (
                        <td key={c}>{countOf(r, c) === null ? cellWithheld(r, c) : countOf(r, c)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{t('statistics.charts')}</h2>
          <div class="charts">
            {MEASURES[state.shown.mechanism].map((m) => {
              const chart = (d as Partial<Record<Measure, Chart>>)[m];
              if (!chart) return null;
              return (
                <figure key={m} data-testid={`chart-${m}`}>
                  <img src={`data:${chart.contentType};base64,${chart.base64}`} alt={chart.description} />
                  <figcaption>{chart.description}</figcaption>
                </figure>
              );
            })}
          </div>
        </>
      ) : null}
      <Problems error={state.error} />
    </section>
  );
}

/** A null count is withheld by disclosure control; a null median of no decision is simply empty. */
function cellWithheld(r: Row, c: Column) {
  const basis: Partial<Record<Column, Column>> = {
    reasonableGroundsMedianWorkingDays: 'reasonableGroundsDecisions',
    conclusiveGroundsMedianDays: 'conclusiveGroundsDecisions',
    identificationMedianDays: 'identificationDecisions',
  };
  const of = basis[c];
  if (of && countOf(r, of) === 0) return <span class="muted">{t('common.none')}</span>;
  return <Withheld />;
}
