import { useEffect, useState } from 'preact/hooks';
import { Link, navigate } from './app';
import { CheckFailed, ed25519Supported, parseVerifierKey, publishedVerifier, verifyHistory } from './checkpoint';
import { dayFromToday, Loading, Pager, Problems, usePages, useQuery } from './common';
import { t } from './i18n';
import { graphql, type VariablesOf } from './gql';

const ACTIONS: NonNullable<NonNullable<VariablesOf<typeof TRAIL>['filter']>['action']>[] = ['COLLECT', 'ALTER', 'CONSULT', 'DISCLOSE', 'COMBINE', 'ERASE'];
/** Subject types the trail names most often (the filter takes any). */
const SUBJECT_TYPES = ['Case', 'Person', 'TraffickingEvent', 'Narrative', 'Entity', 'Observation', 'Link', 'TransactionReport', 'Typology', 'AccessRequest'];
const PAGE_SIZE = 25;

const TRAIL = graphql(`
  query AuditTrail($first: Int!, $after: String, $filter: AuditFilter) {
    auditTrail(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        seq
        at
        action
        actorUserId
        actorAgency {
          name
        }
        subjectType
        subjectId
        recordOwnerAgency {
          name
        }
        recipients {
          name
        }
        purpose
        fields
        records {
          id
          fields
        }
        requestId
        hash
      }
    }
  }
`);

const CHECKPOINTS = graphql(`
  query AuditCheckpoints {
    latestAuditCheckpoint {
      note
      origin
      treeSize
      headSeq
      headHash
      signedAt
    }
    auditCheckpoints(last: 10) {
      note
      origin
      treeSize
      headSeq
      headHash
      signedAt
    }
    auditCheckpointKey {
      name
      keyId
      publicKey
      verifierKey
    }
  }
`);

const FILTERS = ['action', 'subjectType', 'subjectId', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function filtersOf(query: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Filters;
}

/** The API's filter: `to` is exclusive, the page's "up to" day is included. */
function apiFilter(f: Filters): VariablesOf<typeof TRAIL>['filter'] {
  const out: NonNullable<VariablesOf<typeof TRAIL>['filter']> = {};
  if (f.action) out.action = f.action as (typeof ACTIONS)[number];
  if (f.subjectType) out.subjectType = f.subjectType;
  if (f.subjectId) out.subjectId = f.subjectId.trim();
  if (f.from) out.from = f.from;
  if (f.to) out.to = new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return Object.keys(out).length ? out : undefined;
}

/** Where a record of the trail opens in the console, for the kinds it has a page for. */
function recordHref(type: string, id: string): string | undefined {
  if (type === 'Case') return `/case/${id}`;
  if (type === 'Person') return `/person/${id}`;
  return undefined;
}

/** A record's id, short, linked to its page where the console has one. */
function RecordId({ type, id }: { type: string; id: string }) {
  const href = recordHref(type, id);
  return href ? (
    <Link href={href} class="mono">
      {id.slice(0, 8)}
    </Link>
  ) : (
    <span class="mono" title={id}>
      {id.slice(0, 8)}
    </span>
  );
}

/**
 * The audit trail the API releases to the person (a supervisor: every event of their agency as actor,
 * record owner or recipient), filtered and paged, and the state of the chain's signed checkpoints.
 */
export function AuditPage({ query }: { query: URLSearchParams }) {
  const applied = filtersOf(query);
  const key = JSON.stringify(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  const pages = usePages(key);
  const q = useQuery(TRAIL, { first: PAGE_SIZE, after: pages.after, filter: apiFilter(applied) });
  const state = { loading: q.loading, trail: q.data?.auditTrail, error: q.error };

  useEffect(() => setDraft(filtersOf(query)), [key]);

  const field = (name: keyof Filters) => ({
    id: `audit-${name}`,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value }),
  });

  return (
    <section data-testid="audit">
      <h1>{t('audit.title')}</h1>
      <p class="muted">{t('audit.intro')}</p>
      <ChainStatus />
      <form
        class="filters"
        aria-label={t('audit.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          const q = new URLSearchParams(Object.entries(draft).filter(([, v]) => v.trim()));
          navigate(`/audit${q.size ? `?${q}` : ''}`);
        }}
      >
        <div>
          <label for="audit-action">{t('audit.action')}</label>
          <select {...field('action')} onChange={(e) => setDraft({ ...draft, action: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('audit.any')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`audit.actions.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-subjectType">{t('audit.subjectType')}</label>
          <input {...field('subjectType')} list="audit-subject-types" autocomplete="off" />
          <datalist id="audit-subject-types">
            {SUBJECT_TYPES.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </div>
        <div>
          <label for="audit-subjectId">{t('audit.subjectId')}</label>
          <input {...field('subjectId')} autocomplete="off" spellcheck={false} />
        </div>
        <div>
          <label for="audit-from">{t('audit.from')}</label>
          <input {...field('from')} type="date" max={dayFromToday(0)} />
        </div>
        <div>
          <label for="audit-to">{t('audit.to')}</label>
          <input {...field('to')} type="date" />
        </div>
        <div class="actions">
          <button type="submit">{t('audit.apply')}</button>{' '}
          <button type="button" class="secondary" onClick={() => navigate('/audit')}>
            {t('audit.clear')}
          </button>
        </div>
      </form>
      <p class="muted hint">{t('audit.noActorFilter')}</p>
      {state.loading && <Loading />}
      <Problems error={state.error} all />
      {state.trail && (
        <>
          <Pager label={t('audit.pages')} total={state.trail.totalCount} shown={state.trail.nodes.length} pages={pages} pageInfo={state.trail.pageInfo} />
          {state.trail.nodes.length === 0 ? (
            <p>{t('audit.none')}</p>
          ) : (
            <div class="scroll">
              <table class="data" data-testid="audit-events">
                <caption class="visually-hidden">{t('audit.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('audit.at')}</th>
                    <th scope="col">{t('audit.action')}</th>
                    <th scope="col">{t('audit.record')}</th>
                    <th scope="col">{t('audit.actor')}</th>
                    <th scope="col">{t('audit.owner')}</th>
                    <th scope="col">{t('audit.recipients')}</th>
                    <th scope="col">{t('audit.purpose')}</th>
                    <th scope="col">{t('audit.fields')}</th>
                    <th scope="col">{t('audit.seq')}</th>
                  </tr>
                </thead>
                <tbody>
                  {state.trail.nodes.map((e) => {
                    return (
                      <tr key={e.seq}>
                        <td>
                          <time dateTime={e.at}>{e.at.slice(0, 19).replace('T', ' ')}</time>
                        </td>
                        <td>
                          <span class={`action action-${e.action.toLowerCase()}`}>{t(`audit.actions.${e.action}`)}</span>
                        </td>
                        <td>
                          {e.subjectType}{' '}
                          {e.records.length === 1 ? (
                            <RecordId type={e.subjectType} id={e.records[0]!.id} />
                          ) : (
                            // A consultation of several records: each with the fields released from it.
                            <details data-testid="audit-records">
                              <summary>{t('audit.records', { count: e.records.length })}</summary>
                              <ul class="audit-records">
                                {e.records.map((r) => (
                                  <li key={r.id}>
                                    <RecordId type={e.subjectType} id={r.id} /> <span class="muted">{r.fields.join(', ')}</span>
                                  </li>
                                ))}
                              </ul>
                            </details>
                          )}
                        </td>
                        <td>
                          {e.actorAgency?.name ?? t('common.none')}
                          {e.actorUserId && <div class="muted mono">{e.actorUserId.slice(0, 8)}</div>}
                        </td>
                        <td>{e.recordOwnerAgency?.name ?? t('common.none')}</td>
                        <td>{e.recipients.length ? e.recipients.map((r) => r.name).join(', ') : t('common.none')}</td>
                        <td>{e.purpose ?? <span class="muted">{t('common.none')}</span>}</td>
                        <td>{e.fields.length ? e.fields.join(', ') : t('common.none')}</td>
                        <td class="mono" title={e.hash}>
                          {e.seq}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

type Verdict = { kind: 'checking' } | { kind: 'verified' } | { kind: 'failed'; text: string } | { kind: 'unsupported' } | { kind: 'none' };

function failure(err: unknown): Verdict {
  if (err instanceof CheckFailed) return { kind: 'failed', text: t(`audit.verify.${err.reason}`, err.values) };
  return { kind: 'failed', text: err instanceof Error ? err.message : String(err) };
}

/**
 * The latest signed checkpoint and what the browser makes of it: its signature verified here with
 * Web Crypto against the published key (or a key the agency keeps, pasted in), the fields shown
 * checked against the signed text, and the newest checkpoints' tree sizes never shrinking.
 */
function ChainStatus() {
  const state = useQuery(CHECKPOINTS, {});
  const [kept, setKept] = useState('');
  const [verdict, setVerdict] = useState<Verdict>({ kind: 'checking' });

  useEffect(() => {
    const d = state.data;
    if (!d) return;
    let current = true;
    const settle = (v: Verdict) => current && setVerdict(v);
    if (!d.latestAuditCheckpoint) {
      settle({ kind: 'none' });
      return;
    }
    setVerdict({ kind: 'checking' });
    void (async () => {
      if (!(await ed25519Supported())) return settle({ kind: 'unsupported' });
      try {
        const published = await publishedVerifier(d.auditCheckpointKey);
        const verifier = kept.trim() ? await parseVerifierKey(kept) : published;
        await verifyHistory([d.latestAuditCheckpoint!, ...d.auditCheckpoints.filter((c) => c.note !== d.latestAuditCheckpoint!.note)], verifier);
        settle({ kind: 'verified' });
      } catch (err) {
        settle(failure(err));
      }
    })();
    return () => {
      current = false;
    };
  }, [state.data, kept]);

  if (state.loading && !state.data) return <Loading />;
  const d = state.data;
  const latest = d?.latestAuditCheckpoint;
  return (
    <section class="chain" aria-labelledby="chain-title" data-testid="chain">
      <h2 id="chain-title">{t('audit.chain.title')}</h2>
      <Problems error={state.error} all />
      {latest && (
        <dl class="fields">
          <div>
            <dt>{t('audit.chain.signedAt')}</dt>
            <dd>
              <time dateTime={latest.signedAt}>{latest.signedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}</time>
            </dd>
          </div>
          <div>
            <dt>{t('audit.chain.treeSize')}</dt>
            <dd data-testid="tree-size">{latest.treeSize}</dd>
          </div>
          <div>
            <dt>{t('audit.chain.headSeq')}</dt>
            <dd>{latest.headSeq}</dd>
          </div>
          <div>
            <dt>{t('audit.chain.headHash')}</dt>
            <dd class="mono wrap">{latest.headHash}</dd>
          </div>
        </dl>
      )}
      {d && (
        <p class={`verdict verdict-${verdict.kind}`} role="status" data-testid="chain-verdict">
          {verdict.kind === 'failed'
            ? t('audit.chain.failed', { why: verdict.text })
            : verdict.kind === 'verified'
              ? t('audit.verified', { count: Math.max(1, d.auditCheckpoints.length) })
              : t(`audit.chain.${verdict.kind}`)}
        </p>
      )}
      {d && (
        <details>
          <summary>{t('audit.chain.what')}</summary>
          <p>{t('audit.chain.proves')}</p>
          <p>{t('audit.chain.cannot')}</p>
          <dl class="fields">
            <div>
              <dt>{t('audit.chain.verifierKey')}</dt>
              <dd class="mono wrap" data-testid="verifier-key">
                {d.auditCheckpointKey.verifierKey}
              </dd>
            </div>
          </dl>
          <label for="kept-key">{t('audit.chain.keptKey')}</label>
          <input
            id="kept-key"
            class="wide mono"
            value={kept}
            spellcheck={false}
            autocomplete="off"
            onChange={(e) => setKept((e.target as HTMLInputElement).value)}
          />
          <p class="muted hint">{t('audit.chain.keptKeyHint')}</p>
          {latest && (
            <>
              <h3>{t('audit.chain.note')}</h3>
              <pre class="note">{latest.note}</pre>
            </>
          )}
        </details>
      )}
    </section>
  );
}
