import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { Link } from './app';
import { dayFromToday, Loading, Pager, Problems, usePages, useQuery } from './common';
import { client } from './graphql';
import { t } from './i18n';
import { graphql, type ResultOf, type VariablesOf } from './gql';

type Rules = typeof import('./hub-rules');

/** The order a referral moves in (services/intake/notification.service.ts): forward only, steps may be skipped. */
const STATUSES: Status[] = ['NOTIFIED', 'RECEIVED', 'ASSESSED', 'REFERRED_TO_NRM', 'CLOSED'];
type Status = VariablesOf<typeof UPDATE>['status'];
const DESTINATION_TYPES = ['LAW_ENFORCEMENT', 'NGO'] as const;
/** The API's ExploitationType (UK NRM categories). */
const EXPLOITATION_TYPES: ExploitationType[] = ['SEXUAL', 'LABOUR', 'CRIMINAL', 'DOMESTIC_SERVITUDE', 'ORGAN_HARVESTING'];
const PAGE_SIZE = 25;

const FIELDS = graphql(`
  fragment NotificationFields on Notification {
    id
    notifierAgency {
      id
      name
    }
    destinationAgency {
      id
      name
    }
    indicators
    exploitationTypes
    childInvolved
    imminentRisk
    summary
    place
    occurredWhen
    status
    outcome
    dueOn
    createdAt
  }
`);
const DIRECTORY = graphql(`
  query Directory {
    agencies {
      id
      name
      type
      country
    }
  }
`);
const NOTIFY = graphql(
  `
    mutation NotifyCase($input: NotifyCaseInput!) {
      notifyCase(input: $input) {
        ...NotificationFields
      }
    }
  `,
  [FIELDS],
);
const LIST = graphql(
  `
    query Notifications($direction: NotificationDirection!, $first: Int!, $after: String) {
      notifications(direction: $direction, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...NotificationFields
        }
      }
    }
  `,
  [FIELDS],
);
const UPDATE = graphql(
  `
    mutation UpdateNotificationStatus($id: ID!, $status: NotificationStatus!, $outcome: String) {
      updateNotificationStatus(id: $id, status: $status, outcome: $outcome) {
        ...NotificationFields
      }
    }
  `,
  [FIELDS],
);

type Notification = ResultOf<typeof FIELDS>;
type ExploitationType = NonNullable<VariablesOf<typeof NOTIFY>['input']['exploitationTypes']>[number];

const indicatorName = (code: string) => t(`frontline.indicators.${code}`, { defaultValue: code });
const statusName = (s: string | null) => (s ? t(`frontline.statuses.${s}`) : t('common.none'));
const exploitationNames = (n: Notification) =>
  n.exploitationTypes?.length ? n.exploitationTypes.map((x) => t(`frontline.exploitationTypes.${x}`)).join(', ') : t('common.none');
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : t('common.none'));

interface Draft {
  indicators: string[];
  exploitationTypes: ExploitationType[];
  childInvolved: boolean;
  imminentRisk: boolean;
  destinationAgencyId: string;
  summary: string;
  place: string;
  when: string;
}
const EMPTY: Draft = {
  indicators: [],
  exploitationTypes: [],
  childInvolved: false,
  imminentRisk: false,
  destinationAgencyId: '',
  summary: '',
  place: '',
  when: '',
};

/**
 * A frontline professional notifies a suspected case: signs from the taxonomy by group, the child
 * and imminent-risk flags, and the competent NGO or police agency from the directory. One key per
 * draft makes a repeated submit (a retry after a lost answer, a double click) the same notification.
 */
export function NotifyPage() {
  const [rules, setRules] = useState<Rules>();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [key, setKey] = useState(() => `notify:${crypto.randomUUID()}`);
  const [state, setState] = useState<{ busy?: boolean; done?: Notification; error?: CombinedError }>({});
  const directory = useQuery(DIRECTORY, {});

  useEffect(() => void import('./hub-rules').then(setRules), []);

  if (!rules || directory.loading) return <Loading />;

  const destinations = (directory.data?.agencies ?? [])
    .filter((a) => a.type && (DESTINATION_TYPES as readonly string[]).includes(a.type))
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  const refused = String(state.error?.graphQLErrors[0]?.extensions?.field ?? '');
  const invalid = (field: string) => (refused === `input.${field}` || refused.startsWith(`input.${field}[`) ? 'true' : undefined);
  const set = (field: 'summary' | 'place' | 'when' | 'destinationAgencyId') => (e: Event) =>
    setDraft({ ...draft, [field]: (e.target as HTMLInputElement).value });

  if (state.done) {
    const n = state.done;
    return (
      <section data-testid="notify">
        <h1>{t('frontline.notify.title')}</h1>
        <div class="confirmation" role="status" data-testid="notified">
          <p>
            <strong>{t('frontline.notify.sent', { agency: n.destinationAgency?.name ?? '', due: n.dueOn ?? '' })}</strong>
          </p>
          <div class="actions">
            <button
              type="button"
              onClick={() => {
                setDraft(EMPTY);
                setKey(`notify:${crypto.randomUUID()}`);
                setState({});
              }}
            >
              {t('frontline.notify.another')}
            </button>
            <Link href="/notifications">{t('frontline.notify.mine')}</Link>
          </div>
        </div>
      </section>
    );
  }

  return (
    <section data-testid="notify">
      <h1>{t('frontline.notify.title')}</h1>
      <p>{t('frontline.notify.intro')}</p>
      <Problems error={directory.error} all />
      <form
        class="notify"
        onSubmit={(e) => {
          e.preventDefault();
          setState({ busy: true });
          const input = {
            destinationAgencyId: draft.destinationAgencyId,
            indicators: draft.indicators,
            exploitationTypes: draft.exploitationTypes,
            childInvolved: draft.childInvolved,
            imminentRisk: draft.imminentRisk,
            summary: draft.summary,
            ...(draft.place.trim() ? { place: draft.place } : {}),
            ...(draft.when.trim() ? { when: draft.when } : {}),
            idempotencyKey: key,
          };
          void client
            .mutation(NOTIFY, { input })
            .toPromise()
            .then((r) => setState({ done: r.data?.notifyCase, error: r.error }));
        }}
      >
        <fieldset class="indicators" aria-invalid={invalid('indicators')}>
          <legend>{t('frontline.notify.indicators')}</legend>
          {Object.entries(rules.NOTIFICATION_INDICATOR_GROUPS).map(([group, codes]) => (
            <fieldset key={group} class="indicator-group" data-group={group}>
              <legend>{t(`frontline.groups.${group}`)}</legend>
              {Object.keys(codes).map((code) => (
                <label key={code} class="check">
                  <input
                    type="checkbox"
                    value={code}
                    checked={draft.indicators.includes(code)}
                    onChange={(e) =>
                      setDraft({
                        ...draft,
                        indicators: (e.target as HTMLInputElement).checked ? [...draft.indicators, code] : draft.indicators.filter((i) => i !== code),
                      })
                    }
                  />{' '}
                  {indicatorName(code)}
                </label>
              ))}
            </fieldset>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('frontline.notify.exploitationTypes')}</legend>
          {EXPLOITATION_TYPES.map((type) => (
            <label key={type} class="check">
              <input
                type="checkbox"
                value={type}
                checked={draft.exploitationTypes.includes(type)}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    exploitationTypes: (e.target as HTMLInputElement).checked
                      ? [...draft.exploitationTypes, type]
                      : draft.exploitationTypes.filter((x) => x !== type),
                  })
                }
              />{' '}
              {t(`frontline.exploitationTypes.${type}`)}
            </label>
          ))}
        </fieldset>
        <fieldset aria-describedby="urgent-hint">
          <legend>{t('frontline.notify.risk')}</legend>
          <label class="check">
            <input
              type="checkbox"
              checked={draft.childInvolved}
              onChange={(e) => setDraft({ ...draft, childInvolved: (e.target as HTMLInputElement).checked })}
            />{' '}
            {t('frontline.notify.childInvolved')}
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={draft.imminentRisk}
              onChange={(e) => setDraft({ ...draft, imminentRisk: (e.target as HTMLInputElement).checked })}
            />{' '}
            {t('frontline.notify.imminentRisk')}
          </label>
          <p class="muted hint" id="urgent-hint">
            {t('frontline.notify.urgentHint')}
          </p>
        </fieldset>
        <label for="notify-destination">{t('frontline.notify.destination')}</label>
        <select
          id="notify-destination"
          required
          value={draft.destinationAgencyId}
          aria-invalid={invalid('destinationAgencyId')}
          onChange={set('destinationAgencyId')}
        >
          <option value="">{t('frontline.notify.chooseDestination')}</option>
          {DESTINATION_TYPES.map((type) => (
            <optgroup key={type} label={t(type === 'NGO' ? 'frontline.notify.ngo' : 'frontline.notify.police')}>
              {destinations
                .filter((a) => a.type === type)
                .map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                    {a.country ? ` (${a.country})` : ''}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <label for="notify-summary">{t('frontline.notify.summary')}</label>
        <textarea
          id="notify-summary"
          required
          rows={6}
          maxLength={5000}
          value={draft.summary}
          aria-invalid={invalid('summary')}
          aria-describedby="summary-hint"
          onInput={set('summary')}
        />
        <p class="muted hint" id="summary-hint">
          {t('frontline.notify.summaryHint')}
        </p>
        <label for="notify-place">{t('frontline.notify.place')}</label>
        <input id="notify-place" maxLength={200} value={draft.place} aria-invalid={invalid('place')} onInput={set('place')} />
        <label for="notify-when">{t('frontline.notify.when')}</label>
        <input id="notify-when" maxLength={200} value={draft.when} aria-invalid={invalid('when')} onInput={set('when')} />
        <Problems error={state.error} all />
        <div class="actions">
          <button type="submit" disabled={state.busy}>
            {state.busy ? t('frontline.notify.sending') : t('frontline.notify.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Flags({ n }: { n: Notification }) {
  const flags = [n.childInvolved && t('frontline.notifications.child'), n.imminentRisk && t('frontline.notifications.imminent')].filter(Boolean);
  return <>{flags.length ? flags.join(', ') : t('common.none')}</>;
}

/** What the agency notified, newest first, with the status and outcome the destination set. */
export function NotificationsPage() {
  const pages = usePages('sent');
  const q = useQuery(LIST, { direction: 'SENT', first: PAGE_SIZE, after: pages.after });
  const list = q.data?.notifications;
  return (
    <section data-testid="notifications">
      <h1>{t('frontline.notifications.title')}</h1>
      <p class="muted">{t('frontline.notifications.intro')}</p>
      {q.loading && <Loading />}
      <Problems error={q.error} all />
      {list && (
        <>
          <Pager label={t('frontline.notifications.pages')} total={list.totalCount} shown={list.nodes.length} pages={pages} pageInfo={list.pageInfo} />
          {list.nodes.length === 0 ? (
            <p>{t('frontline.notifications.none')}</p>
          ) : (
            <table class="list" data-testid="notification-list">
              <thead>
                <tr>
                  <th scope="col">{t('frontline.notifications.notifiedOn')}</th>
                  <th scope="col">{t('frontline.notifications.to')}</th>
                  <th scope="col">{t('frontline.notifications.indicators')}</th>
                  <th scope="col">{t('frontline.notifications.flags')}</th>
                  <th scope="col">{t('frontline.notifications.due')}</th>
                  <th scope="col">{t('frontline.notifications.status')}</th>
                  <th scope="col">{t('frontline.notifications.outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {list.nodes.map((n) => (
                  <tr key={n.id} data-id={n.id}>
                    <td>{day(n.createdAt)}</td>
                    <td>{n.destinationAgency?.name ?? t('common.none')}</td>
                    <td>{(n.indicators ?? []).map(indicatorName).join('; ')}</td>
                    <td>
                      <Flags n={n} />
                    </td>
                    <td>{n.dueOn ?? t('common.none')}</td>
                    <td data-field="status">{statusName(n.status)}</td>
                    <td data-field="outcome">{n.outcome ?? t('common.none')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** One referral task: what was seen, and the step forward with the outcome. */
function Task({ n, today, onSaved }: { n: Notification; today: string; onSaved: (n: Notification) => void }) {
  const current = n.status ?? 'NOTIFIED';
  const ahead = STATUSES.slice(Math.max(STATUSES.indexOf(current), 1));
  const [status, setStatus] = useState<Status>(ahead.find((s) => s !== current) ?? current);
  const [outcome, setOutcome] = useState(n.outcome ?? '');
  const [state, setState] = useState<{ busy?: boolean; error?: CombinedError }>({});
  const overdue = current !== 'CLOSED' && !!n.dueOn && n.dueOn < today;
  const id = n.id.slice(0, 8);
  return (
    <li class={`task${overdue ? ' overdue' : ''}`} data-testid="task" data-id={n.id} data-overdue={overdue ? 'true' : undefined}>
      <h2>
        {n.notifierAgency?.name ?? t('common.none')} — {t('frontline.tasks.due')} <span data-field="dueOn">{n.dueOn}</span>{' '}
        {overdue && <strong class="badge warning">{t('frontline.tasks.overdue')}</strong>}
      </h2>
      <dl class="facts">
        <dt>{t('frontline.tasks.status')}</dt>
        <dd data-field="status">{statusName(current)}</dd>
        <dt>{t('frontline.notifications.flags')}</dt>
        <dd>
          <Flags n={n} />
        </dd>
        <dt>{t('frontline.notifications.indicators')}</dt>
        <dd>{(n.indicators ?? []).map(indicatorName).join('; ')}</dd>
        <dt>{t('frontline.notifications.exploitationTypes')}</dt>
        <dd data-field="exploitationTypes">{exploitationNames(n)}</dd>
        <dt>{t('frontline.tasks.summary')}</dt>
        <dd class="text">{n.summary}</dd>
        <dt>{t('frontline.tasks.place')}</dt>
        <dd>{n.place ?? t('common.none')}</dd>
        <dt>{t('frontline.tasks.when')}</dt>
        <dd>{n.occurredWhen ?? t('common.none')}</dd>
      </dl>
      {current === 'CLOSED' ? (
        <p class="muted">
          {t('frontline.tasks.closed')} {n.outcome && <span data-field="outcome">{n.outcome}</span>}
        </p>
      ) : (
        <form
          class="step"
          onSubmit={(e) => {
            e.preventDefault();
            setState({ busy: true });
            void client
              .mutation(UPDATE, { id: n.id, status, outcome: outcome.trim() || null })
              .toPromise()
              .then((r) => {
                setState({ error: r.error });
                if (r.data) onSaved(r.data.updateNotificationStatus);
              });
          }}
        >
          <label for={`status-${id}`}>{t('frontline.tasks.nextStatus')}</label>
          <select id={`status-${id}`} value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as Status)}>
            {ahead.map((s) => (
              <option key={s} value={s}>
                {statusName(s)}
              </option>
            ))}
          </select>
          <label for={`outcome-${id}`}>{t('frontline.tasks.outcome')}</label>
          <textarea id={`outcome-${id}`} rows={2} maxLength={2000} value={outcome} onInput={(e) => setOutcome((e.target as HTMLTextAreaElement).value)} />
          <Problems error={state.error} all />
          <div class="actions">
            <button type="submit" disabled={state.busy}>
              {t('frontline.tasks.save')}
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

/** The referrals made to the agency, open ones first by due date (the API's order), overdue ones marked. */
export function TasksPage() {
  const pages = usePages('received');
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string>();
  const q = useQuery(LIST, { direction: 'RECEIVED', first: PAGE_SIZE, after: pages.after }, version);
  const list = q.data?.notifications;
  const today = dayFromToday(0);
  return (
    <section data-testid="tasks">
      <h1>{t('frontline.tasks.title')}</h1>
      <p class="muted">{t('frontline.tasks.intro')}</p>
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {q.loading && <Loading />}
      <Problems error={q.error} all />
      {list && (
        <>
          <Pager label={t('frontline.tasks.pages')} total={list.totalCount} shown={list.nodes.length} pages={pages} pageInfo={list.pageInfo} />
          {list.nodes.length === 0 ? (
            <p>{t('frontline.tasks.none')}</p>
          ) : (
            <ol class="tasks">
              {list.nodes.map((n) => (
                <Task
                  key={`${n.id}:${n.status}`}
                  n={n}
                  today={today}
                  onSaved={(saved) => {
                    setNotice(t('frontline.tasks.saved', { status: statusName(saved.status) }));
                    setVersion((v) => v + 1);
                  }}
                />
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
