import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { Link } from './app';
import { Grading, Loading, NotFound, Problems, PurposeForm, PurposeLine, TlpBanner, Value } from './common';
import { client, needsPurpose, setPurpose, statedPurpose, withheldPaths } from './graphql';
import { t } from './i18n';

const PERSON = `query Person($id: ID!) {
  person(id: $id) {
    id marking sourceEvaluation intelligenceAssessment handlingCode handlingConditions
    ownerAgency { name }
    caseId role pseudonym ageBand gender nationality fullName dateOfBirth contact documents
  }
}`;

type Person = Record<string, unknown> & { id: string; marking: string | null; ownerAgency: { name: string | null } | null; caseId: string | null };

const FIELDS = ['fullName', 'pseudonym', 'role', 'gender', 'nationality', 'ageBand', 'dateOfBirth', 'contact', 'documents'] as const;

/** A person's record: personal data, so the purpose is stated first (once a session). */
export function PersonPage({ id }: { id: string }) {
  const [asking, setAsking] = useState(!statedPurpose());
  const [state, setState] = useState<{ person?: Person | null; error?: CombinedError; loading: boolean }>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (asking) return;
    setState({ loading: true });
    void client
      .query<{ person: Person | null }>(PERSON, { id })
      .toPromise()
      .then((r) => {
        if (needsPurpose(r.error)) {
          setPurpose(undefined);
          setAsking(true);
          return;
        }
        setState({ person: r.data?.person ?? null, error: r.error, loading: false });
      });
  }, [id, asking, attempt]);

  if (asking) return <PurposeForm onDone={() => (setAsking(false), setAttempt((a) => a + 1))} />;
  if (state.loading) return <Loading />;
  const p = state.person;
  if (!p) {
    return (
      <>
        <Problems error={state.error} />
        <NotFound />
      </>
    );
  }
  const withheld = withheldPaths(state.error);
  return (
    <article class="record" data-testid="person">
      <TlpBanner marking={p.marking} />
      <PurposeLine onChange={() => setAsking(true)} />
      <h1>
        {t('person.title')}: <Value value={p.fullName ?? (withheld.has('person.fullName') ? null : p.pseudonym)} path="person.fullName" withheld={withheld} />
      </h1>
      <Grading record={p as Record<string, string | null>} withheld={withheld} base="person" />
      <dl class="fields">
        {FIELDS.map((f) => (
          <div key={f} data-field={f}>
            <dt>{t(`person.${f}`)}</dt>
            <dd>
              <Value value={p[f]} path={`person.${f}`} withheld={withheld} />
            </dd>
          </div>
        ))}
        <div>
          <dt>{t('person.case')}</dt>
          <dd>{p.caseId ? <Link href={`/case/${p.caseId}`}>{t('person.openCase')}</Link> : t('common.none')}</dd>
        </div>
        <div>
          <dt>{t('person.owner')}</dt>
          <dd>{p.ownerAgency?.name ?? t('common.none')}</dd>
        </div>
      </dl>
      <Problems error={state.error} />
      <p>
        <Link href={`/network/${p.id}`} class="button">
          {t('person.network')}
        </Link>
      </p>
    </article>
  );
}
