import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { Link, navigate } from './app';
import { Loading, NotFound, Problems, TlpBanner } from './common';
import { client } from './graphql';
import { t } from './i18n';
import { graphql, type ResultOf, type VariablesOf } from './gql';

/** Intelligence reports: the recipients' feed and report page, and the hub analysts' editor. */

const FEED = graphql(`
  query Feed {
    intelligenceFeed(first: 50) {
      nodes {
        id
        marking
        updatedAt
        latest {
          version
          title
          summary
        }
      }
    }
  }
`);
const REPORT = graphql(`
  query Report($id: ID!) {
    intelligenceReport(id: $id) {
      id
      marking
      status
      latest {
        id
        version
        title
        summary
        keyJudgements
        body
        publishedAt
        visuals {
          agencyType
          periodStart
          periodEnd
          routeMapSvg
          networkSvg
          k
          routes {
            caseCount
            victimCount
            countSuppressed
            origin {
              name
            }
            destination {
              name
            }
          }
          hotspots {
            caseCount
            victimCount
            countSuppressed
            location {
              name
              countryCode
            }
          }
        }
      }
      versions {
        version
        title
        publishedAt
      }
    }
  }
`);
const PDF = graphql(`
  query ReportPdf($id: ID!) {
    intelligenceReport(id: $id) {
      latest {
        pdf
      }
    }
  }
`);
const FEEDBACK = graphql(`
  mutation Feedback($id: ID!, $input: ReportFeedbackInput!) {
    recordReportFeedback(reportId: $id, input: $input) {
      id
    }
  }
`);
const PUBLISH = graphql(`
  mutation Publish($input: PublishReportInput!) {
    publishIntelligenceReport(input: $input) {
      id
    }
  }
`);
const REVISE = graphql(`
  mutation Revise($id: ID!, $input: ReviseReportInput!) {
    reviseIntelligenceReport(id: $id, input: $input) {
      id
    }
  }
`);
const WITHDRAW = graphql(`
  mutation Withdraw($id: ID!, $reason: String!) {
    withdrawIntelligenceReport(id: $id, reason: $reason) {
      id
      status
    }
  }
`);
const CONTENT = graphql(`
  query Content($id: ID!) {
    intelligenceReport(id: $id) {
      marking
      latest {
        title
        summary
        keyJudgements
        body
        periodStart
        periodEnd
      }
    }
  }
`);

type Report = NonNullable<ResultOf<typeof REPORT>['intelligenceReport']>;
type Publish = VariablesOf<typeof PUBLISH>['input'];
type RecipientType = NonNullable<Publish['audience']['agencyTypes']>[number];

const RECIPIENT_TYPES: RecipientType[] = ['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'FRONTLINE'];
const day = (iso: string) => iso.slice(0, 10);
/** An SVG the API rendered, as an image: an <img> runs no script, whatever the SVG holds. */
const svgSource = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
const count = (n: number | null, suppressed: boolean, k: number) =>
  n !== null ? String(n) : suppressed ? t('products.fewerThan', { k }) : t('common.withheld');

export function FeedPage({ agencyType }: { agencyType?: string }) {
  const [state, setState] = useState<{
    nodes?: ResultOf<typeof FEED>['intelligenceFeed']['nodes'];
    error?: CombinedError;
  }>({});
  useEffect(() => {
    void client
      .query(FEED, {})
      .toPromise()
      .then((r) => setState({ nodes: r.data?.intelligenceFeed.nodes ?? [], error: r.error }));
  }, []);
  if (!state.nodes) return <Loading />;
  return (
    <section data-testid="products-feed">
      <h1>{t('products.title')}</h1>
      <p class="muted">{t('products.intro')}</p>
      {agencyType === 'HUB_ANALYST' && (
        <p>
          <Link href="/products/new" class="button">
            {t('products.write')}
          </Link>
        </p>
      )}
      <Problems error={state.error} />
      {state.nodes.length === 0 && <p>{t('products.empty')}</p>}
      <ul class="results">
        {state.nodes.map((n) => (
          <li key={n.id}>
            <TlpBanner marking={n.marking} />
            <Link href={`/products/${n.id}`}>{n.latest?.title ?? n.id}</Link>{' '}
            <span class="muted">
              {t('products.version', { version: n.latest?.version ?? 1 })} · {t('products.published', { date: day(n.updatedAt) })}
            </span>
            <div>{n.latest?.summary}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ReportPage({ id, agencyType }: { id: string; agencyType?: string }) {
  const [state, setState] = useState<{ report?: Report | null; error?: CombinedError; loading: boolean }>({ loading: true });
  useEffect(() => {
    setState({ loading: true });
    void client
      .query(REPORT, { id })
      .toPromise()
      .then((r) => setState({ report: r.data?.intelligenceReport ?? null, error: r.error, loading: false }));
  }, [id]);
  if (state.loading) return <Loading />;
  const report = state.report;
  const v = report?.latest;
  if (!report || !v) {
    return (
      <>
        <Problems error={state.error?.graphQLErrors.some((e) => e.extensions?.code === 'NOT_FOUND') ? undefined : state.error} />
        <NotFound />
      </>
    );
  }
  const download = async () => {
    const r = await client.query(PDF, { id }).toPromise();
    const b64 = r.data?.intelligenceReport?.latest?.pdf;
    if (!b64) return;
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${v.title.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 80)}-v${v.version}.pdf`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <article class="record" data-testid="report">
      <TlpBanner marking={report.marking} />
      {report.status === 'WITHDRAWN' && <p class="warning">{t('products.withdrawn')}</p>}
      <h1>{v.title}</h1>
      <p class="muted">
        {t('products.version', { version: v.version })} · {t('products.published', { date: day(v.publishedAt) })}
      </p>
      <p>
        <button type="button" onClick={() => void download()}>
          {t('products.pdf')}
        </button>
      </p>
      <h2>{t('products.summary')}</h2>
      <p>{v.summary}</p>
      {v.keyJudgements.length > 0 && (
        <>
          <h2>{t('products.keyJudgements')}</h2>
          <ul>
            {v.keyJudgements.map((j, i) => (
              <li key={i}>{j}</li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('products.assessment')}</h2>
      <p class="body">{v.body}</p>
      {v.visuals.map((vis) => (
        <section key={vis.agencyType} data-testid={`visuals-${vis.agencyType}`}>
          <p class="muted">{t('products.figuresFor', { type: t(`products.types.${vis.agencyType}`), from: vis.periodStart, to: vis.periodEnd })}</p>
          <h2>{t('products.routeMap')}</h2>
          <img
            class="report-visual"
            data-testid="route-map"
            src={svgSource(vis.routeMapSvg)}
            alt={t('products.routeMapAlt', {
              routes: vis.routes
                .map(
                  (r) =>
                    `${r.origin?.name ?? ''} → ${r.destination?.name ?? ''}: ${count(r.victimCount, r.countSuppressed, vis.k)} ${t('products.victims').toLowerCase()}`,
                )
                .join('; '),
            })}
          />
          <h2>{t('products.hotspots')}</h2>
          {vis.hotspots.length === 0 ? (
            <p>{t('products.noHotspots')}</p>
          ) : (
            <table class="nodes" data-testid="hotspots">
              <thead>
                <tr>
                  <th scope="col">{t('products.place')}</th>
                  <th scope="col">{t('products.cases')}</th>
                  <th scope="col">{t('products.victims')}</th>
                </tr>
              </thead>
              <tbody>
                {vis.hotspots.map((h, i) => (
                  <tr key={i}>
                    <td>
                      {h.location?.name ?? ''} {h.location?.countryCode ? `(${h.location.countryCode})` : ''}
                    </td>
                    <td>{count(h.caseCount, h.countSuppressed, vis.k)}</td>
                    <td>{count(h.victimCount, h.countSuppressed, vis.k)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('products.network')}</h2>
          <img class="report-visual" src={svgSource(vis.networkSvg)} alt={t('products.networkAlt')} />
        </section>
      ))}
      <h2>{t('products.history')}</h2>
      <ol reversed>
        {report.versions.map((h) => (
          <li key={h.version}>
            {h.title} <span class="muted">({day(h.publishedAt)})</span>
          </li>
        ))}
      </ol>
      {agencyType === 'HUB_ANALYST' ? <AuthorTools id={id} withdrawn={report.status === 'WITHDRAWN'} /> : <FeedbackForm id={id} />}
    </article>
  );
}

/** The hub analysts' tools on a report: a new version, or withdrawal with a reason. */
function AuthorTools({ id, withdrawn }: { id: string; withdrawn: boolean }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<CombinedError>();
  if (withdrawn) return null;
  const withdraw = async (e: Event) => {
    e.preventDefault();
    const r = await client.mutation(WITHDRAW, { id, reason }).toPromise();
    if (r.error) setError(r.error);
    else navigate('/products');
  };
  return (
    <section>
      <p>
        <Link href={`/products/new?report=${encodeURIComponent(id)}`} class="button">
          {t('products.revise')}
        </Link>
      </p>
      <form class="editor" onSubmit={(e) => void withdraw(e)} data-testid="withdraw">
        <label>
          {t('products.withdrawReason')}
          <input required value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <Problems error={error} />
        <button type="submit" class="secondary">
          {t('products.withdraw')}
        </button>
      </form>
    </section>
  );
}

const OUTCOMES = ['safeguardedPersons', 'arrests', 'accountsClosed', 'advertsDisrupted'] as const;

function FeedbackForm({ id }: { id: string }) {
  const [key] = useState(() => crypto.randomUUID());
  const [useful, setUseful] = useState(true);
  const [outcomes, setOutcomes] = useState<Record<string, number>>({});
  const [note, setNote] = useState('');
  const [done, setDone] = useState<{ ok?: boolean; error?: CombinedError }>({});
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await client.mutation(FEEDBACK, { id, input: { useful, ...outcomes, note: note.trim() || undefined, idempotencyKey: key } }).toPromise();
    setDone({ ok: !r.error, error: r.error });
  };
  if (done.ok) return <p role="status">{t('products.sent')}</p>;
  return (
    <form class="editor" onSubmit={(e) => void submit(e)} data-testid="feedback">
      <h2>{t('products.feedback')}</h2>
      <p class="muted">{t('products.feedbackIntro')}</p>
      <label>
        <input type="checkbox" checked={useful} onChange={(e) => setUseful((e.target as HTMLInputElement).checked)} /> {t('products.useful')}
      </label>
      {OUTCOMES.map((o) => (
        <label key={o}>
          {t(`products.${o}`)}
          <input
            type="number"
            min={0}
            value={outcomes[o] ?? 0}
            onInput={(e) => setOutcomes({ ...outcomes, [o]: Math.max(0, Number((e.target as HTMLInputElement).value) || 0) })}
          />
        </label>
      ))}
      <label>
        {t('products.note')}
        <textarea value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      </label>
      <Problems error={done.error} />
      <button type="submit">{t('products.send')}</button>
    </form>
  );
}

/** A new report, or (with `reportId`) a new version of one, its form filled with the latest version. */
export function EditorPage({ reportId }: { reportId?: string }) {
  const [key] = useState(() => crypto.randomUUID());
  const [form, setForm] = useState<Pick<Publish, 'marking'> & Omit<Publish['content'], 'keyJudgements'> & { keyJudgements: string }>({
    title: '',
    summary: '',
    keyJudgements: '',
    body: '',
    marking: 'GREEN',
    periodStart: `${new Date().getUTCFullYear() - 1}-01-01`,
    periodEnd: `${new Date().getUTCFullYear() - 1}-12-31`,
  });
  const [types, setTypes] = useState<RecipientType[]>([]);
  const [error, setError] = useState<CombinedError>();
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState(!reportId);
  useEffect(() => {
    if (!reportId) return;
    void client
      .query(CONTENT, { id: reportId })
      .toPromise()
      .then((r) => {
        const report = r.data?.intelligenceReport;
        setLoaded(true);
        const v = report?.latest;
        if (!report || !v) return setError(r.error);
        setForm({
          title: v.title,
          summary: v.summary,
          keyJudgements: v.keyJudgements.join('\n'),
          body: v.body,
          marking: report.marking,
          periodStart: v.periodStart,
          periodEnd: v.periodEnd,
        });
      });
  }, [reportId]);
  const field = (name: keyof typeof form) => (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const content = {
      title: form.title,
      summary: form.summary,
      keyJudgements: form.keyJudgements
        .split('\n')
        .map((j) => j.trim())
        .filter(Boolean),
      body: form.body,
      periodStart: form.periodStart,
      periodEnd: form.periodEnd,
    };
    const r = reportId
      ? await client.mutation(REVISE, { id: reportId, input: { content, idempotencyKey: key } }).toPromise()
      : await client.mutation(PUBLISH, { input: { marking: form.marking, audience: { agencyTypes: types }, content, idempotencyKey: key } }).toPromise();
    setBusy(false);
    const data: { publishIntelligenceReport?: { id: string }; reviseIntelligenceReport?: { id: string } } | undefined = r.data;
    const id = data?.publishIntelligenceReport?.id ?? data?.reviseIntelligenceReport?.id;
    if (id) navigate(`/products/${id}`);
    else setError(r.error);
  };
  if (!loaded) return <Loading />;
  return (
    <form class="record editor" data-testid="report-editor" onSubmit={(e) => void submit(e)}>
      <h1>{reportId ? t('products.reviseTitle') : t('products.editor')}</h1>
      <label>
        {t('products.reportTitle')}
        <input required value={form.title} onInput={field('title')} />
      </label>
      <label>
        {t('products.summary')}
        <textarea required value={form.summary} onInput={field('summary')} />
      </label>
      <label>
        {t('products.judgementsHint')}
        <textarea value={form.keyJudgements} onInput={field('keyJudgements')} />
      </label>
      <label>
        {t('products.body')}
        <textarea required rows={8} value={form.body} onInput={field('body')} />
      </label>
      {!reportId && (
        <>
          <label>
            {t('products.marking')}
            <select value={form.marking} onChange={field('marking')}>
              {['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT'].map((m) => (
                <option key={m} value={m}>
                  {`TLP:${m.replace('_STRICT', '+STRICT')}`}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>{t('products.audience')}</legend>
            {RECIPIENT_TYPES.map((type) => (
              <label key={type}>
                <input
                  type="checkbox"
                  checked={types.includes(type)}
                  onChange={(e) => setTypes((e.target as HTMLInputElement).checked ? [...types, type] : types.filter((x) => x !== type))}
                />{' '}
                {t(`products.types.${type}`)}
              </label>
            ))}
          </fieldset>
        </>
      )}
      <label>
        {t('products.periodStart')}
        <input type="date" required value={form.periodStart} onInput={field('periodStart')} />
      </label>
      <label>
        {t('products.periodEnd')}
        <input type="date" required value={form.periodEnd} onInput={field('periodEnd')} />
      </label>
      <Problems error={error} />
      <button type="submit" disabled={busy}>
        {reportId ? t('products.publishVersion') : t('products.publish')}
      </button>
    </form>
  );
}
