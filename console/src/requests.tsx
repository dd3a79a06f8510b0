import type { CombinedError } from '@urql/core';
import { useState } from 'preact/hooks';
import { Link, navigate } from './app';
import { ConfirmDialog, dayFromToday, Loading, Pager, Problems, TlpBanner, usePages, useQuery } from './common';
import { client } from './graphql';
import { t } from './i18n';
import { graphql, type ResultOf, type VariablesOf } from './gql';

/** The API's longest grant (services/agencies/access-request.service.ts: MAX_GRANT_DAYS); the last day offered ends before it. */
const MAX_GRANT_DAYS = 180;
const DEFAULT_GRANT_DAYS = 30;
const PAGE_SIZE = 20;

const GRANT_FIELDS = graphql(`
  fragment GrantFields on AccessGrant {
    id
    requestId
    subjectType
    recordId
    purpose
    expiresAt
    revokedAt
    active
    createdAt
    grantorAgency {
      name
    }
    granteeAgency {
      name
    }
  }
`);

/** The requests; the records that could answer one (`candidates`) for the requests addressed to the agency only. */
const REQUESTS = graphql(
  `
    query AccessRequests($first: Int!, $after: String, $direction: AccessRequestDirection, $status: AccessRequestStatus, $incoming: Boolean!) {
      accessRequests(first: $first, after: $after, direction: $direction, status: $status) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          status
          purpose
          createdAt
          decidedAt
          refusalReason
          identifier {
            kind
            value
          }
          requesterAgency {
            name
          }
          targetAgency {
            name
          }
          grants {
            ...GrantFields
          }
          candidates @include(if: $incoming) {
            subjectType
            id
            marking
            via
            role
          }
        }
      }
    }
  `,
  [GRANT_FIELDS],
);

const GRANTS = graphql(
  `
    query AccessGrants {
      given: accessGrants(direction: GIVEN) {
        ...GrantFields
      }
      received: accessGrants(direction: RECEIVED) {
        ...GrantFields
      }
    }
  `,
  [GRANT_FIELDS],
);
const GRANT = graphql(`
  mutation GrantAccess($requestId: ID!, $records: [RecordRefInput!]!, $expiresAt: DateTimeISO!) {
    grantAccess(requestId: $requestId, records: $records, expiresAt: $expiresAt) {
      id
      status
    }
  }
`);
const REFUSE = graphql(`
  mutation RefuseAccess($requestId: ID!, $reason: String!) {
    refuseAccess(requestId: $requestId, reason: $reason) {
      id
      status
    }
  }
`);
const REVOKE = graphql(`
  mutation RevokeGrant($grantId: ID!) {
    revokeGrant(grantId: $grantId) {
      id
      active
      revokedAt
    }
  }
`);

type Grant = ResultOf<typeof GRANT_FIELDS>;
type AccessRequest = ResultOf<typeof REQUESTS>['accessRequests']['nodes'][number];
type RecordRef = VariablesOf<typeof GRANT>['records'][number];
type Status = NonNullable<VariablesOf<typeof REQUESTS>['status']>;

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : t('common.none'));
const recordName = (r: { subjectType: string; id: string }) => `${r.subjectType} ${r.id.slice(0, 8)}`;
/** Where a record opens in the console, for the kinds it has a page for. */
const recordHref = (r: { subjectType: string; id: string }) =>
  r.subjectType === 'Case' ? `/case/${r.id}` : r.subjectType === 'Person' ? `/person/${r.id}` : undefined;
const grantedRecord = (g: Grant) => recordName({ subjectType: g.subjectType, id: g.recordId });

/**
 * Access requests addressed to the agency (the inbox) or made by it, and the grants it gave or
 * received: a supervisor grants some of the agency's own records until a day, refuses with a reason,
 * or revokes a grant, each after a confirmation.
 */
export function RequestsPage({ query }: { query: URLSearchParams }) {
  const direction = query.get('direction') === 'OUTGOING' ? 'OUTGOING' : 'INCOMING';
  const status = (['PENDING', 'GRANTED', 'REFUSED'] as Status[]).find((s) => s === query.get('status')) ?? '';
  const key = `${direction}:${status}`;
  const pages = usePages(key);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string>();
  const q = useQuery(REQUESTS, { first: PAGE_SIZE, after: pages.after, direction, status: status || undefined, incoming: direction === 'INCOMING' }, version);
  const state = { loading: q.loading, list: q.data?.accessRequests, error: q.error };

  const changed = (text: string) => {
    setNotice(text);
    setVersion((v) => v + 1);
  };
  const go = (d: string, s: string) => navigate(`/requests?${new URLSearchParams({ direction: d, ...(s ? { status: s } : {}) })}`);

  return (
    <section data-testid="requests">
      <h1>{t('requests.title')}</h1>
      <p class="muted">{t('requests.intro')}</p>
      <div class="toolbar">
        <div role="group" aria-label={t('requests.direction')} class="segmented">
          {(['INCOMING', 'OUTGOING'] as const).map((d) => (
            <button key={d} type="button" class={d === direction ? '' : 'secondary'} aria-pressed={d === direction} onClick={() => go(d, status)}>
              {t(`requests.${d}`)}
            </button>
          ))}
        </div>
        <label for="request-status">{t('requests.status')}</label>
        <select id="request-status" value={status} onChange={(e) => go(direction, (e.target as HTMLSelectElement).value)}>
          <option value="">{t('requests.anyStatus')}</option>
          {['PENDING', 'GRANTED', 'REFUSED'].map((s) => (
            <option key={s} value={s}>
              {t(`requests.statuses.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {state.loading && <Loading />}
      <Problems error={state.error} all />
      {state.list && (
        <>
          <Pager label={t('requests.pages')} total={state.list.totalCount} shown={state.list.nodes.length} pages={pages} pageInfo={state.list.pageInfo} />
          {state.list.nodes.length === 0 && <p>{t('requests.none')}</p>}
          <ul class="cards" data-testid="request-list">
            {state.list.nodes.map((r) => (
              <RequestCard key={r.id} request={r} incoming={direction === 'INCOMING'} onChanged={changed} />
            ))}
          </ul>
        </>
      )}
      {state.list && <Grants version={version} onChanged={changed} />}
    </section>
  );
}

function RequestCard({ request: r, incoming, onChanged }: { request: AccessRequest; incoming: boolean; onChanged: (notice: string) => void }) {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [until, setUntil] = useState(dayFromToday(DEFAULT_GRANT_DAYS));
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState<'grant' | 'refuse'>();
  const [error, setError] = useState<CombinedError>();
  const [busy, setBusy] = useState(false);
  const candidates = r.candidates ?? [];
  const picked = candidates.filter((c) => chosen.has(`${c.subjectType}:${c.id}`));
  const from = r.requesterAgency.name ?? '';
  const idBase = `req-${r.id}`;

  const decide = async () => {
    setBusy(true);
    setConfirming(undefined);
    const res =
      confirming === 'grant'
        ? await client
            .mutation(GRANT, {
              requestId: r.id,
              records: picked.map((c) => ({ subjectType: c.subjectType as RecordRef['subjectType'], id: c.id })),
              // The end of the chosen day, UTC.
              expiresAt: `${until}T23:59:59.000Z`,
            })
            .toPromise()
        : await client.mutation(REFUSE, { requestId: r.id, reason }).toPromise();
    setBusy(false);
    if (res.error) return setError(res.error);
    setError(undefined);
    onChanged(confirming === 'grant' ? t('requests.granted', { count: picked.length, agency: from, until }) : t('requests.refused', { agency: from }));
  };

  return (
    <li class="card" data-testid="request" data-status={r.status}>
      <h2>
        {incoming ? t('requests.from', { agency: from }) : t('requests.to', { agency: r.targetAgency.name ?? '' })}{' '}
        <span class={`status status-${r.status.toLowerCase()}`}>{t(`requests.statuses.${r.status}`)}</span>
      </h2>
      <dl class="fields">
        <div>
          <dt>{t('requests.identifier')}</dt>
          <dd>
            <span class="muted">{r.identifier.kind}</span> <span class="mono">{r.identifier.value}</span>
          </dd>
        </div>
        <div>
          <dt>{t('requests.asked')}</dt>
          <dd>{day(r.createdAt)}</dd>
        </div>
        {r.decidedAt && (
          <div>
            <dt>{t('requests.decided')}</dt>
            <dd>{day(r.decidedAt)}</dd>
          </div>
        )}
      </dl>
      <p>
        <strong>{t('requests.purpose')}:</strong> {r.purpose}
      </p>
      {r.refusalReason && (
        <p>
          <strong>{t('requests.refusalReason')}:</strong> {r.refusalReason}
        </p>
      )}
      {r.grants.length > 0 && (
        <p>
          <strong>{t('requests.grantsOf')}:</strong> {r.grants.map((g) => `${grantedRecord(g)} (${t('requests.until', { day: day(g.expiresAt) })})`).join(', ')}
        </p>
      )}
      {incoming && r.status === 'PENDING' && (
        <div class="decide">
          <fieldset>
            <legend>{t('requests.records')}</legend>
            {candidates.length === 0 && <p class="muted">{t('requests.noCandidates')}</p>}
            {candidates.map((c) => {
              const k = `${c.subjectType}:${c.id}`;
              return (
                <div key={k} class="check">
                  <input
                    type="checkbox"
                    id={`${idBase}-${k}`}
                    checked={chosen.has(k)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if ((e.target as HTMLInputElement).checked) next.add(k);
                      else next.delete(k);
                      setChosen(next);
                      setError(undefined);
                    }}
                  />
                  <label for={`${idBase}-${k}`}>
                    <TlpBanner marking={c.marking} inline /> {recordName(c)} · {t(`requests.via.${c.via}`)}
                    {c.role ? ` · ${c.role}` : ''}
                  </label>
                  {recordHref(c) && (
                    <Link href={recordHref(c)!} class="small-link">
                      <span aria-hidden="true">{t('requests.open')}</span>
                      <span class="visually-hidden">{t('requests.openOne', { record: recordName(c) })}</span>
                    </Link>
                  )}
                </div>
              );
            })}
            <label for={`${idBase}-until`}>{t('requests.expires')}</label>
            <input
              id={`${idBase}-until`}
              type="date"
              value={until}
              min={dayFromToday(1)}
              max={dayFromToday(MAX_GRANT_DAYS - 1)}
              onInput={(e) => {
                setUntil((e.target as HTMLInputElement).value);
                setError(undefined);
              }}
            />
            <p class="muted hint">{t('requests.expiresHint', { days: MAX_GRANT_DAYS })}</p>
            <button type="button" disabled={busy || picked.length === 0 || !until} onClick={() => setConfirming('grant')}>
              {t('requests.grant')}
            </button>
          </fieldset>
          <fieldset>
            <legend>{t('requests.refuseTitle')}</legend>
            <label for={`${idBase}-reason`}>{t('requests.reason')}</label>
            <textarea
              id={`${idBase}-reason`}
              rows={2}
              value={reason}
              onInput={(e) => {
                setReason((e.target as HTMLTextAreaElement).value);
                setError(undefined);
              }}
            />
            <button type="button" class="secondary" disabled={busy || !reason.trim()} onClick={() => setConfirming('refuse')}>
              {t('requests.refuse')}
            </button>
          </fieldset>
        </div>
      )}
      <Problems error={error} all />
      {confirming === 'grant' && (
        <ConfirmDialog
          title={t('requests.confirmGrantTitle')}
          confirm={t('requests.grant')}
          onConfirm={() => void decide()}
          onCancel={() => setConfirming(undefined)}
        >
          <p>{t('requests.confirmGrant', { count: picked.length, agency: from, until })}</p>
          <ul>
            {picked.map((c) => (
              <li key={c.id}>{recordName(c)}</li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
      {confirming === 'refuse' && (
        <ConfirmDialog
          title={t('requests.confirmRefuseTitle')}
          confirm={t('requests.refuse')}
          onConfirm={() => void decide()}
          onCancel={() => setConfirming(undefined)}
        >
          <p>{t('requests.confirmRefuse', { agency: from })}</p>
          <blockquote>{reason}</blockquote>
        </ConfirmDialog>
      )}
    </li>
  );
}

/** The grants the agency gave (revocable) and received. */
function Grants({ version, onChanged }: { version: number; onChanged: (notice: string) => void }) {
  const q = useQuery(GRANTS, {}, version);
  const state = { loading: q.loading, given: q.data?.given, received: q.data?.received, error: q.error };
  const [revoking, setRevoking] = useState<Grant>();
  const [error, setError] = useState<CombinedError>();

  const revoke = async (g: Grant) => {
    setRevoking(undefined);
    const r = await client.mutation(REVOKE, { grantId: g.id }).toPromise();
    if (r.error) return setError(r.error);
    setError(undefined);
    onChanged(t('requests.revoked', { record: grantedRecord(g), agency: g.granteeAgency.name ?? '' }));
  };

  const table = (rows: Grant[], given: boolean) => (
    <table class="data" data-testid={given ? 'grants-given' : 'grants-received'}>
      <caption>{t(given ? 'requests.given' : 'requests.received')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('requests.record')}</th>
          <th scope="col">{t(given ? 'requests.grantee' : 'requests.grantor')}</th>
          <th scope="col">{t('requests.expires')}</th>
          <th scope="col">{t('requests.state')}</th>
          {given && <th scope="col">{t('requests.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((g) => (
          <tr key={g.id}>
            <td class="mono">{grantedRecord(g)}</td>
            <td>{(given ? g.granteeAgency : g.grantorAgency).name}</td>
            <td>{day(g.expiresAt)}</td>
            <td>{g.active ? t('requests.active') : g.revokedAt ? t('requests.revokedOn', { day: day(g.revokedAt) }) : t('requests.expired')}</td>
            {given && (
              <td>
                {g.active && (
                  <button type="button" class="small danger" aria-label={t('requests.revokeOne', { record: grantedRecord(g) })} onClick={() => setRevoking(g)}>
                    {t('requests.revoke')}
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <section class="sub" aria-labelledby="grants-title">
      <h2 id="grants-title">{t('requests.grants')}</h2>
      {state.loading && <Loading />}
      <Problems error={state.error} all />
      <Problems error={error} all />
      {state.given && (state.given.length ? table(state.given, true) : <p class="muted">{t('requests.noGiven')}</p>)}
      {state.received && state.received.length > 0 && table(state.received, false)}
      {revoking && (
        <ConfirmDialog
          title={t('requests.confirmRevokeTitle')}
          confirm={t('requests.revoke')}
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(undefined)}
        >
          <p>{t('requests.confirmRevoke', { record: grantedRecord(revoking), agency: revoking.granteeAgency.name ?? '' })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
