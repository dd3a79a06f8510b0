import { useState } from 'preact/hooks';
import { Link } from './app';
import { Loading, Problems, PurposeForm, PurposeLine, Value } from './common';
import { withheldPaths } from './graphql';
import { t } from './i18n';
import { usePersonalQuery } from './personal-query';
import { graphql } from './gql';

const CORRELATIONS = graphql(`
  query Correlations($since: String) {
    correlations(since: $since, first: 200) {
      id
      kind
      observedAt
      createdAt
      entity {
        id
        kind
        value
        maskedValue
      }
      case {
        id
        reference
      }
      link {
        kind
      }
      contributorAgency {
        name
      }
    }
  }
`);

const PERIODS = [
  ['days7', 7],
  ['days30', 30],
  ['days90', 90],
  ['all', 0],
] as const;

/** The first day of the last `days` days (UTC), as the API's `since` takes it; undefined: ever. */
function sinceDate(days: number): string | undefined {
  if (!days) return undefined;
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * "New on my cases": other agencies' new statements about identifiers observed in the agency's own
 * cases (the API's `correlations`), each opening the identifier's link chart.
 */
export function CorrelationsPage() {
  const [days, setDays] = useState(30);
  const q = usePersonalQuery(CORRELATIONS, { since: sinceDate(days) }, (d) => d?.correlations);
  if (q.asking) return <PurposeForm onDone={q.stated} />;
  const withheld = withheldPaths(q.error);
  const alerts = q.data ?? [];
  return (
    <section data-testid="correlations">
      <h1>{t('correlations.title')}</h1>
      <PurposeLine onChange={q.ask} />
      <p>{t('correlations.intro')}</p>
      <label for="since">{t('correlations.since')}</label>{' '}
      <select id="since" value={String(days)} onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
        {PERIODS.map(([key, n]) => (
          <option key={key} value={String(n)}>
            {t(`correlations.${key}`)}
          </option>
        ))}
      </select>
      <Problems error={q.error} />
      {q.loading ? (
        <Loading />
      ) : !alerts.length ? (
        <p data-testid="no-correlations">{t('correlations.none')}</p>
      ) : (
        <table class="inbox" data-testid="inbox">
          <caption class="visually-hidden">{t('correlations.count', { count: alerts.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('correlations.contributed')}</th>
              <th scope="col">{t('correlations.identifier')}</th>
              <th scope="col">{t('correlations.yourCase')}</th>
              <th scope="col">{t('correlations.what')}</th>
              <th scope="col">{t('correlations.from')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('correlations.open')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a, i) => (
              <tr key={a.id} data-correlation={a.id}>
                <td>{a.createdAt?.slice(0, 10) ?? t('common.none')}</td>
                <td>
                  <span class="muted">{a.entity?.kind}</span>{' '}
                  {withheld.has(`correlations.${i}.entity.value`) ? (
                    <>
                      {a.entity?.maskedValue} (<Value value={undefined} path={`correlations.${i}.entity.value`} withheld={withheld} />)
                    </>
                  ) : (
                    (a.entity?.value ?? a.entity?.maskedValue)
                  )}
                </td>
                <td>
                  <Link href={`/case/${a.case.id}`}>{a.case.reference ?? a.case.id}</Link>
                </td>
                <td>
                  {a.kind === 'LINK'
                    ? a.link?.kind
                      ? t('correlations.LINK', { kind: a.link.kind })
                      : t('correlations.LINK_unknown')
                    : a.observedAt
                      ? t('correlations.OBSERVATION', { date: a.observedAt.slice(0, 10) })
                      : t('correlations.OBSERVATION_undated')}
                </td>
                <td>{a.contributorAgency?.name ?? <span class="muted">{t('correlations.unknownAgency')}</span>}</td>
                <td>
                  {a.entity && (
                    <Link href={`/network/${a.entity.id}`} class="button">
                      {t('correlations.open')}
                      <span class="visually-hidden"> ({a.entity.value ?? a.entity.maskedValue})</span>
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
