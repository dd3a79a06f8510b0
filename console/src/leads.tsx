import { Loading, Problems, TlpBanner, Value, useQuery } from './common';
import { withheldPaths } from './graphql';
import { t } from './i18n';
import { graphql } from './gql';

const LEADS = graphql(`
  query AdvertLeads {
    advertLeads(first: 50) {
      totalCount
      nodes {
        id
        marking
        kind
        score
        indicators
        cities
        explanation
        phones
        imageHashes
        movements {
          city
          firstSeen
          lastSeen
          advertCount
        }
        adverts {
          id
          site
          advertRef
          location
          firstSeen
          lastSeen
          text
        }
      }
    }
  }
`);

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

/** The hub's leads from the advert feed, strongest first, each with the evidence the API releases to the caller. */
export function LeadsPage() {
  const q = useQuery(LEADS, {});
  const withheld = withheldPaths(q.error);
  const leads = q.data?.advertLeads;
  return (
    <section data-testid="leads">
      <h1>{t('leads.title')}</h1>
      <p class="muted">{t('leads.intro')}</p>
      {q.loading && <Loading />}
      <Problems error={q.error} />
      {leads && leads.nodes.length === 0 && <p>{t('leads.none')}</p>}
      {leads && leads.nodes.length > 0 && <p class="muted">{t('leads.count', { count: leads.totalCount })}</p>}
      {leads?.nodes.map((lead, i) => {
        const base = `advertLeads.nodes.${i}`;
        const heading = `lead-${lead.id}`;
        return (
          <article key={lead.id} class="card" aria-labelledby={heading} data-testid="lead">
            <TlpBanner marking={lead.marking} />
            <h2 id={heading}>
              {lead.kind ? t(`leads.kinds.${lead.kind}`) : ''} <span class="muted">{t('leads.score', { score: lead.score ?? 0 })}</span>
            </h2>
            <p>
              <Value value={lead.explanation} path={`${base}.explanation`} withheld={withheld} />
            </p>
            <dl>
              <dt>{t('leads.indicators')}</dt>
              <dd>
                {withheld.has(`${base}.indicators`) ? (
                  <Value value={null} path={`${base}.indicators`} withheld={withheld} />
                ) : lead.indicators?.length ? (
                  lead.indicators.map((code) => t(`leads.indicatorNames.${code}`)).join(', ')
                ) : (
                  t('leads.noIndicator')
                )}
              </dd>
              <dt>{t('leads.phones')}</dt>
              <dd class="mono">
                <Value value={lead.phones?.join(', ')} path={`${base}.phones`} withheld={withheld} />
              </dd>
              <dt>{t('leads.images')}</dt>
              <dd class="mono">
                <Value value={lead.imageHashes?.join(', ')} path={`${base}.imageHashes`} withheld={withheld} />
              </dd>
              <dt>{t('leads.movements')}</dt>
              <dd>
                {lead.movements ? (
                  <ol>
                    {lead.movements.map((m) => (
                      <li key={m.city}>{t('leads.movement', { city: m.city, from: m.firstSeen, to: m.lastSeen, count: m.advertCount })}</li>
                    ))}
                  </ol>
                ) : (
                  <Value value={lead.cities?.join(', ')} path={`${base}.movements`} withheld={withheld} />
                )}
              </dd>
            </dl>
            <h3>{t('leads.adverts')}</h3>
            {lead.adverts ? (
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t('leads.site')}</th>
                    <th scope="col">{t('leads.advert')}</th>
                    <th scope="col">{t('leads.location')}</th>
                    <th scope="col">{t('leads.seen')}</th>
                    <th scope="col">{t('leads.text')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lead.adverts.map((a) => (
                    <tr key={a.id}>
                      <td>{a.site}</td>
                      <td class="mono">{a.advertRef}</td>
                      <td>{a.location}</td>
                      <td>{t('leads.seenRange', { from: day(a.firstSeen), to: day(a.lastSeen) })}</td>
                      <td>{a.text}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p>
                <Value value={null} path={`${base}.adverts`} withheld={withheld} />
              </p>
            )}
          </article>
        );
      })}
    </section>
  );
}
