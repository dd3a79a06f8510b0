import type { CombinedError } from '@urql/core';
import { useState } from 'preact/hooks';
import { Loading, Problems } from './common';
import { client } from './graphql';
import { type Answer, Answers, CountryField, CsvFileChoice, HIT_NO_HIT, type Identifier, readIdentifierCsv, RequestAccess } from './hit-no-hit';
import { t } from './i18n';
import type { HubCall, HubUnreachable, PrivateAnswer } from './private-screening-client';

/** The hub's private screening key as this browser pinned it. */
interface Pin {
  keyId: string;
  publicKey: string;
}

/**
 * Where this browser keeps the key it pinned for this hub (trust on first use): per hub, named by its
 * API's address. A public key, no secret; kept across sign-ins, for every officer of the browser.
 */
const PIN_STORE = `tessera.private-screening.pinned-key ${new URL('/graphql', location.href).href}`;

function readPin(): Pin | undefined {
  try {
    const pin = JSON.parse(localStorage.getItem(PIN_STORE) ?? 'null') as Partial<Pin> | null;
    return typeof pin?.keyId === 'string' && typeof pin.publicKey === 'string' ? { keyId: pin.keyId, publicKey: pin.publicKey } : undefined;
  } catch {
    return undefined;
  }
}

function writePin(pin: Pin): void {
  localStorage.setItem(PIN_STORE, JSON.stringify(pin));
}

/**
 * The client's operations as the console's urql client sends them (bearer token, purpose header):
 * `data`, or throws with the API's errors; a request that got no answer (a network error, or the hub's
 * SERVICE_UNAVAILABLE) throws `Unreachable` (the client's HubUnreachable, from its lazily loaded
 * module), which the client sends again under the same idempotency key. The operations are the client's own
 * (PRIVATE_SCREENING_OPERATIONS, checked against the API by scripts/console-operations.test.ts).
 */
function hubCall(Unreachable: typeof HubUnreachable): HubCall {
  return async <T,>(query: string, variables?: Record<string, unknown>) => {
    const r = await (/^\s*mutation\b/.test(query) ? client.mutation(query, variables ?? {}) : client.query(query, variables ?? {})).toPromise();
    if (r.error?.networkError || r.error?.graphQLErrors.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) throw new Unreachable(r.error.message);
    if (r.error || !r.data) throw new Error(r.error?.graphQLErrors.map((e) => e.message).join('; ') || r.error?.message || 'no answer');
    return r.data as T;
  };
}

interface State {
  busy?: boolean;
  progress?: { done: number; of: number };
  answers?: PrivateAnswer[];
  summary?: { known: number; count: number; keyId: string; size: number };
  problem?: string;
  clear?: Answer[];
  error?: CombinedError;
  /** The hub presented another key than the pinned one: nothing was screened until the officer accepts it. */
  changed?: { pinnedKeyId: string; keyId: string; publicKey: string; ids: Identifier[] };
  /** This run pinned the hub's key (the browser had none). */
  pinnedNow?: boolean;
}

/**
 * Private screening for a bank's officer (docs/screening.md "Private mode"): the identifiers typed or
 * from a CSV file are normalised, blinded, finalized and matched here, in the browser, by the bank's
 * client (services/entities/private-screening.client.ts, loaded on demand): the hub sees blinded
 * elements only. The known ones can then be asked in clear (the hit/no-hit page's query), to learn
 * whom to ask and request access.
 */
export function PrivateScreeningPage() {
  const [text, setText] = useState('');
  const [country, setCountry] = useState('');
  const [state, setState] = useState<State>({});
  const [asking, setAsking] = useState<{ answer: Answer; agency: { id: string; name: string | null } }>();
  const [pinned, setPinned] = useState<Pin | undefined>(readPin);

  async function screen(ids: Identifier[], empty = t('privateScreening.none')) {
    setAsking(undefined);
    if (ids.length === 0) return setState({ problem: empty });
    setState({ busy: true });
    let screening: typeof import('./private-screening-client');
    try {
      screening = await import('./private-screening-client');
    } catch (err) {
      return setState({ problem: t('privateScreening.failed', { message: (err as Error).message }) });
    }
    const { privateScreen, HubUnreachable, KeyChanged } = screening;
    // The pin as stored now (another tab of this browser may have pinned since the page opened).
    const pin = readPin();
    try {
      const run = await privateScreen(hubCall(HubUnreachable), ids, {
        country: country.trim().toUpperCase() || null,
        publicKey: pin?.publicKey,
        onProgress: (done, of) => setState({ busy: true, progress: { done, of } }),
      });
      if (!pin) writePin({ keyId: run.keyId, publicKey: run.publicKey });
      setPinned(readPin());
      const known = run.answers.filter((a) => a.known).length;
      setState({ answers: run.answers, summary: { known, count: run.answers.length, keyId: run.keyId, size: run.filterSize }, pinnedNow: !pin });
    } catch (err) {
      setPinned(pin);
      if (err instanceof KeyChanged) setState({ changed: { pinnedKeyId: err.pinnedKeyId, keyId: err.keyId, publicKey: err.publicKey, ids } });
      else setState({ problem: t('privateScreening.failed', { message: (err as Error).message }) });
    }
  }

  /** The officer accepts the key the hub now presents (an announced rotation): pinned in place of the old one, and the same identifiers screened under it. */
  function acceptKey(changed: NonNullable<State['changed']>) {
    writePin({ keyId: changed.keyId, publicKey: changed.publicKey });
    setPinned(readPin());
    void screen(changed.ids);
  }

  function read(content: string, empty?: string) {
    let ids: Identifier[];
    try {
      ids = readIdentifierCsv(content);
    } catch (err) {
      return setState({ problem: t('privateScreening.unreadable', { message: (err as Error).message }) });
    }
    return screen(ids, empty);
  }

  async function askInClear(hits: PrivateAnswer[]) {
    setState({ ...state, busy: true, clear: undefined, error: undefined });
    const r = await client.query(HIT_NO_HIT, { ids: hits.map((h) => ({ kind: h.kind as Identifier['kind'], value: h.value })) }).toPromise();
    setState({ ...state, busy: false, clear: r.data?.hitNoHit, error: r.error });
  }

  const hits = state.answers?.filter((a) => a.known) ?? [];
  return (
    <section data-testid="private-screening">
      <h1>{t('privateScreening.title')}</h1>
      <p>{t('privateScreening.intro')}</p>
      <p class="notice" data-testid="in-browser">
        <strong>{t('privateScreening.inBrowser')}</strong>
      </p>
      <p data-testid="pinned-key">{pinned ? t('privateScreening.pinned', { keyId: pinned.keyId }) : t('privateScreening.notPinned')}</p>
      <form
        class="identifiers"
        onSubmit={(e) => {
          e.preventDefault();
          void read(text);
        }}
      >
        <label for="private-identifiers">{t('privateScreening.identifiers')}</label>
        <textarea
          id="private-identifiers"
          rows={6}
          aria-describedby="private-identifiers-hint"
          value={text}
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        />
        <p class="muted hint" id="private-identifiers-hint">
          {t('privateScreening.identifiersHint')}
        </p>
        <CountryField
          id="private-country"
          label={t('privateScreening.country')}
          hint={t('privateScreening.countryHint')}
          value={country}
          onInput={setCountry}
        />
        <button type="submit" disabled={state.busy}>
          {t('privateScreening.screen')}
        </button>
      </form>
      <CsvFileChoice
        id="private-file"
        label={t('privateScreening.file')}
        hint={t('privateScreening.fileHint')}
        disabled={!!state.busy}
        onFile={(file) => file.text().then((content) => read(content, t('privateScreening.fileEmpty')))}
      />
      {state.busy && state.progress && (
        <p role="status">
          <label for="private-progress">{t('privateScreening.progress', state.progress)}</label>
          <progress id="private-progress" max={state.progress.of} value={state.progress.done} />
        </p>
      )}
      {state.busy && !state.progress && <Loading />}
      {state.changed && (
        <div class="problem" role="alert" data-testid="key-changed">
          <h2>{t('privateScreening.keyChangedTitle')}</h2>
          <p>{t('privateScreening.keyChanged', { pinned: state.changed.pinnedKeyId, presented: state.changed.keyId })}</p>
          <p>{t('privateScreening.keyChangedWhat')}</p>
          <button type="button" onClick={() => acceptKey(state.changed!)}>
            {t('privateScreening.acceptKey', { keyId: state.changed.keyId })}
          </button>
        </div>
      )}
      {state.problem && (
        <p class="problem" role="alert">
          {state.problem}
        </p>
      )}
      {state.answers && state.summary && (
        <>
          <h2>{t('privateScreening.results')}</h2>
          <p data-testid="private-summary">{t('privateScreening.summary', state.summary)}</p>
          {state.pinnedNow && (
            <p class="notice" role="status" data-testid="pinned-now">
              {t('privateScreening.pinnedNow', { keyId: state.summary.keyId })}
            </p>
          )}
          <table class="answers" data-testid="private-results">
            <thead>
              <tr>
                <th scope="col">{t('privateScreening.kind')}</th>
                <th scope="col">{t('privateScreening.value')}</th>
                <th scope="col">{t('privateScreening.answer')}</th>
              </tr>
            </thead>
            <tbody>
              {state.answers.map((a, i) => (
                <tr key={`${i}:${a.kind}:${a.value}`} data-value={a.value} class={a.known ? 'known' : undefined}>
                  <td>{t(`entityKinds.${a.kind}`)}</td>
                  <td>
                    <code>{a.value}</code>
                  </td>
                  <td data-testid="answer">
                    <strong>{a.known ? t('privateScreening.known') : t('privateScreening.notKnown')}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {hits.length > 0 && (
            <>
              <h2>{t('privateScreening.askTitle')}</h2>
              <p>{t('privateScreening.askIntro')}</p>
              <button type="button" disabled={state.busy} onClick={() => void askInClear(hits)}>
                {t('privateScreening.ask', { count: hits.length })}
              </button>
            </>
          )}
        </>
      )}
      <Problems error={state.error} />
      {state.clear && <Answers answers={state.clear} onRequest={(answer, agency) => setAsking({ answer, agency })} />}
      {asking && <RequestAccess key={`${asking.answer.kind}:${asking.answer.value}:${asking.agency.id}`} {...asking} onCancel={() => setAsking(undefined)} />}
    </section>
  );
}
