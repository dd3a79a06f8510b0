import { useEffect, useState } from 'preact/hooks';
import { Link, navigate } from './app';
import { Loading, Problems, TlpBanner, Value } from './common';
import { graphql, type ResultOf, type VariablesOf } from './gql';
import { client, withheldPaths } from './graphql';
import { t } from './i18n';

/** The kind an identifier typed as it is said most likely is; names search people only. */
function identifierKind(q: string): VariablesOf<typeof IDENTIFIERS>['kind'] | undefined {
  const s = q.replace(/[\s().-]/g, '');
  if (/^\+?\d{6,15}$/.test(s)) return 'PHONE';
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(q.trim())) return 'EMAIL';
  if (/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/i.test(s)) return 'BANK_ACCOUNT';
  if (/^https?:\/\//i.test(q.trim())) return 'ONLINE_ADVERT';
  return undefined;
}

const PEOPLE = graphql(`
  query SearchPersons($name: String!) {
    searchPersons(name: $name, first: 20) {
      score
      person {
        id
        pseudonym
        fullName
        role
        marking
        caseId
      }
    }
  }
`);
const IDENTIFIERS = graphql(`
  query SearchIdentifiers($kind: EntityKind!, $value: String!) {
    entities(first: 20, filter: { kind: $kind, value: $value }) {
      nodes {
        id
        kind
        value
        maskedValue
        cases {
          id
          reference
        }
      }
    }
  }
`);

export function SearchPage({ q }: { q: string }) {
  const [text, setText] = useState(q);
  const [state, setState] = useState<{
    people?: ResultOf<typeof PEOPLE>['searchPersons'];
    entities?: ResultOf<typeof IDENTIFIERS>['entities']['nodes'];
    error?: import('@urql/core').CombinedError;
    withheld?: Set<string>;
    loading?: boolean;
  }>({});
  useEffect(() => {
    setText(q);
    if (!q.trim()) return setState({});
    setState({ loading: true });
    const kind = identifierKind(q);
    void (async () => {
      const people = await client.query(PEOPLE, { name: q }).toPromise();
      const entities = kind ? await client.query(IDENTIFIERS, { kind, value: q }).toPromise() : undefined;
      setState({
        people: people.data?.searchPersons ?? [],
        entities: entities?.data?.entities.nodes ?? [],
        error: people.error ?? entities?.error,
        withheld: new Set([...withheldPaths(people.error), ...withheldPaths(entities?.error)]),
      });
    })();
  }, [q]);
  return (
    <section>
      <h1>{t('search.title')}</h1>
      <form
        role="search"
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/?q=${encodeURIComponent(text)}`);
        }}
      >
        <label for="q">{t('search.label')}</label>
        <input id="q" type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        <button type="submit">{t('search.submit')}</button>
        <p class="muted hint">{t('search.hint')}</p>
      </form>
      {state.loading && <Loading />}
      <Problems error={state.error} />
      {state.people && (
        <>
          <h2>{t('search.people')}</h2>
          {state.people.length === 0 ? (
            <p>{t('search.noResults')}</p>
          ) : (
            <ul class="results" data-testid="people">
              {state.people.map((h) => (
                <li key={h.person.id}>
                  <TlpBanner marking={h.person.marking} />
                  <Link href={`/person/${h.person.id}`}>{h.person.fullName ?? h.person.pseudonym ?? h.person.id}</Link>{' '}
                  {state.withheld?.has(`searchPersons.${state.people!.indexOf(h)}.person.fullName`) && (
                    <Value value={null} path={`searchPersons.${state.people!.indexOf(h)}.person.fullName`} withheld={state.withheld} />
                  )}{' '}
                  <span class="muted">
                    {h.person.role ?? ''} · {t('search.score', { score: Math.round(h.score * 100) })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {state.entities && state.entities.length > 0 && (
        <>
          <h2>{t('search.identifiers')}</h2>
          <ul class="results" data-testid="identifiers">
            {state.entities.map((e, i) => (
              <li key={e.id}>
                <Link href={`/network/${e.id}`}>{e.value ?? e.maskedValue}</Link> <span class="muted">{e.kind}</span>{' '}
                {state.withheld?.has(`entities.nodes.${i}.value`) && <Value value={null} path={`entities.nodes.${i}.value`} withheld={state.withheld} />}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
