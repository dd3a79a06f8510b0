import type { CombinedError } from '@urql/core';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link } from './app';
import { Grading, Loading, NotFound, Problems, PurposeForm, PurposeLine, TlpBanner, Value } from './common';
import { client, withheldPaths } from './graphql';
import { i18next, t } from './i18n';
import { usePersonalQuery } from './personal-query';
import { type Me, may } from './routes';
import { graphql, type ResultOf } from './gql';

/**
 * The NGO caseworker's pages over the narratives subgraph: the narratives that reach the agency, one
 * narrative with the proposals Tessera read from its text (highlighted at the API's offsets, to
 * confirm or reject), and the withdrawal of the survivor's consent. A narrative's text is personal
 * data: these pages ask for the purpose first, as the person and case pages do.
 */

const NARRATIVE = graphql(`
  query Narrative($id: ID!) {
    narrative(id: $id) {
      id
      marking
      sourceEvaluation
      intelligenceAssessment
      handlingCode
      ownerAgency {
        id
        name
      }
      createdAt
      case {
        id
        reference
      }
      language
      text
      indicators
      consentLawEnforcement
      consentHub
      consentRecordedBy
      consentRecordedAt
      withdrawnAt
      proposals {
        id
        kind
        identifierKind
        value
        indicator
        excerptStart
        excerptEnd
        excerpt
        status
        decidedAt
      }
    }
  }
`);

const NARRATIVES = graphql(`
  query Narratives($after: String) {
    narratives(first: 50, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        marking
        createdAt
        language
        text
        withdrawnAt
        consentLawEnforcement
        consentHub
        ownerAgency {
          name
        }
        case {
          id
          reference
        }
      }
    }
  }
`);

const DECIDE = graphql(`
  mutation DecideProposal($id: ID!, $decision: ProposalDecision!) {
    decideProposal(id: $id, decision: $decision) {
      id
      status
      decidedAt
    }
  }
`);

const WITHDRAW = graphql(`
  mutation WithdrawConsent($id: ID!, $reason: String) {
    withdrawConsent(id: $id, reason: $reason) {
      id
      text
      indicators
      consentLawEnforcement
      consentHub
      withdrawnAt
      proposals {
        id
      }
    }
  }
`);

type NarrativeRecord = NonNullable<ResultOf<typeof NARRATIVE>['narrative']>;
type Proposal = NarrativeRecord['proposals'][number];
type NarrativePage = ResultOf<typeof NARRATIVES>['narratives'];
type Withdrawn = ResultOf<typeof WITHDRAW>['withdrawConsent'];

/** A date-time as people read it in the console's language. */
export function when(iso: string | null | undefined): string {
  if (!iso) return t('common.none');
  return new Date(iso).toLocaleString(i18next.language === 'ro' ? 'ro-RO' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

const languageName = (l: string | null) => (l ? t(`narratives.languages.${l}`) : t('common.none'));

/** What a proposal names: the identifier's kind and value, or the indicator's code. */
export function proposalLabel(p: Proposal): string {
  return p.kind === 'IDENTIFIER' ? `${t(`entityKinds.${p.identifierKind}`)} ${p.value ?? ''}` : `${t('narratives.page.kinds.INDICATOR')} ${p.indicator ?? ''}`;
}

// ---- list ---------------------------------------------------------------------------------

const yesNo = (v: boolean | null) => (v === null ? t('common.none') : t(`narratives.consentShort.${v ? 'yes' : 'no'}`));

/** The narratives that reach the agency, newest first; the first words of each text the caller may read. */
export function NarrativesPage({ me }: { me: Me | undefined }) {
  const q = usePersonalQuery(NARRATIVES, {}, (d) => d?.narratives);
  const [more, setMore] = useState<{ pages: Array<{ page: NarrativePage; error?: CombinedError }>; loading: boolean; error?: CombinedError }>({
    pages: [],
    loading: false,
  });
  if (q.asking) return <PurposeForm onDone={q.stated} />;
  if (q.loading) return <Loading />;
  const pages = [...(q.data ? [{ page: q.data, error: q.error }] : []), ...more.pages];
  const last = pages[pages.length - 1]?.page;
  const loadMore = async () => {
    setMore((m) => ({ ...m, loading: true }));
    const r = await client.query(NARRATIVES, { after: last?.pageInfo.endCursor }).toPromise();
    setMore((m) => ({
      pages: r.data ? [...m.pages, { page: r.data.narratives, error: r.error }] : m.pages,
      loading: false,
      error: r.data ? undefined : r.error,
    }));
  };
  return (
    <section data-testid="narratives">
      <PurposeLine onChange={q.ask} />
      <h1>{t('narratives.list.title')}</h1>
      <p>{t('narratives.list.intro')}</p>
      {may(me, 'create', 'Narrative') && (
        <p>
          <Link href="/narratives/new" class="button">
            {t('narratives.list.new')}
          </Link>
        </p>
      )}
      <Problems error={q.error} />
      {!q.data || q.data.totalCount === 0 ? (
        <p>{t('narratives.list.none')}</p>
      ) : (
        <>
          <p class="muted">{t('narratives.list.count', { count: q.data.totalCount })}</p>
          <table class="list" data-testid="narrative-list">
            <thead>
              <tr>
                <th scope="col">{t('narratives.list.created')}</th>
                <th scope="col">{t('narratives.list.case')}</th>
                <th scope="col">{t('narratives.list.owner')}</th>
                <th scope="col">{t('narratives.list.language')}</th>
                <th scope="col">{t('narratives.list.text')}</th>
                <th scope="col">{t('narratives.list.consent')}</th>
              </tr>
            </thead>
            <tbody>
              {pages.flatMap(({ page, error }) => {
                const withheld = withheldPaths(error);
                return page.nodes.map((n, i) => (
                  <tr key={n.id} data-id={n.id}>
                    <td>
                      <TlpBanner marking={n.marking} />
                      <Link href={`/narratives/${n.id}`}>{when(n.createdAt)}</Link>
                    </td>
                    <td>{n.case ? <Link href={`/case/${n.case.id}`}>{n.case.reference ?? n.case.id}</Link> : t('common.none')}</td>
                    <td>{n.ownerAgency?.name ?? t('common.none')}</td>
                    <td>{languageName(n.language)}</td>
                    <td data-field="text">
                      {n.withdrawnAt ? (
                        <span class="muted">{t('narratives.list.erased')}</span>
                      ) : n.text ? (
                        <span lang={n.language?.toLowerCase()}>{firstWords(n.text)}</span>
                      ) : (
                        <Value value={null} path={`narratives.nodes.${i}.text`} withheld={withheld} />
                      )}
                    </td>
                    <td>
                      <span>
                        {t('narratives.consentShort.lawEnforcement')}: {yesNo(n.consentLawEnforcement)}
                      </span>
                      <br />
                      <span>
                        {t('narratives.consentShort.hub')}: {yesNo(n.consentHub)}
                      </span>
                    </td>
                  </tr>
                ));
              })}
            </tbody>
          </table>
          {more.loading && <Loading />}
          <Problems error={more.error} />
          {last?.pageInfo.hasNextPage && !more.loading && (
            <button type="button" class="secondary" onClick={() => void loadMore()}>
              {t('narratives.list.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function firstWords(text: string): string {
  return text.length <= 140 ? text : `${text.slice(0, 140).replace(/\s+\S*$/, '')}…`;
}

// ---- one narrative and its proposals ----------------------------------------------------------

/**
 * The text with each proposal's words marked, cut at the API's offsets (UTF-16, as `slice` takes
 * them); overlapping proposals share a mark, and each proposal's number follows its last word.
 */
export function HighlightedText({ text, proposals, numbers }: { text: string; proposals: Proposal[]; numbers: Map<string, number> }) {
  const spans = proposals.filter((p) => p.excerptStart >= 0 && p.excerptEnd <= text.length && p.excerptStart < p.excerptEnd);
  const cuts = [...new Set([0, text.length, ...spans.flatMap((p) => [p.excerptStart, p.excerptEnd])])].sort((a, b) => a - b);
  const parts: ComponentChildren[] = [];
  for (let c = 0; c < cuts.length - 1; c++) {
    const [a, b] = [cuts[c]!, cuts[c + 1]!];
    const covering = spans.filter((p) => p.excerptStart <= a && p.excerptEnd >= b);
    const words = text.slice(a, b);
    if (covering.length === 0) {
      parts.push(words);
      continue;
    }
    const ending = covering.filter((p) => p.excerptEnd === b);
    parts.push(
      <mark
        key={a}
        class={`span span-${covering[0]!.kind.toLowerCase()} span-${covering[0]!.status.toLowerCase()}`}
        data-proposal={covering.map((p) => p.id).join(' ')}
      >
        {words}
        {ending.map((p) => (
          <sup key={p.id} class="span-n">
            {numbers.get(p.id)}
          </sup>
        ))}
      </mark>,
    );
  }
  return <>{parts}</>;
}

/**
 * One proposal with its decision. The answer to a decision is kept by the page (`error`), so that
 * after a refusal (another caseworker decided first: CONFLICT) the page shows both the reason and
 * the decision that holds.
 */
function ProposalItem(props: { p: Proposal; n: number; decidable: boolean; error?: CombinedError; onAnswer: (error: CombinedError | undefined) => void }) {
  const { p, n } = props;
  const [busy, setBusy] = useState(false);
  const decide = async (decision: 'CONFIRM' | 'REJECT') => {
    setBusy(true);
    const r = await client.mutation(DECIDE, { id: p.id, decision }).toPromise();
    setBusy(false);
    props.onAnswer(r.error);
  };
  const labelId = `proposal-${p.id}`;
  return (
    <li data-proposal-id={p.id} data-status={p.status}>
      <span class="span-n">{n}</span> <strong id={labelId}>{proposalLabel(p)}</strong>{' '}
      <span class="muted">{t('narratives.page.readFrom', { excerpt: p.excerpt ?? '' })}</span>
      <div class="decision">
        {p.status === 'PROPOSED' ? (
          !props.decidable ? (
            <span class="muted">{t('narratives.page.statuses.PROPOSED')}</span>
          ) : busy ? (
            <span role="status">{t('narratives.page.deciding')}</span>
          ) : (
            <>
              <button type="button" class="small" aria-describedby={labelId} onClick={() => void decide('CONFIRM')}>
                {t('narratives.page.confirm')}
              </button>{' '}
              <button type="button" class="small secondary" aria-describedby={labelId} onClick={() => void decide('REJECT')}>
                {t('narratives.page.reject')}
              </button>
            </>
          )
        ) : (
          <span class={`status status-${p.status.toLowerCase()}`} data-testid="decision">
            {t('narratives.page.decided', { status: t(`narratives.page.statuses.${p.status}`), at: when(p.decidedAt) })}
          </span>
        )}
      </div>
      <Problems error={props.error} all />
    </li>
  );
}

/** The narrative's record: marking, grading, case, consent; shared by its page and the withdrawal. */
function NarrativeFacts({ n, withheld }: { n: NarrativeRecord; withheld: Set<string> }) {
  return (
    <>
      <Grading record={n} withheld={withheld} base="narrative" />
      <dl class="fields">
        <div>
          <dt>{t('narratives.page.case')}</dt>
          <dd>{n.case ? <Link href={`/case/${n.case.id}`}>{n.case.reference ?? n.case.id}</Link> : t('common.none')}</dd>
        </div>
        <div>
          <dt>{t('narratives.page.owner')}</dt>
          <dd>{n.ownerAgency?.name ?? t('common.none')}</dd>
        </div>
        <div>
          <dt>{t('narratives.page.language')}</dt>
          <dd>{languageName(n.language)}</dd>
        </div>
        <div>
          <dt>{t('narratives.page.created')}</dt>
          <dd>{when(n.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('narratives.page.indicators')}</dt>
          <dd data-field="indicators">
            <Value value={n.indicators?.join(', ')} path="narrative.indicators" withheld={withheld} />
          </dd>
        </div>
        <div>
          <dt>{t('narratives.consentShort.lawEnforcement')}</dt>
          <dd data-field="consentLawEnforcement">
            {withheld.has('narrative.consentLawEnforcement') ? (
              <Value value={null} path="narrative.consentLawEnforcement" withheld={withheld} />
            ) : (
              yesNo(n.consentLawEnforcement)
            )}
          </dd>
        </div>
        <div>
          <dt>{t('narratives.consentShort.hub')}</dt>
          <dd data-field="consentHub">
            {withheld.has('narrative.consentHub') ? <Value value={null} path="narrative.consentHub" withheld={withheld} /> : yesNo(n.consentHub)}
          </dd>
        </div>
        <div>
          <dt>{t('narratives.page.consent')}</dt>
          <dd>{t('narratives.consentShort.recorded', { by: n.consentRecordedBy ?? t('common.none'), at: when(n.consentRecordedAt) })}</dd>
        </div>
      </dl>
    </>
  );
}

/**
 * A narrative and who reads it: `owner` when the caller's agency owns it (it alone sees the proposals),
 * `mayDecide` and `mayWithdraw` when the person's permissions also let them decide its proposals and
 * withdraw consent (the API decides in any case).
 */
function useNarrative(id: string, me: Me | undefined) {
  const q = usePersonalQuery(NARRATIVE, { id }, (d) => d?.narrative);
  const narrative = q.data;
  if (!narrative) return { ...q, data: narrative };
  // Read at each render: `me` may arrive after the narrative.
  const owner = !!me?.agency && narrative.ownerAgency?.id === me.agency.id;
  return { ...q, data: { narrative, owner, mayDecide: owner && may(me, 'update', 'Narrative'), mayWithdraw: owner && may(me, 'withdraw', 'Narrative') } };
}

/** One narrative: its text with the proposals marked in it, and (for its owner) confirm or reject each. */
export function NarrativePageView({ id, me }: { id: string; me: Me | undefined }) {
  const q = useNarrative(id, me);
  const [answers, setAnswers] = useState<Record<string, CombinedError | undefined>>({});
  if (q.asking) return <PurposeForm onDone={q.stated} />;
  if (q.loading) return <Loading />;
  const n = q.data?.narrative;
  if (!n) {
    return (
      <>
        <Problems error={q.error} />
        <NotFound />
      </>
    );
  }
  const withheld = withheldPaths(q.error);
  const { owner, mayDecide, mayWithdraw } = q.data!;
  const numbers = new Map(n.proposals.map((p, i) => [p.id, i + 1]));
  return (
    <article class="record" data-testid="narrative">
      <TlpBanner marking={n.marking} />
      <PurposeLine onChange={q.ask} />
      <h1>
        {t('narratives.page.title')}: {n.case?.reference ?? n.id}
      </h1>
      <NarrativeFacts n={n} withheld={withheld} />
      <div class="narrative-grid">
        <div>
          <h2>{t('narratives.page.text')}</h2>
          {n.withdrawnAt ? (
            <p data-testid="narrative-text">{t('narratives.page.erased', { at: when(n.withdrawnAt) })}</p>
          ) : (
            <blockquote class="narrative-text" lang={n.language?.toLowerCase()} data-testid="narrative-text">
              {n.text === null ? (
                <Value value={null} path="narrative.text" withheld={withheld} />
              ) : (
                <HighlightedText text={n.text} proposals={n.proposals} numbers={numbers} />
              )}
            </blockquote>
          )}
        </div>
        {!n.withdrawnAt && (
          <div>
            <h2>{t('narratives.page.proposals')}</h2>
            {!owner ? (
              <p class="muted">{t('narratives.page.notOwner')}</p>
            ) : n.proposals.length === 0 ? (
              <p>{t('narratives.page.noProposals')}</p>
            ) : (
              <>
                <p class="muted hint">{t(mayDecide ? 'narratives.page.proposalsIntro' : 'narratives.page.viewer')}</p>
                <ol class="proposals" data-testid="proposals">
                  {n.proposals.map((p) => (
                    <ProposalItem
                      key={p.id}
                      p={p}
                      n={numbers.get(p.id)!}
                      decidable={mayDecide}
                      error={answers[p.id]}
                      onAnswer={(error) => {
                        setAnswers((a) => ({ ...a, [p.id]: error }));
                        q.refresh();
                      }}
                    />
                  ))}
                </ol>
              </>
            )}
          </div>
        )}
      </div>
      {mayWithdraw && !n.withdrawnAt && (
        <p>
          <Link href={`/narratives/${n.id}/withdraw`} class="button danger">
            {t('narratives.page.withdraw')}
          </Link>
        </p>
      )}
      <Problems error={q.error} />
    </article>
  );
}

// ---- withdrawal of consent ----------------------------------------------------------------------

/**
 * The withdrawal of the survivor's consent: first what goes and what stays, as withdrawConsent does
 * it (services/narratives/narrative.service.ts), then the narrative as the API answers afterwards.
 */
export function WithdrawPage({ id, me }: { id: string; me: Me | undefined }) {
  const q = useNarrative(id, me);
  const [reason, setReason] = useState('');
  const [checked, setChecked] = useState(false);
  const [result, setResult] = useState<{ busy?: boolean; error?: CombinedError; done?: Withdrawn; erasedProposals?: number }>({});
  useEffect(() => setResult({}), [id]);
  if (q.asking) return <PurposeForm onDone={q.stated} />;
  if (q.loading) return <Loading />;
  const n = q.data?.narrative;
  if (!n) {
    return (
      <>
        <Problems error={q.error} />
        <NotFound />
      </>
    );
  }
  const withheld = withheldPaths(q.error);
  const { owner, mayWithdraw } = q.data!;
  const confirmed = n.proposals.filter((p) => p.kind === 'IDENTIFIER' && p.status === 'CONFIRMED');
  const submit = async () => {
    setResult({ busy: true });
    const r = await client.mutation(WITHDRAW, { id: n.id, reason: reason.trim() || null }).toPromise();
    setResult({ error: r.error, done: r.data?.withdrawConsent, erasedProposals: n.proposals.length });
  };

  if (result.done) {
    const d = result.done;
    return (
      <article class="record" data-testid="withdrawn">
        <TlpBanner marking={n.marking} />
        <h1>{t('narratives.withdraw.doneTitle')}</h1>
        <p role="status">{t('narratives.withdraw.done', { at: when(d.withdrawnAt), count: result.erasedProposals ?? 0 })}</p>
        <dl class="fields">
          <div>
            <dt>{t('narratives.page.text')}</dt>
            <dd data-field="text">{d.text ?? t('narratives.list.erased')}</dd>
          </div>
          <div>
            <dt>{t('narratives.page.indicators')}</dt>
            <dd data-field="indicators">{d.indicators?.length ? d.indicators.join(', ') : t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('narratives.consentShort.lawEnforcement')}</dt>
            <dd>{yesNo(d.consentLawEnforcement)}</dd>
          </div>
          <div>
            <dt>{t('narratives.consentShort.hub')}</dt>
            <dd>{yesNo(d.consentHub)}</dd>
          </div>
          <div>
            <dt>{t('narratives.page.proposals')}</dt>
            <dd data-field="proposals">{d.proposals.length}</dd>
          </div>
        </dl>
        <p>
          <Link href="/narratives">{t('narratives.list.title')}</Link>
        </p>
      </article>
    );
  }

  return (
    <article class="record" data-testid="withdraw">
      <TlpBanner marking={n.marking} />
      <PurposeLine onChange={q.ask} />
      <h1>{t('narratives.withdraw.title')}</h1>
      <NarrativeFacts n={n} withheld={withheld} />
      {n.withdrawnAt ? (
        <p role="status">{t('narratives.withdraw.already', { at: when(n.withdrawnAt) })}</p>
      ) : !owner ? (
        <p>{t('narratives.page.notOwner')}</p>
      ) : !mayWithdraw ? (
        <p>{t('narratives.page.viewer')}</p>
      ) : (
        <>
          <p>{t('narratives.withdraw.intro')}</p>
          <h2>{t('narratives.withdraw.erasedTitle')}</h2>
          <ul class="erasure" data-testid="erased">
            <li>
              {t('narratives.withdraw.text', { count: n.text?.length ?? 0, language: languageName(n.language) })}
              <blockquote class="narrative-text" lang={n.language?.toLowerCase()}>
                <Value value={n.text} path="narrative.text" withheld={withheld} />
              </blockquote>
            </li>
            <li>{n.indicators?.length ? t('narratives.withdraw.indicators', { list: n.indicators.join(', ') }) : t('narratives.withdraw.noIndicators')}</li>
            <li>{t('narratives.withdraw.consent')}</li>
            <li>
              {n.proposals.length ? t('narratives.withdraw.proposals', { count: n.proposals.length }) : t('narratives.withdraw.noProposals')}
              {n.proposals.length > 0 && (
                <ul>
                  {n.proposals.map((p) => (
                    <li key={p.id}>
                      {proposalLabel(p)} <span class="muted">({t(`narratives.page.statuses.${p.status}`)})</span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
            <li data-testid="erased-statements">
              {confirmed.length
                ? t('narratives.withdraw.statements', { list: confirmed.map((p) => proposalLabel(p)).join(', ') })
                : t('narratives.withdraw.noStatements')}
            </li>
          </ul>
          <h2>{t('narratives.withdraw.keptTitle')}</h2>
          <p>{t('narratives.withdraw.kept')}</p>
          <form
            class="withdraw-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (checked && !result.busy) void submit();
            }}
          >
            <label for="reason">{t('narratives.withdraw.reason')}</label>
            <textarea
              id="reason"
              rows={2}
              maxLength={1000}
              aria-describedby="reason-hint"
              value={reason}
              onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
            />
            <p id="reason-hint" class="muted hint">
              {t('narratives.withdraw.reasonHint')}
            </p>
            <label class="check">
              <input type="checkbox" required checked={checked} onChange={(e) => setChecked((e.target as HTMLInputElement).checked)} />{' '}
              {t('narratives.withdraw.check')}
            </label>
            <p>
              <button type="submit" class="danger" disabled={result.busy}>
                {result.busy ? t('narratives.withdraw.sending') : t('narratives.withdraw.submit')}
              </button>{' '}
              <Link href={`/narratives/${n.id}`}>{t('narratives.withdraw.cancel')}</Link>
            </p>
            <Problems error={result.error} all />
          </form>
        </>
      )}
    </article>
  );
}
