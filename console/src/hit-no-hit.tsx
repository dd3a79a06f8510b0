import type { CombinedError } from '@urql/core';
import { parse as parseCsv } from 'csv-parse/browser/esm/sync';
import { useState } from 'preact/hooks';
import { Loading, Problems } from './common';
import { client } from './graphql';
import { t } from './i18n';
import { graphql, type ResultOf, type VariablesOf } from './gql';

/** The kinds of identifier the API's `EntityKind` names, in the order people ask about them most. */
export const ENTITY_KINDS: Identifier['kind'][] = ['PHONE', 'BANK_ACCOUNT', 'EMAIL', 'SOCIAL_PROFILE', 'ONLINE_ADVERT', 'ADDRESS', 'VEHICLE', 'ORGANISATION'];

/**
 * `hitNoHit` answers at most this many identifiers a request (schema/entities.graphql); a file with
 * more is screened as a job, in chunks of SCREENING_CHUNK.
 */
export const HIT_NO_HIT_MAX = 1000;
const SCREENING_CHUNK = 10_000;
/** Known identifiers of a screening job shown at once (one results page). */
const SCREENING_SHOWN = 1000;

const ANSWER = graphql(`
  fragment Answer on HitNoHitResult {
    kind
    value
    known
    holderCount
    contactableAgencies {
      id
      name
    }
  }
`);
export const HIT_NO_HIT = graphql(
  `
    query HitNoHit($ids: [IdentifierInput!]!) {
      hitNoHit(identifiers: $ids) {
        ...Answer
      }
    }
  `,
  [ANSWER],
);
const CREATE_JOB = graphql(`
  mutation CreateScreeningJob($reference: String!) {
    createScreeningJob(reference: $reference) {
      id
    }
  }
`);
const APPEND = graphql(`
  mutation AppendScreeningChunk($jobId: ID!, $chunk: Int!, $ids: [IdentifierInput!]!) {
    appendScreeningChunk(jobId: $jobId, chunk: $chunk, identifiers: $ids) {
      identifierCount
    }
  }
`);
const CLOSE = graphql(`
  mutation CloseScreeningJob($jobId: ID!) {
    closeScreeningJob(jobId: $jobId) {
      identifierCount
      knownCount
    }
  }
`);
/** A screening job's results are answers of another type (ScreeningResult), with the fields of `Answer`. */
const KNOWN = graphql(`
  query ScreeningKnown($jobId: ID!, $first: Int!) {
    screeningJob(id: $jobId) {
      results(onlyKnown: true, first: $first) {
        nodes {
          kind
          value
          known
          holderCount
          contactableAgencies {
            id
            name
          }
        }
        pageInfo {
          hasNextPage
        }
      }
    }
  }
`);
const REQUEST = graphql(`
  mutation RequestAccess($input: RequestAccessInput!) {
    requestAccess(input: $input) {
      id
      status
      targetAgency {
        name
      }
      identifier {
        kind
        value
      }
    }
  }
`);

export type Identifier = VariablesOf<typeof HIT_NO_HIT>['ids'][number];
export type Answer = ResultOf<typeof ANSWER>;
type AccessRequest = ResultOf<typeof REQUEST>['requestAccess'];

/** A CSV of identifiers as screening takes it: KIND,value or KIND,value,country a line, no header. */
export function readIdentifierCsv(content: string): Identifier[] {
  const records = parseCsv(content, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  return records.map(([kind = '', value = '', country = '']) => ({
    kind: kind.toUpperCase() as Identifier['kind'],
    value,
    ...(country ? { country: country.toUpperCase() } : {}),
  }));
}

interface State {
  busy?: boolean;
  progress?: { sent: number; total: number };
  answers?: Answer[];
  screened?: { reference: string; count: number; known: number; more: boolean };
  error?: CombinedError;
  problem?: string;
}

/**
 * Hit/no-hit for a bank's officer (or anyone): a few identifiers typed, or a CSV file of them. Up to
 * HIT_NO_HIT_MAX are one `hitNoHit` request, answered at once; a larger file (a customer book) is a
 * screening job: its own daily quota, sent chunk by chunk with a progress bar, and only the known
 * identifiers read back. From a known identifier, an access request to a holder that takes them.
 */
export function HitNoHitPage() {
  const [rows, setRows] = useState<Identifier[]>([{ kind: 'PHONE', value: '' }]);
  const [country, setCountry] = useState('');
  const [state, setState] = useState<State>({});
  const [asking, setAsking] = useState<{ answer: Answer; agency: { id: string; name: string | null } }>();

  async function check(ids: Identifier[], empty = t('hits.none')) {
    setAsking(undefined);
    if (ids.length === 0) return setState({ problem: empty });
    if (ids.length <= HIT_NO_HIT_MAX) {
      setState({ busy: true });
      const r = await client.query(HIT_NO_HIT, { ids }).toPromise();
      return setState({ answers: r.data?.hitNoHit, error: r.error });
    }
    await screen(ids);
  }

  async function screen(ids: Identifier[]) {
    const total = ids.length;
    setState({ busy: true, progress: { sent: 0, total } });
    const reference = `console:${crypto.randomUUID()}`;
    const job = await client.mutation(CREATE_JOB, { reference }).toPromise();
    if (!job.data) return setState({ error: job.error });
    const jobId = job.data.createScreeningJob.id;
    for (let chunk = 0; chunk * SCREENING_CHUNK < total; chunk++) {
      const part = ids.slice(chunk * SCREENING_CHUNK, (chunk + 1) * SCREENING_CHUNK);
      const r = await client.mutation(APPEND, { jobId, chunk, ids: part }).toPromise();
      // The job keeps what was answered; sending the same chunk again changes nothing.
      if (r.error) return setState({ error: r.error, progress: { sent: chunk * SCREENING_CHUNK, total } });
      setState({ busy: true, progress: { sent: Math.min(total, (chunk + 1) * SCREENING_CHUNK), total } });
    }
    const closed = await client.mutation(CLOSE, { jobId }).toPromise();
    if (!closed.data) return setState({ error: closed.error });
    const known = await client.query(KNOWN, { jobId, first: SCREENING_SHOWN }).toPromise();
    setState({
      answers: known.data?.screeningJob.results.nodes,
      error: known.error,
      screened: {
        reference,
        count: closed.data.closeScreeningJob.identifierCount,
        known: closed.data.closeScreeningJob.knownCount,
        more: known.data?.screeningJob.results.pageInfo.hasNextPage ?? false,
      },
    });
  }

  async function readFile(file: File) {
    let ids: Identifier[];
    try {
      ids = readIdentifierCsv(await file.text());
    } catch (err) {
      return setState({ problem: t('hits.fileUnreadable', { message: (err as Error).message }) });
    }
    await check(ids, t('hits.fileEmpty'));
  }

  const typed = () =>
    rows.filter((r) => r.value.trim()).map((r) => ({ kind: r.kind, value: r.value, ...(country.trim() ? { country: country.trim().toUpperCase() } : {}) }));

  return (
    <section data-testid="hit-no-hit">
      <h1>{t('hits.title')}</h1>
      <p>{t('hits.intro')}</p>
      <form
        class="identifiers"
        onSubmit={(e) => {
          e.preventDefault();
          void check(typed());
        }}
      >
        <fieldset>
          <legend>{t('hits.typed')}</legend>
          <p class="muted hint" id="value-hint">
            {t('hits.valueHint')}
          </p>
          {rows.map((row, i) => (
            <div class="identifier-row" key={i}>
              <span>
                <label for={`kind-${i}`}>{t('hits.kind')}</label>
                <select
                  id={`kind-${i}`}
                  value={row.kind}
                  onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, kind: (e.target as HTMLSelectElement).value as Identifier['kind'] } : r)))}
                >
                  {ENTITY_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`entityKinds.${k}`)}
                    </option>
                  ))}
                </select>
              </span>
              <span class="grow">
                <label for={`value-${i}`}>{t('hits.value')}</label>
                <input
                  id={`value-${i}`}
                  aria-describedby="value-hint"
                  value={row.value}
                  onInput={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, value: (e.target as HTMLInputElement).value } : r)))}
                />
              </span>
              {rows.length > 1 && (
                <button
                  type="button"
                  class="secondary small"
                  aria-label={t('hits.remove', { n: i + 1 })}
                  onClick={() => setRows(rows.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              )}
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => setRows([...rows, { kind: 'PHONE', value: '' }])}>
            {t('hits.add')}
          </button>
        </fieldset>
        <CountryField id="country" label={t('hits.country')} hint={t('hits.countryHint')} value={country} onInput={setCountry} />
        <button type="submit" disabled={state.busy}>
          {t('hits.check')}
        </button>
      </form>
      <CsvFileChoice id="identifier-file" label={t('hits.file')} hint={t('hits.fileHint', { max: HIT_NO_HIT_MAX })} disabled={!!state.busy} onFile={readFile} />
      {state.progress && state.busy && (
        <p role="status">
          <label for="screening-progress">{t('hits.screening', state.progress)}</label>
          <progress id="screening-progress" max={state.progress.total} value={state.progress.sent} />
        </p>
      )}
      {state.busy && !state.progress && <Loading />}
      {state.problem && (
        <p class="problem" role="alert">
          {state.problem}
        </p>
      )}
      <Problems error={state.error} />
      {state.screened && (
        <p data-testid="screened">
          {t('hits.screened', state.screened)} {state.screened.more && t('hits.screenedMore', { shown: SCREENING_SHOWN })}
        </p>
      )}
      {state.answers && <Answers answers={state.answers} onRequest={(answer, agency) => setAsking({ answer, agency })} />}
      {asking && <RequestAccess key={`${asking.answer.kind}:${asking.answer.value}:${asking.agency.id}`} {...asking} onCancel={() => setAsking(undefined)} />}
    </section>
  );
}

/** The country national-format values are read in (ISO 3166-1 alpha-2), as screening takes it. */
export function CountryField({ id, label, hint, value, onInput }: { id: string; label: string; hint: string; value: string; onInput: (v: string) => void }) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} class="short" maxLength={2} value={value} aria-describedby={`${id}-hint`} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />
      <p class="muted hint" id={`${id}-hint`}>
        {hint}
      </p>
    </>
  );
}

/** A CSV file of identifiers to screen; chosen again, the same file is read again. */
export function CsvFileChoice({
  id,
  label,
  hint,
  disabled,
  onFile,
}: {
  id: string;
  label: string;
  hint: string;
  disabled: boolean;
  onFile: (f: File) => Promise<void>;
}) {
  return (
    <div class="file-choice">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="file"
        accept=".csv,text/csv"
        aria-describedby={`${id}-hint`}
        disabled={disabled}
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          const file = input.files?.[0];
          if (file) void onFile(file).then(() => (input.value = ''));
        }}
      />
      <p class="muted hint" id={`${id}-hint`}>
        {hint}
      </p>
    </div>
  );
}

export function Answers({ answers, onRequest }: { answers: Answer[]; onRequest: (a: Answer, agency: Answer['contactableAgencies'][number]) => void }) {
  return (
    <>
      <h2>{t('hits.results')}</h2>
      <table class="answers" data-testid="hit-results">
        <thead>
          <tr>
            <th scope="col">{t('hits.kind')}</th>
            <th scope="col">{t('hits.value')}</th>
            <th scope="col">{t('hits.answer')}</th>
            <th scope="col">{t('hits.holders')}</th>
            <th scope="col">{t('hits.whom')}</th>
          </tr>
        </thead>
        <tbody>
          {answers.map((a) => (
            <tr key={`${a.kind}:${a.value}`} data-value={a.value} class={a.known ? 'known' : undefined}>
              <td>{t(`entityKinds.${a.kind}`)}</td>
              <td>
                <code>{a.value}</code>
              </td>
              <td data-testid="answer">
                <strong>{a.known ? t('hits.known') : t('hits.notKnown')}</strong>
              </td>
              <td>{a.holderCount}</td>
              <td>
                {a.contactableAgencies.length === 0
                  ? a.known && <span class="muted">{t('hits.nobodyToAsk')}</span>
                  : a.contactableAgencies.map((agency) => (
                      <span class="holder" key={agency.id}>
                        {agency.name ?? agency.id}{' '}
                        <button
                          type="button"
                          class="small"
                          aria-label={t('hits.requestFrom', { agency: agency.name ?? agency.id })}
                          onClick={() => onRequest(a, agency)}
                        >
                          {t('hits.request')}
                        </button>
                      </span>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function RequestAccess({ answer, agency, onCancel }: { answer: Answer; agency: { id: string; name: string | null }; onCancel: () => void }) {
  const [purpose, setPurpose] = useState('');
  const [state, setState] = useState<{ busy?: boolean; done?: AccessRequest; error?: CombinedError }>({});
  const name = agency.name ?? agency.id;
  if (state.done) {
    return (
      <div class="confirmation" role="status" data-testid="request-sent">
        <p>
          <strong>{t('hits.sent', { agency: state.done.targetAgency.name ?? name, value: state.done.identifier.value })}</strong>
        </p>
        <p>{t('hits.status', { status: t(`hits.statuses.${state.done.status}`) })}</p>
        <p class="muted">
          {t('hits.requestId')}: <code data-testid="request-id">{state.done.id}</code>
        </p>
      </div>
    );
  }
  return (
    <form
      class="request"
      data-testid="request-form"
      onSubmit={(e) => {
        e.preventDefault();
        setState({ busy: true });
        void client
          .mutation(REQUEST, {
            input: { toAgencyId: agency.id, identifier: { kind: answer.kind, value: answer.value }, purpose },
          })
          .toPromise()
          .then((r) => setState({ done: r.data?.requestAccess, error: r.error }));
      }}
    >
      <h2>{t('hits.requestTitle', { value: answer.value, agency: name })}</h2>
      <label for="request-purpose">{t('hits.purpose')}</label>
      <textarea
        id="request-purpose"
        required
        minLength={10}
        maxLength={2000}
        rows={3}
        aria-describedby="request-purpose-hint"
        value={purpose}
        onInput={(e) => setPurpose((e.target as HTMLTextAreaElement).value)}
      />
      <p class="muted hint" id="request-purpose-hint">
        {t('hits.purposeHint')}
      </p>
      <Problems error={state.error} />
      <button type="submit" disabled={state.busy}>
        {state.busy ? t('hits.sending') : t('hits.send')}
      </button>{' '}
      <button type="button" class="secondary" onClick={onCancel}>
        {t('hits.cancel')}
      </button>
    </form>
  );
}
