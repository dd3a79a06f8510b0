import type { CombinedError } from '@urql/core';
import { useState } from 'preact/hooks';
import { issues, setPurpose, statedPurpose } from './graphql';
import { t } from './i18n';

/** TLP 2.0 banner in FIRST's colours (text on black): CLEAR, GREEN, AMBER, AMBER+STRICT, RED. */
export function TlpBanner({ marking }: { marking: string | null | undefined }) {
  if (!marking) return null;
  const level = marking === 'AMBER_STRICT' ? 'AMBER+STRICT' : marking;
  return (
    <p class={`tlp tlp-${marking.toLowerCase().replace('_', '-')}`} data-testid="tlp">
      <span>{t('tlp.label', { level })}</span>
    </p>
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
 * Errors other than withheld fields, in words, with the code behind them. A page that reads shows
 * "not found" and the purpose form itself; the answer to a change (`all`) shows every error.
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
