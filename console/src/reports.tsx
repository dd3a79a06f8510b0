import type { CombinedError } from '@urql/core';
import { parse as parseCsv } from 'csv-parse/browser/esm/sync';
import { useEffect, useState } from 'preact/hooks';
import { Loading, Problems } from './common';
import { client } from './graphql';
import { DEFAULT_HANDLING, type Handling, HandlingFields, handlingInput } from './handling';
import { t } from './i18n';
import { graphql, type ResultOf } from './gql';

/** A CSV record as the API reads it (services/typologies/report-file.ts): its line, and its cells by lower-cased column. */
interface Preview {
  content: string;
  columns: string[];
  records: Array<{ line: number; cells: Record<string, string> }>;
  reports: number;
}

/** One invalid field of a refused batch, as the API names it in `extensions.errors`. */
interface RowError {
  row: number;
  field: string;
  path: string;
  line: number | null;
  message: string;
}

const IMPORT = graphql(`
  mutation ImportTransactionReports($input: ImportTransactionReportsInput!) {
    importTransactionReports(input: $input) {
      replayed
      submission {
        id
        reportCount
        submittedAt
      }
      rows {
        reportId
        line
        reference
      }
      unmapped {
        path
        count
      }
    }
  }
`);
type Imported = ResultOf<typeof IMPORT>['importTransactionReports'];

/** Read with the options the API reads with, so lines and columns are the ones its errors name. */
function preview(content: string): Preview {
  const parsed = parseCsv(content, {
    bom: true,
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    skip_empty_lines: true,
    trim: true,
    info: true,
  }) as unknown as Array<{ record: Record<string, string>; info: { lines: number } }>;
  const columns = parsed.length ? Object.keys(parsed[0]!.record) : [];
  return {
    content,
    columns,
    records: parsed.map(({ record, info }) => ({ line: info.lines, cells: record })),
    reports: new Set(parsed.map(({ record }) => record.report_ref ?? '')).size,
  };
}

/** The idempotency key of a file and its handling: the same file sent again is the same batch, never a second one. */
async function batchKey(content: string, handling: Handling): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify([content, handling])));
  return `csv:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Transaction-report batches: a bank's CSV file read in the browser into a preview, sent as one
 * `importTransactionReports` batch (all or nothing, idempotent on a key derived from the file and its
 * handling). A refused batch marks each invalid field on its record and column, as the API names them.
 */
export function ReportsPage() {
  const [handling, setHandling] = useState<Handling>(DEFAULT_HANDLING);
  const [file, setFile] = useState<Preview>();
  const [problem, setProblem] = useState<string>();
  const [state, setState] = useState<{ busy?: boolean; done?: Imported; already?: boolean; error?: CombinedError; rowErrors?: RowError[] }>({});

  async function choose(f: File) {
    setState({});
    setFile(undefined);
    setProblem(undefined);
    try {
      setFile(preview(await f.text()));
    } catch (err) {
      setProblem(t('reports.unreadable', { message: (err as Error).message }));
    }
  }

  async function send(p: Preview) {
    setState({ busy: true });
    const input = { idempotencyKey: await batchKey(p.content, handling), format: 'CSV' as const, content: p.content, handling: handlingInput(handling) };
    const r = await client.mutation(IMPORT, { input }).toPromise();
    const done = r.data?.importTransactionReports;
    const rowErrors = r.error?.graphQLErrors.flatMap((e) => (Array.isArray(e.extensions?.errors) ? (e.extensions.errors as RowError[]) : []));
    setState({
      done,
      // An earlier request under the same key created the batch: the API answers with it, writing nothing.
      already: done?.replayed,
      error: r.error,
      rowErrors,
    });
  }

  // The first field the API refused, scrolled into view in the preview (which may be wider than the page).
  useEffect(() => {
    if (state.rowErrors?.length) document.querySelector('table.preview td.invalid')?.scrollIntoView({ block: 'nearest', inline: 'center' });
  }, [state.rowErrors]);

  const errorsAt = (line: number, column: string) => (state.rowErrors ?? []).filter((e) => e.line === line && e.path === column);

  return (
    <section data-testid="reports">
      <h1>{t('reports.title')}</h1>
      <p>{t('reports.intro')}</p>
      <HandlingFields value={handling} onChange={setHandling} />
      <label for="report-file">{t('reports.file')}</label>
      <input
        id="report-file"
        type="file"
        accept=".csv,text/csv"
        aria-describedby="report-file-hint"
        onChange={(e) => {
          const f = (e.target as HTMLInputElement).files?.[0];
          if (f) void choose(f);
        }}
      />
      <p class="muted hint" id="report-file-hint">
        {t('reports.columns')}
      </p>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      {file && (
        <>
          <h2>{t('reports.preview', { records: file.records.length, reports: file.reports })}</h2>
          <div class="table-scroll" tabIndex={0} role="region" aria-label={t('reports.preview', { records: file.records.length, reports: file.reports })}>
            <table class="preview" data-testid="preview">
              <thead>
                <tr>
                  <th scope="col">{t('reports.line')}</th>
                  {file.columns.map((c) => (
                    <th scope="col" key={c}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {file.records.map((r) => (
                  <tr key={r.line} data-line={r.line} class={(state.rowErrors ?? []).some((e) => e.line === r.line) ? 'invalid' : undefined}>
                    <th scope="row">{r.line}</th>
                    {file.columns.map((c) => {
                      const errors = errorsAt(r.line, c);
                      return (
                        <td key={c} data-column={c} class={errors.length ? 'invalid' : undefined}>
                          {r.cells[c]}
                          {errors.map((e, i) => (
                            <span class="field-error" key={i}>
                              {e.message}
                            </span>
                          ))}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <button type="button" disabled={state.busy} onClick={() => void send(file)}>
              {t('reports.send', { reports: file.reports })}
            </button>
          </p>
        </>
      )}
      {state.busy && <Loading />}
      {state.rowErrors && state.rowErrors.length > 0 && (
        <div class="problem" role="alert" data-testid="row-errors">
          <strong>{t('reports.refused')}</strong>
          <ul>
            {state.rowErrors.map((e, i) => (
              <li key={i}>{t('reports.errorAt', { line: e.line ?? '?', column: e.path, row: e.row + 1, field: e.field, message: e.message })}</li>
            ))}
          </ul>
        </div>
      )}
      <Problems error={state.error} />
      {state.done && <Result done={state.done} already={state.already ?? false} />}
    </section>
  );
}

function Result({ done, already }: { done: Imported; already: boolean }) {
  return (
    <div class="confirmation" role="status" data-testid="submission">
      <p>
        <strong>
          {already
            ? t('reports.already', { at: new Date(done.submission.submittedAt).toLocaleString() })
            : t('reports.created', { count: done.submission.reportCount })}
        </strong>
      </p>
      <p class="muted">
        {t('reports.submission')}: <code>{done.submission.id}</code>
      </p>
      <table class="answers">
        <thead>
          <tr>
            <th scope="col">{t('reports.line')}</th>
            <th scope="col">{t('reports.reference')}</th>
            <th scope="col">{t('reports.report')}</th>
          </tr>
        </thead>
        <tbody>
          {done.rows.map((r) => (
            <tr key={r.reportId}>
              <td>{r.line}</td>
              <td>{r.reference}</td>
              <td>
                <code>{r.reportId}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {done.unmapped.length > 0 && <p class="muted">{t('reports.unmapped', { columns: done.unmapped.map((u) => `${u.path} (${u.count})`).join(', ') })}</p>}
    </div>
  );
}
