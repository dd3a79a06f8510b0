import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { Link } from './app';
import { Grading, Loading, NotFound, Problems, PurposeForm, PurposeLine, Value } from './common';
import { client, withheldPaths } from './graphql';
import { t } from './i18n';
import { usePersonalQuery } from './personal-query';
import { graphql, type ResultOf, type VariablesOf } from './gql';

const QUEUE = graphql(`
  query TriageQueue {
    triageQueue(first: 100) {
      totalCount
      nodes {
        id
        urgency
        report {
          receivedAt
          place
          language
          situationKind
          story
        }
      }
    }
  }
`);

const ITEM = graphql(`
  query TriageItem($id: ID!) {
    triageItem(id: $id) {
      id
      urgency
      retentionClass
      reviewDue
      report {
        receivedAt
        story
        occurredWhen
        place
        language
        situationKind
        contact
        status
        additions {
          addedAt
          text
        }
      }
      identifiers {
        kind
        value
        start
        end
        known
      }
      indicators {
        code
        start
        end
      }
      places {
        name
        start
        end
        location {
          id
          countryCode
        }
      }
      touchedEntities {
        id
        kind
        value
        maskedValue
      }
      related {
        reasons
        report {
          id
          receivedAt
          place
        }
      }
      decision {
        decision
        reason
        sourceEvaluation
        intelligenceAssessment
        handlingCode
        handlingConditions
        corroboration
        decidedAt
        case {
          id
        }
      }
    }
  }
`);

const DECIDE = graphql(`
  mutation DecideTriage($input: DecideTriageInput!) {
    decideTriage(input: $input) {
      id
      decision {
        decision
        case {
          id
        }
      }
    }
  }
`);

type QueueNode = ResultOf<typeof QUEUE>['triageQueue']['nodes'][number];
type Item = NonNullable<ResultOf<typeof ITEM>['triageItem']>;
type Decision = VariablesOf<typeof DECIDE>['input'];
type DecisionKind = Decision['decision'];
type NewCase = NonNullable<Decision['newCase']>;

const DECISIONS: DecisionKind[] = ['LINK_CASE', 'OPEN_CASE', 'INTELLIGENCE_ONLY', 'DISCARD'];
const EXPLOITATION: NewCase['exploitationTypes'][number][] = ['SEXUAL', 'LABOUR', 'CRIMINAL', 'DOMESTIC_SERVITUDE', 'ORGAN_HARVESTING'];
const MARKINGS: NonNullable<NewCase['marking']>[] = ['GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
const SOURCES: NonNullable<Decision['sourceEvaluation']>[] = ['UNTESTED', 'RELIABLE', 'NOT_RELIABLE'];
const ASSESSMENTS: NonNullable<Decision['intelligenceAssessment']>[] = ['A', 'B', 'C', 'D', 'E'];

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : t('common.none'));
const words = (code: string) => code.toLowerCase().replace(/_/g, ' ');

function Urgency({ urgency }: { urgency: string[] | null }) {
  if (!urgency?.length) return null;
  return (
    <span class="badges">
      {urgency.map((u) => (
        <span key={u} class={`badge badge-${u.toLowerCase().replace(/_/g, '-')}`}>
          {t(`triage.urgency.${u}`)}
        </span>
      ))}
    </span>
  );
}

/** The queue: most urgent first, then newest, as the API orders it. */
export function TriageQueuePage() {
  const [state, setState] = useState<{ nodes?: QueueNode[]; total?: number; error?: CombinedError }>({});
  useEffect(() => {
    void client
      .query(QUEUE, {})
      .toPromise()
      .then((r) => setState({ nodes: r.data?.triageQueue.nodes ?? [], total: r.data?.triageQueue.totalCount ?? 0, error: r.error }));
  }, []);
  if (!state.nodes) return <Loading />;
  return (
    <section data-testid="triage-queue">
      <h1>{t('triage.title')}</h1>
      <p class="muted">{t('triage.intro')}</p>
      <p>{t('triage.count', { count: state.total })}</p>
      {state.nodes.length === 0 ? (
        <p class="muted">{t('triage.empty')}</p>
      ) : (
        <ol class="results queue">
          {state.nodes.map((n) => (
            <li key={n.id}>
              <Urgency urgency={n.urgency} />
              <Link href={`/triage/${n.id}`}>{n.report?.place ?? t('triage.open')}</Link>{' '}
              <span class="muted">
                {day(n.report?.receivedAt)} · {n.report?.language ?? ''}
                {n.report?.situationKind ? ` · ${n.report.situationKind}` : ''}
              </span>
              <p class="excerpt" lang={n.report?.language?.slice(0, 2).toLowerCase()}>
                {(n.report?.story ?? '').slice(0, 160)}
                {(n.report?.story?.length ?? 0) > 160 ? '…' : ''}
              </p>
            </li>
          ))}
        </ol>
      )}
      <Problems error={state.error} />
    </section>
  );
}

const RANK = { identifier: 0, place: 1, indicator: 2 };

/** The story as text, with the proposals marked: identifiers, then places, first where spans overlap (they are the more specific). */
function Highlighted({
  story,
  identifiers,
  indicators,
  places,
}: {
  story: string;
  identifiers: Item['identifiers'];
  indicators: Item['indicators'];
  places: Item['places'];
}) {
  const marks = [
    ...(identifiers ?? []).map((i) => ({ start: i.start, end: i.end, kind: 'identifier' as const, label: `${i.kind}: ${i.value}` })),
    ...(places ?? []).map((p) => ({ start: p.start, end: p.end, kind: 'place' as const, label: p.name })),
    ...(indicators ?? []).map((i) => ({ start: i.start, end: i.end, kind: 'indicator' as const, label: words(i.code) })),
  ]
    .filter((m) => m.start >= 0 && m.end <= story.length && m.end > m.start)
    .sort((a, b) => a.start - b.start || RANK[a.kind] - RANK[b.kind]);
  const parts: preact.ComponentChildren[] = [];
  let at = 0;
  for (const m of marks) {
    if (m.start < at) continue;
    if (m.start > at) parts.push(story.slice(at, m.start));
    parts.push(
      <mark key={`${m.kind}-${m.start}`} class={`hl-${m.kind}`} title={m.label} data-kind={m.kind}>
        {story.slice(m.start, m.end)}
        <span class="visually-hidden"> ({m.label})</span>
      </mark>,
    );
    at = m.end;
  }
  parts.push(story.slice(at));
  return <>{parts}</>;
}

/** One report: its story with the proposals, related reports, known entities, and the decision. */
export function TriageItemPage({ id }: { id: string }) {
  const q = usePersonalQuery(ITEM, { id }, (d) => d?.triageItem);
  if (q.asking) return <PurposeForm onDone={q.stated} />;
  if (q.loading) return <Loading />;
  const item = q.data;
  if (!item || !item.report) {
    return (
      <>
        <Problems error={q.error} />
        <NotFound />
      </>
    );
  }
  const withheld = withheldPaths(q.error);
  const r = item.report;
  const lang = r.language?.slice(0, 2).toLowerCase();
  return (
    <article class="record" data-testid="triage-item">
      <PurposeLine onChange={q.ask} />
      <p>
        <Link href="/triage">{t('triage.back')}</Link>
      </p>
      <h1>
        {t('triage.report')} <Urgency urgency={item.urgency} />
      </h1>
      <dl class="fields">
        {(
          [
            ['received', day(r.receivedAt)],
            ['when', r.occurredWhen],
            ['place', r.place],
            ['language', r.language],
            ['situation', r.situationKind],
          ] as const
        ).map(([k, v]) => (
          <div key={k}>
            <dt>{t(`triage.${k}`)}</dt>
            <dd>
              <Value value={v} path={`triageItem.report.${k}`} withheld={withheld} />
            </dd>
          </div>
        ))}
        <div>
          <dt>{t('triage.contact')}</dt>
          <dd data-testid="contact">
            <Value value={r.contact} path="triageItem.report.contact" withheld={withheld} />
          </dd>
        </div>
      </dl>
      <h2>{t('triage.story')}</h2>
      <p class="muted hint">{t('triage.legend')}</p>
      <blockquote class="story" lang={lang} data-testid="story">
        <Highlighted story={r.story ?? ''} identifiers={item.identifiers} indicators={item.indicators} places={item.places} />
      </blockquote>
      {(r.additions?.length ?? 0) > 0 && (
        <>
          <h3>{t('triage.additions')}</h3>
          {r.additions!.map((a, i) => (
            <blockquote key={i} lang={lang}>
              <span class="muted">{day(a.addedAt)}</span> {a.text}
            </blockquote>
          ))}
        </>
      )}
      <div class="columns">
        <section>
          <h2>{t('triage.identifiers')}</h2>
          <ul class="results" data-testid="identifiers">
            {(item.identifiers ?? []).map((i) => (
              <li key={`${i.kind}:${i.value}`}>
                <code>{i.value}</code> <span class="muted">{i.kind}</span> {i.known && <span class="badge badge-known-identifier">{t('triage.known')}</span>}
              </li>
            ))}
            {!item.identifiers?.length && <li class="muted">{t('common.none')}</li>}
          </ul>
          <h2>{t('triage.places')}</h2>
          <ul class="results" data-testid="places">
            {(item.places ?? []).map((p) => (
              <li key={`${p.name}:${p.start}`}>
                {p.name} <span class="muted">{p.location?.countryCode ?? ''}</span>
              </li>
            ))}
            {!item.places?.length && <li class="muted">{t('common.none')}</li>}
          </ul>
          <h2>{t('triage.indicators')}</h2>
          <ul class="results" data-testid="indicators">
            {(item.indicators ?? []).map((i) => (
              <li key={i.code}>{words(i.code)}</li>
            ))}
            {!item.indicators?.length && <li class="muted">{t('common.none')}</li>}
          </ul>
        </section>
        <section>
          <h2>{t('triage.touched')}</h2>
          <ul class="results" data-testid="touched">
            {(item.touchedEntities ?? []).map((e) => (
              <li key={e.id}>
                <Link href={`/network/${e.id}`}>{e.value ?? e.maskedValue ?? e.id}</Link> <span class="muted">{e.kind}</span>
              </li>
            ))}
            {!item.touchedEntities?.length && <li class="muted">{t('common.none')}</li>}
          </ul>
          <h2>{t('triage.related')}</h2>
          <ul class="results" data-testid="related">
            {(item.related ?? []).map((x) =>
              x.report ? (
                <li key={x.report.id}>
                  <Link href={`/triage/${x.report.id}`}>{x.report.place ?? x.report.id}</Link>{' '}
                  <span class="muted">
                    {day(x.report.receivedAt)} · {x.reasons.map((reason) => t(`triage.reasons.${reason}`)).join(', ')}
                  </span>
                </li>
              ) : null,
            )}
            {!item.related?.length && <li class="muted">{t('common.none')}</li>}
          </ul>
        </section>
      </div>
      <h2>{t('triage.decide')}</h2>
      {item.decision ? <Decided item={item} withheld={withheld} /> : <DecisionForm item={item} onDecided={q.stated} />}
      <Problems error={q.error} />
    </article>
  );
}

function Decided({ item, withheld }: { item: Item; withheld: Set<string> }) {
  const d = item.decision!;
  return (
    <section data-testid="decision">
      <p>
        <strong>{t('triage.decided', { decision: t(`triage.decision.${d.decision}`) })}</strong> <span class="muted">{day(d.decidedAt)}</span>
      </p>
      {d.decision !== 'DISCARD' && <Grading record={d} withheld={withheld} base="triageItem.decision" />}
      {d.reason && (
        <p>
          {t('triage.reason')}: {d.reason}
        </p>
      )}
      {d.corroboration && (
        <p>
          {t('triage.corroboration')}: {d.corroboration}
        </p>
      )}
      {d.case && (
        <p>
          <Link href={`/case/${d.case.id}`} class="button">
            {t('triage.openCase')}
          </Link>
        </p>
      )}
      <p class="muted">{t('triage.retention', { class: item.retentionClass, date: item.reviewDue })}</p>
    </section>
  );
}

/** The four decisions, each asked to be confirmed; the grading is asked for all but a discard. */
function DecisionForm({ item, onDecided }: { item: Item; onDecided: () => void }) {
  const [kind, setKind] = useState<DecisionKind>('OPEN_CASE');
  const [caseId, setCaseId] = useState('');
  const [types, setTypes] = useState(EXPLOITATION.filter((x) => x === item.report?.situationKind));
  const [summary, setSummary] = useState('');
  const [marking, setMarking] = useState<(typeof MARKINGS)[number]>('AMBER');
  const [reason, setReason] = useState('');
  const [source, setSource] = useState<(typeof SOURCES)[number]>('UNTESTED');
  const [corroboration, setCorroboration] = useState('');
  const [assessment, setAssessment] = useState<(typeof ASSESSMENTS)[number]>('C');
  const [handling, setHandling] = useState<NonNullable<Decision['handlingCode']>>('P');
  const [conditions, setConditions] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CombinedError | undefined>();

  const input = () => {
    const graded =
      kind === 'DISCARD'
        ? {}
        : {
            sourceEvaluation: source,
            intelligenceAssessment: assessment,
            handlingCode: handling,
            handlingConditions: handling === 'C' ? conditions : null,
            corroboration: corroboration.trim() || null,
          };
    return {
      reportId: item.id,
      decision: kind,
      reason: reason.trim() || null,
      caseId: kind === 'LINK_CASE' ? caseId.trim() : null,
      newCase: kind === 'OPEN_CASE' ? { exploitationTypes: types, summary: summary.trim() || null, marking } : null,
      ...graded,
    };
  };
  const decide = async () => {
    setBusy(true);
    const r = await client.mutation(DECIDE, { input: input() }).toPromise();
    setBusy(false);
    setConfirming(false);
    if (r.error) return setError(r.error);
    onDecided();
  };

  return (
    <form
      class="decision"
      data-testid="decision-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(undefined);
        setConfirming(true);
      }}
    >
      <fieldset>
        <legend>{t('triage.decide')}</legend>
        {DECISIONS.map((d) => (
          <label key={d} class="choice">
            <input type="radio" name="decision" value={d} checked={kind === d} onChange={() => setKind(d)} /> {t(`triage.decision.${d}`)}
          </label>
        ))}
      </fieldset>
      {kind === 'LINK_CASE' && (
        <p>
          <label for="case-id">{t('triage.caseId')}</label>
          <input id="case-id" required value={caseId} onInput={(e) => setCaseId((e.target as HTMLInputElement).value)} />
        </p>
      )}
      {kind === 'OPEN_CASE' && (
        <>
          <fieldset>
            <legend>{t('triage.exploitationTypes')}</legend>
            {EXPLOITATION.map((x) => (
              <label key={x} class="choice">
                <input
                  type="checkbox"
                  checked={types.includes(x)}
                  onChange={(e) => setTypes((e.target as HTMLInputElement).checked ? [...types, x] : types.filter((y) => y !== x))}
                />{' '}
                {words(x)}
              </label>
            ))}
          </fieldset>
          <p>
            <label for="case-summary">{t('triage.summary')}</label>
            <textarea id="case-summary" rows={3} value={summary} onInput={(e) => setSummary((e.target as HTMLTextAreaElement).value)} />
          </p>
          <p>
            <label for="case-marking">{t('triage.marking')}</label>
            <select id="case-marking" value={marking} onChange={(e) => setMarking((e.target as HTMLSelectElement).value as typeof marking)}>
              {MARKINGS.map((m) => (
                <option key={m} value={m}>
                  {m === 'AMBER_STRICT' ? 'TLP:AMBER+STRICT' : `TLP:${m}`}
                </option>
              ))}
            </select>
          </p>
        </>
      )}
      <p>
        <label for="reason">{kind === 'DISCARD' ? t('triage.reasonRequired') : t('triage.reason')}</label>
        <textarea id="reason" rows={2} required={kind === 'DISCARD'} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
      </p>
      {kind !== 'DISCARD' && (
        <fieldset>
          <legend>{t('grading.label')}</legend>
          <p class="muted hint">{t('triage.sourceHint')}</p>
          <p>
            <label for="source">{t('triage.sourceEvaluation')}</label>
            <select id="source" value={source} onChange={(e) => setSource((e.target as HTMLSelectElement).value as typeof source)}>
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {t(`grading.${s}`)}
                </option>
              ))}
            </select>
          </p>
          <p>
            <label for="corroboration">{t('triage.corroboration')}</label>
            <textarea id="corroboration" rows={2} value={corroboration} onInput={(e) => setCorroboration((e.target as HTMLTextAreaElement).value)} />
          </p>
          <p>
            <label for="assessment">{t('triage.intelligenceAssessment')}</label>
            <select id="assessment" value={assessment} onChange={(e) => setAssessment((e.target as HTMLSelectElement).value as typeof assessment)}>
              {ASSESSMENTS.map((a) => (
                <option key={a} value={a}>
                  {t(`grading.${a}`)}
                </option>
              ))}
            </select>
          </p>
          <p>
            <label for="handling">{t('triage.handlingCode')}</label>
            <select id="handling" value={handling} onChange={(e) => setHandling((e.target as HTMLSelectElement).value as typeof handling)}>
              <option value="P">{t('grading.P')}</option>
              <option value="C">{t('grading.C_handling')}</option>
            </select>
          </p>
          {handling === 'C' && (
            <p>
              <label for="conditions">{t('triage.handlingConditions')}</label>
              <textarea id="conditions" rows={2} required value={conditions} onInput={(e) => setConditions((e.target as HTMLTextAreaElement).value)} />
            </p>
          )}
        </fieldset>
      )}
      {confirming ? (
        <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text" data-testid="confirm">
          <h3 id="confirm-title">{t('triage.confirmTitle')}</h3>
          <p id="confirm-text">{t(`triage.confirm.${kind}`, { case: caseId })}</p>
          <button type="button" disabled={busy} onClick={() => void decide()}>
            {t('triage.confirmButton')}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            {t('triage.cancel')}
          </button>
        </div>
      ) : (
        <button type="submit">{t('triage.submit')}</button>
      )}
      <Problems error={error} />
    </form>
  );
}
