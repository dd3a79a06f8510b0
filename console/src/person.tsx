import { Link } from './app';
import { Grading, Loading, NotFound, Problems, PurposeForm, PurposeLine, TlpBanner, Value } from './common';
import { graphql } from './gql';
import { withheldPaths } from './graphql';
import { usePersonalQuery } from './personal-query';
import { t } from './i18n';

const PERSON = graphql(`
  query Person($id: ID!) {
    person(id: $id) {
      id
      marking
      sourceEvaluation
      intelligenceAssessment
      handlingCode
      handlingConditions
      ownerAgency {
        name
      }
      caseId
      role
      pseudonym
      ageBand
      gender
      nationality
      fullName
      dateOfBirth
      contact
      documents
    }
  }
`);

const FIELDS = ['fullName', 'pseudonym', 'role', 'gender', 'nationality', 'ageBand', 'dateOfBirth', 'contact', 'documents'] as const;

/** A person's record: personal data, so the purpose is stated first (once a session). */
export function PersonPage({ id }: { id: string }) {
  const q = usePersonalQuery(PERSON, { id }, (d) => d?.person);
  if (q.asking) return <PurposeForm onDone={q.stated} />;
  if (q.loading) return <Loading />;
  const p = q.data;
  if (!p) {
    return (
      <>
        <Problems error={q.error} />
        <NotFound />
      </>
    );
  }
  const withheld = withheldPaths(q.error);
  return (
    <article class="record" data-testid="person">
      <TlpBanner marking={p.marking} />
      <PurposeLine onChange={q.ask} />
      <h1>
        {t('person.title')}: <Value value={p.fullName ?? (withheld.has('person.fullName') ? null : p.pseudonym)} path="person.fullName" withheld={withheld} />
      </h1>
      <Grading record={p} withheld={withheld} base="person" />
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
      <Problems error={q.error} />
      <p>
        <Link href={`/network/${p.id}`} class="button">
          {t('person.network')}
        </Link>
      </p>
    </article>
  );
}
