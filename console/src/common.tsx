import type { AnyVariables, CombinedError, DocumentInput } from '@urql/core';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { client, issues, setPurpose, statedPurpose } from './graphql';
import { t } from './i18n';

/** TLP 2.0 banner in FIRST's colours (text on black): CLEAR, GREEN, AMBER, AMBER+STRICT, RED. */
export function TlpBanner({ marking, inline }: { marking: string | null | undefined; inline?: boolean }) {
  if (!marking) return null;
  const level = marking === 'AMBER_STRICT' ? 'AMBER+STRICT' : marking;
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag class={`tlp tlp-${marking.toLowerCase().replace('_', '-')}${inline ? ' inline' : ''}`} data-testid="tlp">
      <span>{t('tlp.label', { level })}</span>
    </Tag>
  );
}

interface Graded {
  sourceEvaluation?: string | null;
  intelligenceAssessment?: string | null;
  handlingCode?: string | null;
}

/** The 3x5x2 grading: source evaluation (1–3), intelligence assessment (A–E), handling code (P/C). */
export function Grading({ record, withheld, base }: { record: Graded; withheld: Set<string>; base: string }) {
  const cell = (field: keyof Graded, key: (v: string) => string) => {
    const v = record[field];
    if (withheld.has(`${base}.${field}`)) return <Withheld />;
    return v ? t(`grading.${key(v)}`) : t('common.none');
  };
  return (
    <dl class="grading" data-testid="grading" aria-label={t('grading.label')}>
      <div>
        <dt>{t('grading.source')}</dt>
        <dd>{cell('sourceEvaluation', (v) => v)}</dd>
      </div>
      <div>
        <dt>{t('grading.intelligence')}</dt>
        <dd>{cell('intelligenceAssessment', (v) => v)}</dd>
      </div>
      <div>
        <dt>{t('grading.handling')}</dt>
        <dd>{cell('handlingCode', (v) => (v === 'C' ? 'C_handling' : v))}</dd>
      </div>
    </dl>
  );
}

export function Withheld() {
  return <span class="withheld">{t('common.withheld')}</span>;
}

/** A field's value; "withheld" when policy withheld it (FORBIDDEN_FIELD at its path), never an empty cell. */
export function Value({ value, path, withheld }: { value: unknown; path: string; withheld: Set<string> }) {
  if (withheld.has(path)) return <Withheld />;
  if (value === null || value === undefined || value === '') return <span class="muted">{t('common.none')}</span>;
  return <>{String(value)}</>;
}

export function NotFound() {
  return (
    <section data-testid="not-found">
      <h1>{t('common.notFound')}</h1>
      <p>{t('common.notFoundText')}</p>
    </section>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/**
 * Errors other than withheld fields, in words, with the code behind them. A page showing a record
 * shows NOT_FOUND as "not found" and asks for the purpose on PURPOSE_REQUIRED; `all` shows those too
 * (the answer to a decision the person just made).
 */
export function Problems({ error, all }: { error: CombinedError | undefined; all?: boolean }) {
  const shown = issues(error).filter((i) => all || (i.code !== 'FORBIDDEN_FIELD' && i.code !== 'NOT_FOUND' && i.code !== 'PURPOSE_REQUIRED'));
  if (!error || (error.graphQLErrors.length && !shown.length)) return null;
  return (
    <div class="problem" role="alert">
      <strong>{t('common.error')}</strong>
      <ul>
        {error.networkError && <li>{error.networkError.message}</li>}
        {shown.map((i, n) => (
          <li key={n}>
            {i.message} <code>{i.code}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Asks for the purpose of opening personal data, once a session (or again when the API asks for it). */
export function PurposeForm({ onDone }: { onDone: () => void }) {
  const [value, setValue] = useState(statedPurpose() ?? '');
  return (
    <form
      class="purpose"
      data-testid="purpose-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!value.trim()) return;
        setPurpose(value);
        onDone();
      }}
    >
      <h2>{t('purpose.title')}</h2>
      <p>{t('purpose.intro')}</p>
      <label for="purpose">{t('purpose.label')}</label>
      <input id="purpose" required value={value} placeholder={t('purpose.placeholder')} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
      <button type="submit">{t('purpose.submit')}</button>
    </form>
  );
}

export function PurposeLine({ onChange }: { onChange: () => void }) {
  const p = statedPurpose();
  if (!p) return null;
  return (
    <p class="purpose-line">
      {t('purpose.current', { purpose: p })}{' '}
      <button type="button" class="link" onClick={onChange}>
        {t('purpose.change')}
      </button>
    </p>
  );
}

/**
 * Asks before an action that cannot be taken back: a modal `<dialog>` (focus stays in it, Escape
 * cancels) naming what will happen.
 */
export function ConfirmDialog(props: { title: string; children: ComponentChildren; confirm: string; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="confirm-title">{props.title}</h2>
      <div>{props.children}</div>
      <p class="toolbar">
        <button type="button" class="danger" onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </p>
    </dialog>
  );
}

/**
 * Cursor paging over a connection: the cursors of the pages before this one are kept to go back;
 * a new `reset` (other filters) starts again at the first page.
 */
export function usePages(reset: string): { after: string | undefined; page: number; next: (cursor: string) => void; previous: () => void } {
  const [state, setState] = useState<{ reset: string; stack: Array<string | undefined> }>({ reset, stack: [undefined] });
  const stack = state.reset === reset ? state.stack : [undefined];
  return {
    after: stack[stack.length - 1],
    page: stack.length,
    next: (cursor) => setState({ reset, stack: [...stack, cursor] }),
    previous: () => setState({ reset, stack: stack.length > 1 ? stack.slice(0, -1) : stack }),
  };
}

export function Pager(props: {
  label: string;
  total: number;
  shown: number;
  pages: ReturnType<typeof usePages>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null } | undefined;
}) {
  const { pages, pageInfo } = props;
  return (
    <nav class="toolbar pager" aria-label={props.label}>
      <span class="muted" role="status">
        {t('common.pageOf', { page: pages.page, shown: props.shown, total: props.total })}
      </span>
      <button type="button" class="secondary small" disabled={pages.page === 1} onClick={pages.previous}>
        {t('common.previous')}
      </button>
      <button
        type="button"
        class="secondary small"
        disabled={!pageInfo?.hasNextPage || !pageInfo.endCursor}
        onClick={() => pageInfo?.endCursor && pages.next(pageInfo.endCursor)}
      >
        {t('common.next')}
      </button>
    </nav>
  );
}

/** A date (YYYY-MM-DD) `days` from today, UTC. */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export interface QueryState<T> {
  loading: boolean;
  data?: T;
  error?: CombinedError;
}

/**
 * A query run when its variables (compared by value) or `refresh` change; an answer that arrives
 * after a newer request was made is dropped. Refreshed, the last answer stays shown while the next
 * one loads; with other variables it goes at once.
 */
export function useQuery<T, V extends AnyVariables>(query: DocumentInput<T, V>, variables: V, refresh = 0): QueryState<T> {
  const key = JSON.stringify([documentId(query), variables]);
  const [state, setState] = useState<QueryState<T> & { key: string }>({ loading: true, key });
  useEffect(() => {
    let current = true;
    setState((s) => (s.key === key ? { ...s, loading: true } : { loading: true, key }));
    void client
      .query(query, variables)
      .toPromise()
      .then((r) => current && setState({ loading: false, data: r.data, error: r.error, key }));
    return () => {
      current = false;
    };
    // `query` and `variables` are compared by value (key).
  }, [key, refresh]);
  return state.key === key ? state : { loading: true };
}

const documentIds = new WeakMap<object, number>();
let documents = 0;
/** A number for each document (documents are module constants), to key a query by. */
export function documentId(query: DocumentInput<unknown, never>): number | string {
  if (typeof query === 'string') return query;
  if (!documentIds.has(query)) documentIds.set(query, ++documents);
  return documentIds.get(query)!;
}
