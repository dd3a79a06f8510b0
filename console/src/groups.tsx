import type { AnyVariables, CombinedError, DocumentInput } from '@urql/core';
import { useState } from 'preact/hooks';
import { ConfirmDialog, Loading, Problems, useQuery } from './common';
import { client } from './graphql';
import { t } from './i18n';
import { type Me, may } from './routes';
import { graphql, type ResultOf } from './gql';

const GROUPS = graphql(`
  query SharingGroups {
    sharingGroups {
      id
      slug
      name
      members {
        id
        name
        type
      }
    }
    agencies {
      id
      name
      type
    }
  }
`);
const CREATE = graphql(`
  mutation CreateSharingGroup($slug: String!, $name: String!) {
    createSharingGroup(slug: $slug, name: $name) {
      id
    }
  }
`);
const ADD = graphql(`
  mutation AddGroupMember($groupId: ID!, $agencyId: ID!) {
    addGroupMember(groupId: $groupId, agencyId: $agencyId) {
      id
    }
  }
`);
const REMOVE = graphql(`
  mutation RemoveGroupMember($groupId: ID!, $agencyId: ID!) {
    removeGroupMember(groupId: $groupId, agencyId: $agencyId) {
      id
    }
  }
`);

/**
 * Sharing groups are managed by those the policies let create them (the hub's administration);
 * every other agency reads the groups it belongs to. The forms are offered by the person's
 * `permissions`, and the API decides in any case.
 */

type Group = ResultOf<typeof GROUPS>['sharingGroups'][number];
type Agency = Group['members'][number];

/** The sharing groups the agency belongs to (all, for the hub's administration) and, where policy allows, their management. */
export function GroupsPage({ me }: { me: Me | undefined }) {
  const manages = may(me, 'create', 'SharingGroup');
  const [version, setVersion] = useState(0);
  const q = useQuery(GROUPS, {}, version);
  const state = { loading: q.loading, groups: q.data?.sharingGroups, agencies: q.data?.agencies, error: q.error };
  const [error, setError] = useState<CombinedError>();
  const [notice, setNotice] = useState<string>();
  const [draft, setDraft] = useState({ name: '', slug: '' });
  const [adding, setAdding] = useState<Record<string, string>>({});
  const [removing, setRemoving] = useState<{ group: Group; agency: Agency }>();

  const run = async <V extends AnyVariables>(query: DocumentInput<unknown, V>, variables: V, done: string) => {
    const r = await client.mutation(query, variables).toPromise();
    if (r.error) return setError(r.error);
    setError(undefined);
    setNotice(done);
    setVersion((v) => v + 1);
  };

  return (
    <section data-testid="groups">
      <h1>{t('groups.title')}</h1>
      <p class="muted">{t(manages ? 'groups.introManage' : 'groups.intro')}</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {state.loading && <Loading />}
      <Problems error={state.error} all />
      <Problems error={error} all />
      {state.groups && state.groups.length === 0 && <p>{t('groups.none')}</p>}
      {state.groups?.map((g) => {
        const others = (state.agencies ?? []).filter((a) => !g.members.some((m) => m.id === a.id) && a.type !== 'HUB_ADMIN');
        return (
          <article key={g.id} class="card" aria-labelledby={`group-${g.id}`}>
            <h2 id={`group-${g.id}`}>
              {g.name} <span class="muted mono">{g.slug}</span>
            </h2>
            <ul class="results">
              {g.members.map((m) => (
                <li key={m.id}>
                  {m.name} <span class="muted">{m.type ? t(`groups.types.${m.type}`) : ''}</span>{' '}
                  {manages && (
                    <button
                      type="button"
                      class="small danger"
                      aria-label={t('groups.removeOne', { agency: m.name ?? '' })}
                      onClick={() => setRemoving({ group: g, agency: m })}
                    >
                      {t('groups.remove')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
            {manages && (
              <form
                class="toolbar"
                onSubmit={(e) => {
                  e.preventDefault();
                  const agency = others.find((a) => a.id === adding[g.id]);
                  if (agency) void run(ADD, { groupId: g.id, agencyId: agency.id }, t('groups.added', { agency: agency.name ?? '', group: g.name }));
                }}
              >
                <label for={`add-${g.id}`}>{t('groups.addLabel')}</label>
                <select id={`add-${g.id}`} value={adding[g.id] ?? ''} onChange={(e) => setAdding({ ...adding, [g.id]: (e.target as HTMLSelectElement).value })}>
                  <option value="">{t('groups.choose')}</option>
                  {others.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
                <button type="submit" disabled={!adding[g.id]}>
                  {t('groups.add')}
                </button>
              </form>
            )}
          </article>
        );
      })}
      {manages && (
        <form
          class="card"
          aria-labelledby="new-group"
          onSubmit={(e) => {
            e.preventDefault();
            void run(CREATE, { name: draft.name.trim(), slug: draft.slug.trim() }, t('groups.created', { group: draft.name.trim() }));
          }}
        >
          <h2 id="new-group">{t('groups.create')}</h2>
          <label for="group-name">{t('groups.name')}</label>
          <input id="group-name" required value={draft.name} onInput={(e) => setDraft({ ...draft, name: (e.target as HTMLInputElement).value })} />
          <label for="group-slug">{t('groups.slug')}</label>
          <input
            id="group-slug"
            required
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            value={draft.slug}
            onInput={(e) => setDraft({ ...draft, slug: (e.target as HTMLInputElement).value })}
          />
          <p class="muted hint">{t('groups.slugHint')}</p>
          <button type="submit">{t('groups.create')}</button>
        </form>
      )}
      {removing && (
        <ConfirmDialog
          title={t('groups.confirmRemoveTitle')}
          confirm={t('groups.remove')}
          onCancel={() => setRemoving(undefined)}
          onConfirm={() => {
            const { group, agency } = removing;
            setRemoving(undefined);
            void run(REMOVE, { groupId: group.id, agencyId: agency.id }, t('groups.removed', { agency: agency.name ?? '', group: group.name }));
          }}
        >
          <p>{t('groups.confirmRemove', { agency: removing.agency.name ?? '', group: removing.group.name })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
