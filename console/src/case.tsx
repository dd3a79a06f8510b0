import { useState } from 'preact/hooks';
import { Link } from './app';
import { Grading, Loading, NotFound, Problems, PurposeForm, PurposeLine, TlpBanner, Value } from './common';
import { graphql, type ResultOf, type VariablesOf } from './gql';
import { client, issues, withheldPaths } from './graphql';
import { usePersonalQuery } from './personal-query';
import { t } from './i18n';
import { type Me, may } from './routes';

const CASE = graphql(`
  query Case($id: ID!) {
    case(id: $id) {
      id
      marking
      sourceEvaluation
      intelligenceAssessment
      handlingCode
      ownerAgency {
        id
        name
      }
      reference
      summary
      status
      exploitationTypes
      nrmStage
      periodStart
      periodEnd
      persons {
        id
        marking
        role
        pseudonym
        fullName
        nationality
        referralStages {
          id
          mechanism
          stage
          outcome
          occurredOn
        }
      }
      events {
        id
        marking
        type
        occurredOn
        description
        location {
          name
          countryCode
        }
      }
      entities {
        id
        kind
        value
        maskedValue
      }
      narratives {
        id
        marking
        language
        text
      }
    }
  }
`);

type CaseRecord = NonNullable<ResultOf<typeof CASE>['case']>;

/** A case: its persons, its events on a timeline, the entities observed in it, the narratives the caller may read. */
export function CasePage({ id, me }: { id: string; me: Me | undefined }) {
  const q = usePersonalQuery(CASE, { id }, (d) => d?.case);
  if (q.asking) return <PurposeForm onDone={q.stated} />;
  if (q.loading) return <Loading />;
  const c = q.data;
  if (!c) {
    return (
      <>
        <Problems error={q.error} />
        <NotFound />
      </>
    );
  }
  const withheld = withheldPaths(q.error);
  const events = [...c.events].sort((a, b) => (a.occurredOn ?? '').localeCompare(b.occurredOn ?? ''));
  return (
    <article class="record" data-testid="case">
      <TlpBanner marking={c.marking} />
      <PurposeLine onChange={q.ask} />
      <h1>
        {t('case.title')}: <Value value={c.reference} path="case.reference" withheld={withheld} />
      </h1>
      <Grading record={c} withheld={withheld} base="case" />
      <p>
        <Value value={c.summary} path="case.summary" withheld={withheld} />
      </p>
      <dl class="fields">
        {(['status', 'nrmStage', 'periodStart', 'periodEnd'] as const).map((f) => (
          <div key={f}>
            <dt>{t(`case.${f}`)}</dt>
            <dd>
              <Value value={c[f]} path={`case.${f}`} withheld={withheld} />
            </dd>
          </div>
        ))}
        <div>
          <dt>{t('case.exploitationTypes')}</dt>
          <dd>
            <Value value={c.exploitationTypes?.join(', ')} path="case.exploitationTypes" withheld={withheld} />
          </dd>
        </div>
        <div>
          <dt>{t('person.owner')}</dt>
          <dd>{c.ownerAgency?.name ?? t('common.none')}</dd>
        </div>
      </dl>
      <p>
        <Link href={`/network/${c.id}`} class="button">
          {t('person.network')}
        </Link>
      </p>
      <h2>{t('case.persons')}</h2>
      <ul class="results">
        {c.persons.map((p, i) => (
          <li key={p.id}>
            <TlpBanner marking={p.marking} />
            <Link href={`/person/${p.id}`}>
              {withheld.has(`case.persons.${i}.fullName`) ? `${p.pseudonym ?? ''} (${t('common.withheld')})` : (p.fullName ?? p.pseudonym ?? p.id)}
            </Link>{' '}
            <span class="muted">
              {p.role ?? ''} · {p.nationality ?? ''}
            </span>
          </li>
        ))}
      </ul>
      <ReferralPaths
        persons={c.persons}
        mayRecord={may(me, 'create', 'ReferralStage') && !!me?.agency && me.agency.id === c.ownerAgency?.id}
        onRecorded={q.refresh}
      />
      <h2>{t('case.timeline')}</h2>
      <ol class="timeline" data-testid="timeline">
        {events.map((e, i) => (
          <li key={e.id}>
            <TlpBanner marking={e.marking} />
            <strong>{e.occurredOn ?? t('common.none')}</strong> · {e.type} · {e.location?.name ?? ''}{' '}
            {e.location?.countryCode ? `(${e.location.countryCode})` : ''}
            <div>
              <Value value={e.description} path={`case.events.${c.events.indexOf(events[i]!)}.description`} withheld={withheld} />
            </div>
          </li>
        ))}
      </ol>
      <h2>{t('case.entities')}</h2>
      <ul class="results">
        {c.entities.map((e, i) => (
          <li key={e.id}>
            <Link href={`/network/${e.id}`}>{e.value ?? e.maskedValue}</Link> <span class="muted">{e.kind}</span>{' '}
            {withheld.has(`case.entities.${i}.value`) && <Value value={null} path={`case.entities.${i}.value`} withheld={withheld} />}
          </li>
        ))}
      </ul>
      <h2>{t('case.narratives')}</h2>
      {c.narratives.length === 0 ? (
        <p class="muted">{t('common.none')}</p>
      ) : (
        c.narratives.map((n, i) => (
          <blockquote key={n.id} lang={n.language?.toLowerCase()}>
            <TlpBanner marking={n.marking} />
            <Value value={n.text} path={`case.narratives.${i}.text`} withheld={withheld} />
          </blockquote>
        ))
      )}
      <Problems error={q.error} />
    </article>
  );
}

const RECORD = graphql(`
  mutation RecordReferralStage($input: RecordReferralStageInput!) {
    recordReferralStage(input: $input) {
      id
    }
  }
`);
type StageInput = VariablesOf<typeof RECORD>['input'];
type Mechanism = StageInput['mechanism'];
type StageName = StageInput['stage'];

/** Each mechanism's stages in their order: the labels of the form (the API alone decides what may be recorded). */
const MECHANISM_STAGES: Record<Mechanism, StageName[]> = {
  UK_NRM: ['REFERRAL', 'REASONABLE_GROUNDS', 'CONCLUSIVE_GROUNDS', 'SUPPORT_PROVIDED'],
  RO_MNIR: ['SIGNALLING', 'IDENTIFICATION', 'REFERRAL_TO_ASSISTANCE', 'ASSISTANCE'],
};
const DECISIONS: StageName[] = ['REASONABLE_GROUNDS', 'CONCLUSIVE_GROUNDS', 'IDENTIFICATION'];

type Victim = CaseRecord['persons'][number];

/** The victims' referral paths as dated stages, and for the case's owner a form to record the next stage. */
function ReferralPaths({ persons, mayRecord, onRecorded }: { persons: Victim[]; mayRecord: boolean; onRecorded: () => void }) {
  const victims = persons.filter((p) => p.role === 'VICTIM');
  if (victims.length === 0) return null;
  return (
    <section data-testid="referral-paths">
      <h2>{t('case.referral.title')}</h2>
      <ul class="results">
        {victims.map((p) => (
          <li key={p.id} data-testid={`referral-${p.pseudonym ?? p.id}`}>
            <strong>{p.pseudonym}</strong>
            {p.referralStages.length === 0 ? (
              <p class="muted">{t('case.referral.none')}</p>
            ) : (
              <ol class="timeline">
                {p.referralStages.map((s) => (
                  <li key={s.id}>
                    <strong>{s.occurredOn}</strong> · {t(`case.referral.${s.mechanism}`)} · {t(`case.referral.${s.stage}`)}
                    {s.outcome ? ` (${t(`case.referral.${s.outcome}`)})` : ''}
                  </li>
                ))}
              </ol>
            )}
          </li>
        ))}
      </ul>
      {/* Keyed by the paths, so the form starts again at each person's next stage once one is recorded. */}
      {mayRecord && <RecordStageForm key={victims.map((v) => v.referralStages.length).join(',')} victims={victims} onRecorded={onRecorded} />}
    </section>
  );
}

function nextStage(p: Victim | undefined, mechanism: Mechanism): StageName {
  const order = MECHANISM_STAGES[mechanism];
  const done = new Set((p?.referralStages ?? []).filter((s) => s.mechanism === mechanism).map((s) => s.stage));
  return order.find((s) => !done.has(s)) ?? order[order.length - 1]!;
}

function RecordStageForm({ victims, onRecorded }: { victims: Victim[]; onRecorded: () => void }) {
  const [personId, setPersonId] = useState(victims[0]!.id);
  const [mechanism, setMechanism] = useState<Mechanism>('UK_NRM');
  const person = victims.find((v) => v.id === personId);
  const [stage, setStage] = useState(nextStage(person, 'UK_NRM'));
  const [outcome, setOutcome] = useState<NonNullable<StageInput['outcome']>>('POSITIVE');
  const [occurredOn, setOccurredOn] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const pick = (p: string, m: Mechanism) => {
    setPersonId(p);
    setMechanism(m);
    setStage(
      nextStage(
        victims.find((v) => v.id === p),
        m,
      ),
    );
  };
  return (
    <form
      class="record-stage"
      data-testid="record-stage"
      onSubmit={(e) => {
        e.preventDefault();
        setProblem(undefined);
        const input = { personId, mechanism, stage, occurredOn, ...(DECISIONS.includes(stage) ? { outcome } : {}) };
        void client
          .mutation(RECORD, { input })
          .toPromise()
          .then((r) => {
            const shown = issues(r.error);
            if (r.error) setProblem(shown.map((i) => `${i.message} (${i.code})`).join('; ') || r.error.message);
            else onRecorded();
          });
      }}
    >
      <h3>{t('case.referral.record')}</h3>
      <label for="stage-person">{t('case.referral.person')}</label>
      <select id="stage-person" value={personId} onChange={(e) => pick((e.target as HTMLSelectElement).value, mechanism)}>
        {victims.map((v) => (
          <option key={v.id} value={v.id}>
            {v.pseudonym}
          </option>
        ))}
      </select>
      <label for="stage-mechanism">{t('case.referral.mechanism')}</label>
      <select id="stage-mechanism" value={mechanism} onChange={(e) => pick(personId, (e.target as HTMLSelectElement).value as Mechanism)}>
        {(Object.keys(MECHANISM_STAGES) as Mechanism[]).map((m) => (
          <option key={m} value={m}>
            {t(`case.referral.${m}`)}
          </option>
        ))}
      </select>
      <label for="stage-stage">{t('case.referral.stage')}</label>
      <select id="stage-stage" value={stage} onChange={(e) => setStage((e.target as HTMLSelectElement).value as StageName)}>
        {MECHANISM_STAGES[mechanism].map((s) => (
          <option key={s} value={s}>
            {t(`case.referral.${s}`)}
          </option>
        ))}
      </select>
      <label for="stage-outcome">{t('case.referral.outcome')}</label>
      <select
        id="stage-outcome"
        value={outcome}
        disabled={!DECISIONS.includes(stage)}
        onChange={(e) => setOutcome((e.target as HTMLSelectElement).value as typeof outcome)}
      >
        <option value="POSITIVE">{t('case.referral.POSITIVE')}</option>
        <option value="NEGATIVE">{t('case.referral.NEGATIVE')}</option>
      </select>
      <label for="stage-date">{t('case.referral.occurredOn')}</label>
      <input id="stage-date" type="date" required value={occurredOn} onInput={(e) => setOccurredOn((e.target as HTMLInputElement).value)} />
      <button type="submit">{t('case.referral.submit')}</button>
      {problem && (
        <p class="problem" role="alert" data-testid="record-stage-problem">
          {problem}
        </p>
      )}
    </form>
  );
}
