import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { navigate } from './app';
import { Loading, Problems } from './common';
import { client } from './graphql';
import { t } from './i18n';
import { type Me, may } from './routes';
import { graphql, type ResultOf, type VariablesOf } from './gql';

const CASES = graphql(`
  query CasesOwned($owner: ID!) {
    cases(first: 200, filter: { ownerAgencyId: $owner }) {
      nodes {
        id
        reference
        marking
      }
    }
  }
`);
const CONTRIBUTE = graphql(`
  mutation ContributeNarrative($input: ContributeNarrativeInput!) {
    contributeNarrative(input: $input) {
      id
    }
  }
`);

type Handling = VariablesOf<typeof CONTRIBUTE>['input']['handling'];
type ExploitationType = NonNullable<VariablesOf<typeof CONTRIBUTE>['input']['newCase']>['exploitationTypes'][number];

const MARKINGS: Handling['marking'][] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
const SOURCES: Handling['sourceEvaluation'][] = ['RELIABLE', 'UNTESTED', 'NOT_RELIABLE'];
const ASSESSMENTS: Handling['intelligenceAssessment'][] = ['A', 'B', 'C', 'D', 'E'];
const EXPLOITATION_TYPES: ExploitationType[] = ['SEXUAL', 'LABOUR', 'CRIMINAL', 'DOMESTIC_SERVITUDE', 'ORGAN_HARVESTING'];
/** The case choice that opens a new case with the narrative (`newCase`) rather than naming one (`caseId`). */
const NEW_CASE = 'new';

/** A fresh idempotency key: 128 random bits, as hex. */
function newKey(): string {
  return `console-${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A yes/no question put to the survivor, each answer saying what it lets others do; no answer is preset. */
function ConsentQuestion({ name, value, onChange }: { name: 'lawEnforcement' | 'hub'; value: string; onChange: (v: string) => void }) {
  return (
    <fieldset class="consent" data-testid={`consent-${name}`}>
      <legend>{t(`narratives.form.${name}.legend`)}</legend>
      {(['yes', 'no'] as const).map((v) => (
        <label key={v} class="choice">
          <input type="radio" name={name} value={v} required checked={value === v} onChange={() => onChange(v)} /> {t(`narratives.form.${name}.${v}`)}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The contribution of a narrative to a case the agency owns, or to a new case it opens with it (which
 * takes the narrative's handling), with the survivor's consent answers.
 * The idempotency key is made once per form: sending it again after an answer that did not arrive
 * returns the narrative the first attempt recorded, never a second one.
 */
export function NarrativeFormPage({ caseId: preselected, me }: { caseId?: string; me: Me | undefined }) {
  const [cases, setCases] = useState<{ list?: ResultOf<typeof CASES>['cases']['nodes']; error?: CombinedError }>({});
  const [key] = useState(newKey);
  const [caseId, setCaseId] = useState(preselected ?? '');
  const [exploitation, setExploitation] = useState<ExploitationType[]>([]);
  const [summary, setSummary] = useState('');
  const [language, setLanguage] = useState<'EN' | 'RO'>('EN');
  const [text, setText] = useState('');
  const [lawEnforcement, setLawEnforcement] = useState('');
  const [hub, setHub] = useState('');
  const [recordedBy, setRecordedBy] = useState('');
  const [recordedAt, setRecordedAt] = useState('');
  const [marking, setMarking] = useState<Handling['marking']>('GREEN');
  const [source, setSource] = useState<Handling['sourceEvaluation']>('UNTESTED');
  const [assessment, setAssessment] = useState<Handling['intelligenceAssessment']>('C');
  const [handlingCode, setHandlingCode] = useState<Handling['handlingCode']>('P');
  const [conditions, setConditions] = useState('');
  const [sending, setSending] = useState<{ busy?: boolean; error?: CombinedError; lost?: boolean }>({});

  useEffect(() => {
    if (!me) return; // the person signed in is still loading
    void (async () => {
      const owner = me.agency?.id;
      if (!owner) return setCases({ list: [] });
      const r = await client.query(CASES, { owner }).toPromise();
      const list = r.data?.cases.nodes ?? [];
      setCases({ list, error: r.error });
      setRecordedBy((v) => v || (me.displayName ?? ''));
      setCaseId((v) => v || list[0]?.id || NEW_CASE);
    })();
  }, [me?.agency?.id, !me]);

  if (!cases.list) return <Loading />;

  const submit = async () => {
    setSending({ busy: true });
    const handling = {
      marking,
      sourceEvaluation: source,
      intelligenceAssessment: assessment,
      handlingCode,
      ...(handlingCode === 'C' ? { handlingConditions: conditions } : {}),
    };
    const input = {
      ...(caseId === NEW_CASE ? { newCase: { handling, exploitationTypes: exploitation, ...(summary.trim() ? { summary } : {}) } } : { caseId }),
      language,
      text,
      consent: {
        lawEnforcement: lawEnforcement === 'yes',
        hub: hub === 'yes',
        recordedBy: recordedBy.trim(),
        ...(recordedAt ? { recordedAt: new Date(recordedAt).toISOString() } : {}),
      },
      handling,
      idempotencyKey: key,
    };
    const r = await client.mutation(CONTRIBUTE, { input }).toPromise();
    if (r.data?.contributeNarrative) return navigate(`/narratives/${r.data.contributeNarrative.id}`);
    setSending({ error: r.error, lost: !!r.error?.networkError });
  };

  return (
    <section data-testid="narrative-form">
      <h1>{t('narratives.form.title')}</h1>
      <p>{t('narratives.form.intro')}</p>
      <Problems error={cases.error} />
      {!may(me, 'create', 'Narrative') ? (
        <p role="status">{t('narratives.form.viewer')}</p>
      ) : (
        <form
          class="narrative-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!sending.busy) void submit();
          }}
        >
          <label for="case">{t('narratives.form.case')}</label>
          <select id="case" required aria-describedby="case-hint" value={caseId} onChange={(e) => setCaseId((e.target as HTMLSelectElement).value)}>
            {cases.list.map((c) => (
              <option key={c.id} value={c.id}>
                {c.reference ?? c.id}
                {c.marking ? ` (TLP:${c.marking === 'AMBER_STRICT' ? 'AMBER+STRICT' : c.marking})` : ''}
              </option>
            ))}
            <option value={NEW_CASE}>{t('narratives.form.newCase')}</option>
          </select>
          <p id="case-hint" class="muted hint">
            {t(cases.list.length ? 'narratives.form.caseHint' : 'narratives.form.noCases')}
          </p>
          {caseId === NEW_CASE && (
            <fieldset data-testid="new-case">
              <legend>{t('narratives.form.newCaseTitle')}</legend>
              <p class="muted hint">{t('narratives.form.newCaseHint')}</p>
              <fieldset>
                <legend>{t('narratives.form.exploitation')}</legend>
                {EXPLOITATION_TYPES.map((x) => (
                  <label key={x} class="choice">
                    <input
                      type="checkbox"
                      value={x}
                      // Each box is required until one is ticked: the browser asks for at least one.
                      required={exploitation.length === 0}
                      checked={exploitation.includes(x)}
                      onChange={(e) => setExploitation((xs) => ((e.target as HTMLInputElement).checked ? [...xs, x] : xs.filter((y) => y !== x)))}
                    />{' '}
                    {t(`exploitationTypes.${x}`)}
                  </label>
                ))}
              </fieldset>
              <label for="summary">{t('narratives.form.summary')}</label>
              <textarea id="summary" rows={3} maxLength={20000} value={summary} onInput={(e) => setSummary((e.target as HTMLTextAreaElement).value)} />
            </fieldset>
          )}

          <fieldset>
            <legend>{t('narratives.form.language')}</legend>
            {(['EN', 'RO'] as const).map((l) => (
              <label key={l} class="choice inline">
                <input type="radio" name="language" value={l} checked={language === l} onChange={() => setLanguage(l)} /> {t(`narratives.languages.${l}`)}
              </label>
            ))}
          </fieldset>

          <label for="text">{t('narratives.form.text')}</label>
          <textarea
            id="text"
            required
            rows={10}
            maxLength={50000}
            lang={language.toLowerCase()}
            aria-describedby="text-hint"
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          />
          <p id="text-hint" class="muted hint">
            {t('narratives.form.textHint')}
          </p>

          <h2>{t('narratives.form.consentTitle')}</h2>
          <p>{t('narratives.form.consentIntro')}</p>
          <ConsentQuestion name="lawEnforcement" value={lawEnforcement} onChange={setLawEnforcement} />
          <ConsentQuestion name="hub" value={hub} onChange={setHub} />
          <p class="note" data-testid="consent-always">
            {t('narratives.form.always')}
          </p>
          <label for="recordedBy">{t('narratives.form.recordedBy')}</label>
          <input id="recordedBy" required maxLength={200} value={recordedBy} onInput={(e) => setRecordedBy((e.target as HTMLInputElement).value)} />
          <label for="recordedAt">{t('narratives.form.recordedAt')}</label>
          <input id="recordedAt" type="datetime-local" value={recordedAt} onInput={(e) => setRecordedAt((e.target as HTMLInputElement).value)} />

          <h2>{t('narratives.form.handlingTitle')}</h2>
          <label for="marking">{t('narratives.form.marking')}</label>
          <select
            id="marking"
            aria-describedby="marking-hint"
            value={marking}
            onChange={(e) => setMarking((e.target as HTMLSelectElement).value as typeof marking)}
          >
            {MARKINGS.map((m) => (
              <option key={m} value={m}>
                {t(`narratives.markings.${m}`)}
              </option>
            ))}
          </select>
          <p id="marking-hint" class="muted hint">
            {t('narratives.form.markingHint')}
          </p>
          <label for="source">{t('narratives.form.source')}</label>
          <select id="source" value={source} onChange={(e) => setSource((e.target as HTMLSelectElement).value as typeof source)}>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(`grading.${s}`)}
              </option>
            ))}
          </select>
          <label for="assessment">{t('narratives.form.intelligence')}</label>
          <select id="assessment" value={assessment} onChange={(e) => setAssessment((e.target as HTMLSelectElement).value as typeof assessment)}>
            {ASSESSMENTS.map((a) => (
              <option key={a} value={a}>
                {t(`grading.${a}`)}
              </option>
            ))}
          </select>
          <label for="handlingCode">{t('narratives.form.handlingCode')}</label>
          <select id="handlingCode" value={handlingCode} onChange={(e) => setHandlingCode((e.target as HTMLSelectElement).value as typeof handlingCode)}>
            <option value="P">{t('grading.P')}</option>
            <option value="C">{t('grading.C_handling')}</option>
          </select>
          {handlingCode === 'C' && (
            <>
              <label for="conditions">{t('narratives.form.conditions')}</label>
              <input id="conditions" required value={conditions} onInput={(e) => setConditions((e.target as HTMLInputElement).value)} />
            </>
          )}

          {sending.lost && (
            <p class="warning" role="status">
              {t('narratives.form.again')}
            </p>
          )}
          <Problems error={sending.error} all />
          <p>
            <button type="submit" disabled={sending.busy}>
              {sending.busy ? t('narratives.form.sending') : t('narratives.form.submit')}
            </button>
          </p>
        </form>
      )}
    </section>
  );
}
