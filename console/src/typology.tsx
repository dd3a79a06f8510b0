import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { Loading, Problems } from './common';
import { client } from './graphql';
import { DEFAULT_HANDLING, type Handling, HandlingFields, handlingInput } from './handling';
import { t } from './i18n';
import { graphql, type ResultOf } from './gql';

type Rules = typeof import('./hub-rules');

const SUBMIT = graphql(`
  mutation SubmitTypology($input: SubmitTypologyInput!) {
    submitTypology(input: $input) {
      id
      title
    }
  }
`);
const COUNTRY = graphql(`
  query MyCountry {
    me {
      agency {
        country
      }
    }
  }
`);

interface Form {
  title: string;
  pattern: string;
  indicators: string[];
  channels: string;
  amountBands: string;
  geography: string;
  periodStart: string;
  periodEnd: string;
}
const EMPTY: Form = { title: '', pattern: '', indicators: [], channels: '', amountBands: '', geography: '', periodStart: '', periodEnd: '' };

const list = (s: string) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** The free-text fields a typology may not name an identifier in, by the API's field name. */
const FREE_TEXT = ['title', 'pattern', 'channels', 'amountBands', 'handlingConditions'] as const;

/**
 * The typology editor: `submitTypology`, warning as the officer types when a free-text field holds
 * an identifier, found by the very function the API refuses it with (services/narratives,
 * `firstIdentifier`), read with the agency's country as the API reads it. The API still decides: its
 * refusal is shown in words, with the field it names marked.
 */
export function TypologyPage() {
  const [rules, setRules] = useState<Rules>();
  const [country, setCountry] = useState<string>();
  const [form, setForm] = useState<Form>(EMPTY);
  const [handling, setHandling] = useState<Handling>(DEFAULT_HANDLING);
  const [key, setKey] = useState(() => `typology:${crypto.randomUUID()}`);
  const [state, setState] = useState<{ busy?: boolean; done?: ResultOf<typeof SUBMIT>['submitTypology']; error?: CombinedError }>({});

  useEffect(() => {
    void import('./hub-rules').then(setRules);
    void client
      .query(COUNTRY, {})
      .toPromise()
      .then((r) => setCountry(r.data?.me.agency?.country ?? undefined));
  }, []);

  if (!rules) return <Loading />;

  const texts: Record<(typeof FREE_TEXT)[number], string> = {
    ...form,
    handlingConditions: handling.handlingCode === 'C' ? (handling.handlingConditions ?? '') : '',
  };
  const found = Object.fromEntries(FREE_TEXT.map((f) => [f, texts[f] ? rules.firstIdentifier(texts[f], { country }) : undefined]));
  const refused = String(state.error?.graphQLErrors[0]?.extensions?.field ?? '');
  const set = (field: keyof Form) => (e: Event) => setForm({ ...form, [field]: (e.target as HTMLInputElement).value });

  const warning = (field: (typeof FREE_TEXT)[number]) => {
    const hit = found[field];
    return (
      <p class={hit ? 'warning' : undefined} id={`${field}-warning`} aria-live="polite" data-testid={`${field}-warning`}>
        {hit && t('typology.found', { kind: t(`typology.kinds.${hit.kind}`), start: hit.start, end: hit.end })}
      </p>
    );
  };
  const described = (field: (typeof FREE_TEXT)[number], hint?: string) =>
    [hint, found[field] ? `${field}-warning` : undefined].filter(Boolean).join(' ') || undefined;
  const invalid = (field: string) => (refused === `input.${field}` || refused.startsWith(`input.${field}[`) ? 'true' : undefined);

  if (state.done) {
    return (
      <section data-testid="typology">
        <h1>{t('typology.title')}</h1>
        <div class="confirmation" role="status" data-testid="typology-submitted">
          <p>
            <strong>{t('typology.submitted', { title: state.done.title ?? '' })}</strong> <code>{state.done.id}</code>
          </p>
          <button
            type="button"
            onClick={() => {
              setForm(EMPTY);
              setKey(`typology:${crypto.randomUUID()}`);
              setState({});
            }}
          >
            {t('typology.another')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section data-testid="typology">
      <h1>{t('typology.title')}</h1>
      <p>{t('typology.intro')}</p>
      <form
        class="typology"
        onSubmit={(e) => {
          e.preventDefault();
          setState({ busy: true });
          const input = {
            title: form.title,
            pattern: form.pattern,
            indicators: form.indicators,
            channels: list(form.channels),
            amountBands: list(form.amountBands),
            geography: list(form.geography).map((c) => c.toUpperCase()),
            ...(form.periodStart ? { periodStart: form.periodStart } : {}),
            ...(form.periodEnd ? { periodEnd: form.periodEnd } : {}),
            handling: handlingInput(handling),
            idempotencyKey: key,
          };
          void client
            .mutation(SUBMIT, { input })
            .toPromise()
            .then((r) => setState({ done: r.data?.submitTypology, error: r.error }));
        }}
      >
        <label for="typology-title">{t('typology.titleLabel')}</label>
        <input
          id="typology-title"
          required
          maxLength={200}
          value={form.title}
          aria-invalid={invalid('title')}
          aria-describedby={described('title')}
          onInput={set('title')}
        />
        {warning('title')}
        <label for="typology-pattern">{t('typology.pattern')}</label>
        <textarea
          id="typology-pattern"
          required
          rows={6}
          maxLength={10000}
          value={form.pattern}
          aria-invalid={invalid('pattern')}
          aria-describedby={described('pattern', 'pattern-hint')}
          onInput={set('pattern')}
        />
        <p class="muted hint" id="pattern-hint">
          {t('typology.patternHint')}
        </p>
        {warning('pattern')}
        <fieldset class="indicators">
          <legend>{t('typology.indicators')}</legend>
          {Object.entries(rules.FINANCIAL_INDICATORS).map(([code, description]) => (
            <label key={code} class="check">
              <input
                type="checkbox"
                checked={form.indicators.includes(code)}
                onChange={(e) =>
                  setForm({
                    ...form,
                    indicators: (e.target as HTMLInputElement).checked ? [...form.indicators, code] : form.indicators.filter((i) => i !== code),
                  })
                }
              />{' '}
              <code>{code}</code> <span class="muted">{description}</span>
            </label>
          ))}
        </fieldset>
        <label for="typology-channels">{t('typology.channels')}</label>
        <input
          id="typology-channels"
          value={form.channels}
          aria-invalid={invalid('channels')}
          aria-describedby={described('channels', 'list-hint')}
          onInput={set('channels')}
        />
        {warning('channels')}
        <label for="typology-amountBands">{t('typology.amountBands')}</label>
        <input
          id="typology-amountBands"
          value={form.amountBands}
          aria-invalid={invalid('amountBands')}
          aria-describedby={described('amountBands', 'list-hint')}
          onInput={set('amountBands')}
        />
        {warning('amountBands')}
        <p class="muted hint" id="list-hint">
          {t('typology.listHint')}
        </p>
        <label for="typology-geography">{t('typology.geography')}</label>
        <input
          id="typology-geography"
          value={form.geography}
          aria-invalid={invalid('geography')}
          aria-describedby="geography-hint"
          onInput={set('geography')}
        />
        <p class="muted hint" id="geography-hint">
          {t('typology.geographyHint')}
        </p>
        <div class="row">
          <span>
            <label for="typology-periodStart">{t('typology.periodStart')}</label>
            <input id="typology-periodStart" type="date" value={form.periodStart} aria-invalid={invalid('periodStart')} onInput={set('periodStart')} />
          </span>
          <span>
            <label for="typology-periodEnd">{t('typology.periodEnd')}</label>
            <input id="typology-periodEnd" type="date" value={form.periodEnd} aria-invalid={invalid('periodEnd')} onInput={set('periodEnd')} />
          </span>
        </div>
        <HandlingFields value={handling} onChange={setHandling} invalid={refused} />
        {warning('handlingConditions')}
        <Problems error={state.error} />
        <button type="submit" disabled={state.busy}>
          {state.busy ? t('typology.submitting') : t('typology.submit')}
        </button>
      </form>
    </section>
  );
}
