import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { Loading, Problems, Withheld } from './common';
import { client } from './graphql';
import { i18next, t } from './i18n';

const DIMENSIONS = ['NATIONALITY', 'EXPLOITATION_TYPE', 'AGE_GROUP', 'REFERRING_AGENCY_TYPE'] as const;
const MECHANISMS = ['UK_NRM', 'RO_MNIR'] as const;
type Mechanism = (typeof MECHANISMS)[number];
/** Each mechanism's columns and charts: the API returns the other mechanism's fields as null. */
const COLUMNS = {
  UK_NRM: [
    'referrals',
    'reasonableGroundsDecisions',
    'reasonableGroundsPositive',
    'reasonableGroundsWithinTarget',
    'reasonableGroundsMedianWorkingDays',
    'conclusiveGroundsDecisions',
    'conclusiveGroundsPositive',
    'conclusiveGroundsMedianDays',
    'awaitingConclusive',
    'waitingBeyondReferenceMedian',
    'supportProvided',
  ],
  RO_MNIR: ['referrals', 'identificationDecisions', 'identificationPositive', 'identificationMedianDays', 'referredToAssistance', 'assistanceProvided'],
} as const;
type Column = (typeof COLUMNS)[Mechanism][number];
const MEASURES: Record<Mechanism, readonly string[]> = {
  UK_NRM: ['REFERRALS', 'REASONABLE_GROUNDS_MEDIAN', 'CONCLUSIVE_GROUNDS_MEDIAN'],
  RO_MNIR: ['REFERRALS', 'IDENTIFICATION_MEDIAN'],
};

/** One written-out operation per mechanism (its columns and charts), so each is checked against the schema at \`npm test\`. */
const STATISTICS: Record<Mechanism, string> = {
  UK_NRM: `query NrmStatistics($from: String!, $to: String!, $by: NrmStatisticsDimension!, $language: ChartLanguage!) {
  me { agency { type } }
  nrmStatistics(mechanism: UK_NRM, periodFrom: $from, periodTo: $to, by: $by) {
    periodFrom periodTo
    rows { quarter group countSuppressed referrals reasonableGroundsDecisions reasonableGroundsPositive reasonableGroundsWithinTarget reasonableGroundsMedianWorkingDays conclusiveGroundsDecisions conclusiveGroundsPositive conclusiveGroundsMedianDays awaitingConclusive waitingBeyondReferenceMedian supportProvided }
  }
  REFERRALS: nrmStatisticsChart(mechanism: UK_NRM, periodFrom: $from, periodTo: $to, by: $by, measure: REFERRALS, language: $language) { contentType base64 description }
  REASONABLE_GROUNDS_MEDIAN: nrmStatisticsChart(mechanism: UK_NRM, periodFrom: $from, periodTo: $to, by: $by, measure: REASONABLE_GROUNDS_MEDIAN, language: $language) { contentType base64 description }
  CONCLUSIVE_GROUNDS_MEDIAN: nrmStatisticsChart(mechanism: UK_NRM, periodFrom: $from, periodTo: $to, by: $by, measure: CONCLUSIVE_GROUNDS_MEDIAN, language: $language) { contentType base64 description }
}`,
  RO_MNIR: `query NrmStatistics($from: String!, $to: String!, $by: NrmStatisticsDimension!, $language: ChartLanguage!) {
  me { agency { type } }
  nrmStatistics(mechanism: RO_MNIR, periodFrom: $from, periodTo: $to, by: $by) {
    periodFrom periodTo
    rows { quarter group countSuppressed referrals identificationDecisions identificationPositive identificationMedianDays referredToAssistance assistanceProvided }
  }
  REFERRALS: nrmStatisticsChart(mechanism: RO_MNIR, periodFrom: $from, periodTo: $to, by: $by, measure: REFERRALS, language: $language) { contentType base64 description }
  IDENTIFICATION_MEDIAN: nrmStatisticsChart(mechanism: RO_MNIR, periodFrom: $from, periodTo: $to, by: $by, measure: IDENTIFICATION_MEDIAN, language: $language) { contentType base64 description }
}`,
};

type Row = { quarter: string; group: string; countSuppressed: boolean } & Record<Column, number | null>;
interface Chart {
  contentType: string;
  base64: string;
  description: string;
}
type Result = {
  me: { agency: { type: string | null } | null } | null;
  nrmStatistics: { periodFrom: string; periodTo: string; rows: Row[] };
} & Record<string, Chart>;

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
    by: (DIMENSIONS as readonly string[]).includes(query.get('by') ?? '') ? query.get('by')! : 'NATIONALITY',
    mechanism: (query.get('mechanism') === 'RO_MNIR' ? 'RO_MNIR' : 'UK_NRM') as Mechanism,
  });
  const [asked, setAsked] = useState(form);
  const language = i18next.language === 'ro' ? 'RO' : 'EN';
  // The table and charts shown, with the question they answer (so a new choice in the form changes nothing until it is asked).
  const [state, setState] = useState<{ loading: boolean; data?: Result; error?: CombinedError; shown: typeof asked }>({ loading: true, shown: asked });
  useEffect(() => {
    setState({ loading: true, shown: asked });
    void client
      .query<Result>(STATISTICS[asked.mechanism], { from: asked.from, to: asked.to, by: asked.by, language })
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
        <select id="stats-by" value={form.by} onChange={(e) => setForm({ ...form, by: (e.target as HTMLSelectElement).value })}>
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
                        <td key={c}>{r[c] === null ? cellWithheld(r, c) : r[c]}</td>
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
              const chart = d[m];
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
  if (of && r[of] === 0) return <span class="muted">{t('common.none')}</span>;
  return <Withheld />;
}
