import { Link } from './app';
import { Grading, Loading, NotFound, Problems, PurposeForm, PurposeLine, TlpBanner, Value } from './common';
import { withheldPaths } from './graphql';
import { usePersonalQuery } from './personal-query';
import { t } from './i18n';

const CASE = `query Case($id: ID!) {
  case(id: $id) {
    id marking sourceEvaluation intelligenceAssessment handlingCode
    ownerAgency { name }
    reference summary status exploitationTypes nrmStage periodStart periodEnd
    persons { id marking role pseudonym fullName nationality }
    events { id marking type occurredOn description location { name countryCode } }
    entities { id kind value maskedValue }
    narratives { id marking language text }
  }
}`;

interface CaseRecord {
  id: string;
  marking: string | null;
  sourceEvaluation: string | null;
  intelligenceAssessment: string | null;
  handlingCode: string | null;
  ownerAgency: { name: string | null } | null;
  reference: string | null;
  summary: string | null;
  status: string | null;
  exploitationTypes: string[] | null;
  nrmStage: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  persons: Array<{ id: string; marking: string | null; role: string | null; pseudonym: string | null; fullName: string | null; nationality: string | null }>;
  events: Array<{
    id: string;
    marking: string | null;
    type: string | null;
    occurredOn: string | null;
    description: string | null;
    location: { name: string | null; countryCode: string | null } | null;
  }>;
  entities: Array<{ id: string; kind: string | null; value: string | null; maskedValue: string | null }>;
  narratives: Array<{ id: string; marking: string | null; language: string | null; text: string | null }>;
}

/** A case: its persons, its events on a timeline, the entities observed in it, the narratives the caller may read. */
export function CasePage({ id }: { id: string }) {
  const q = usePersonalQuery<CaseRecord>(CASE, { id }, (d) => d?.case as CaseRecord | null);
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
