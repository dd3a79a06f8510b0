import type { CombinedError } from '@urql/core';
import { useState } from 'preact/hooks';
import { Link, navigate } from './app';
import { dayFromToday, Loading, NotFound, Problems, useQuery } from './common';
import { client } from './graphql';
import { t } from './i18n';
import { type Me, may } from './routes';
import { graphql, type ResultOf, type VariablesOf } from './gql';

const CHANNELS: Channel[] = ['SOCIAL_MEDIA', 'SEARCH', 'VIDEO', 'RADIO', 'OUTDOOR', 'SCHOOLS', 'COMMUNITY_EVENTS', 'SMS', 'HELPLINE'];
const INDICATORS = ['PUBLIC_REPORTS', 'FRONTLINE_NOTIFICATIONS', 'REFERRALS', 'PARTNER_CALLS'];

const LIST = graphql(`
  query Campaigns {
    campaigns(first: 100) {
      totalCount
      nodes {
        id
        name
        startsOn
        endsOn
        platformName
        partnerAgency {
          id
          name
        }
        targetAreas {
          id
          name
        }
      }
    }
  }
`);
const CANDIDATES = graphql(`
  query CandidateAreas($from: String!, $to: String!) {
    campaignCandidateAreas(periodFrom: $from, periodTo: $to) {
      location {
        id
        name
        countryCode
      }
      caseCount
      victimCount
      countSuppressed
      publishedRoutes {
        id
        destination {
          name
        }
        caseCount
      }
    }
  }
`);
const PARTNERS = graphql(`
  query Partners {
    agencies {
      id
      name
      type
    }
  }
`);
const CREATE = graphql(`
  mutation CreateCampaign($input: CreateCampaignInput!) {
    createCampaign(input: $input) {
      id
      name
    }
  }
`);
const ONE = graphql(`
  query Campaign($id: ID!, $indicators: Boolean!) {
    campaign(id: $id) {
      id
      name
      goal
      languages
      channels
      startsOn
      endsOn
      platformName
      partnerAgency {
        id
        name
      }
      targetAreas {
        id
        name
      }
    }
    campaignTargetAreas(campaignId: $id) {
      location {
        id
        name
        countryCode
      }
      periodStart
      periodEnd
      caseCount
      victimCount
      countSuppressed
    }
    campaignReach(campaignId: $id) {
      id
      isoWeek
      peopleReached
      partnerCalls
      location {
        id
        name
      }
    }
    campaignIndicators(campaignId: $id) @include(if: $indicators) {
      location {
        id
        name
      }
      indicator
      beforeFrom
      beforeTo
      afterFrom
      afterTo
      before
      after
      countSuppressed
    }
  }
`);
const REACH = graphql(`
  mutation RecordReach($input: RecordCampaignReachInput!) {
    recordCampaignReach(input: $input) {
      id
      isoWeek
      peopleReached
      partnerCalls
    }
  }
`);
const EXPORT = graphql(`
  query Export($id: ID!, $f: CampaignExportFormat!) {
    campaignTargetAreasExport(campaignId: $id, format: $f) {
      filename
      mediaType
      content
    }
  }
`);

type Campaign = NonNullable<ResultOf<typeof ONE>['campaign']>;
type Indicator = NonNullable<ResultOf<typeof ONE>['campaignIndicators']>[number];
type Reach = ResultOf<typeof REACH>['recordCampaignReach'];
type CreateInput = VariablesOf<typeof CREATE>['input'];
type Channel = CreateInput['channels'][number];
/** The form as typed: languages as a comma-separated list, the target areas' location ids. */
type Draft = Pick<CreateInput, 'name' | 'channels' | 'startsOn' | 'endsOn'> & { goal: string; partnerAgencyId: string; languages: string; targets: string[] };

/** A count the API released, or "withheld" where disclosure control withheld it. */
function Count({ value }: { value: number | null }) {
  return value === null ? <span class="withheld">{t('campaigns.withheld')}</span> : <>{value}</>;
}

const place = (p: { name: string | null; countryCode?: string | null } | null | undefined) =>
  p ? `${p.name ?? ''}${p.countryCode ? ` (${p.countryCode})` : ''}` : '';

/**
 * Prevention campaigns. The hub's analysts list them, create one from the candidate areas (places
 * of recruitment and published routes' origins, with the counts behind them) and read a campaign's
 * before/after indicators; the partner NGO reads its campaigns and their target areas (counts as
 * the API releases them to it) and records its reach per area and week.
 */
export function CampaignsPage({ query, me }: { query: URLSearchParams; me: Me | undefined }) {
  const runs = may(me, 'create', 'Campaign');
  const id = query.get('id');
  if (id) return <CampaignView id={id} me={me} />;
  return (
    <section data-testid="campaigns">
      <h1>{t('campaigns.title')}</h1>
      <p class="muted">{may(me, 'read', 'CampaignIndicator') ? t('campaigns.introHub') : t('campaigns.introPartner')}</p>
      <CampaignList />
      {runs && <CreateCampaign />}
    </section>
  );
}

function CampaignList() {
  const q = useQuery(LIST, {});
  if (q.loading) return <Loading />;
  return (
    <>
      <Problems error={q.error} all />
      {q.data && (
        <table class="nodes" data-testid="campaign-list">
          <caption>{t('campaigns.list', { count: q.data.campaigns.totalCount })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('campaigns.name')}</th>
              <th scope="col">{t('campaigns.partner')}</th>
              <th scope="col">{t('campaigns.period')}</th>
              <th scope="col">{t('campaigns.targetAreas')}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.campaigns.nodes.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link href={`/campaigns?id=${encodeURIComponent(c.id)}`}>{c.name}</Link>
                </td>
                <td>{c.partnerAgency?.name ?? c.platformName}</td>
                <td>
                  {c.startsOn} – {c.endsOn}
                </td>
                <td>{(c.targetAreas ?? []).map((a) => a.name).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function CreateCampaign() {
  const [period, setPeriod] = useState({ from: dayFromToday(-730), to: dayFromToday(0) });
  const [asked, setAsked] = useState(period);
  const candidates = useQuery(CANDIDATES, asked);
  const partners = useQuery(PARTNERS, {});
  const [draft, setDraft] = useState<Draft>({
    name: '',
    goal: '',
    partnerAgencyId: '',
    languages: 'ro',
    channels: [],
    startsOn: dayFromToday(7),
    endsOn: dayFromToday(97),
    targets: [],
  });
  const [key, setKey] = useState(() => `campaign:${crypto.randomUUID()}`);
  const [state, setState] = useState<{ busy?: boolean; error?: CombinedError }>({});
  const set = (field: keyof Draft) => (e: Event) => setDraft({ ...draft, [field]: (e.target as HTMLInputElement).value });
  const toggle = <F extends 'channels' | 'targets'>(field: F, value: Draft[F][number]) => {
    const values: string[] = draft[field];
    setDraft({ ...draft, [field]: values.includes(value) ? values.filter((v) => v !== value) : [...values, value] });
  };
  const refused = String(state.error?.graphQLErrors[0]?.extensions?.field ?? '');
  const invalid = (field: string) => (refused === `input.${field}` || refused.startsWith(`input.${field}[`) ? 'true' : undefined);

  return (
    <>
      <h2>{t('campaigns.create')}</h2>
      <form
        class="filters"
        aria-label={t('campaigns.candidatePeriod')}
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(period);
        }}
      >
        <div>
          <label for="candidates-from">{t('campaigns.from')}</label>
          <input
            id="candidates-from"
            type="date"
            required
            value={period.from}
            onInput={(e) => setPeriod({ ...period, from: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div>
          <label for="candidates-to">{t('campaigns.to')}</label>
          <input
            id="candidates-to"
            type="date"
            required
            value={period.to}
            onInput={(e) => setPeriod({ ...period, to: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="actions">
          <button type="submit">{t('campaigns.showCandidates')}</button>
        </div>
      </form>
      {candidates.loading && <Loading />}
      <Problems error={candidates.error} all />
      <form
        class="typology"
        onSubmit={(e) => {
          e.preventDefault();
          setState({ busy: true });
          const input = {
            name: draft.name,
            goal: draft.goal,
            partnerAgencyId: draft.partnerAgencyId,
            languages: draft.languages
              .split(',')
              .map((l) => l.trim())
              .filter(Boolean),
            channels: draft.channels,
            startsOn: draft.startsOn,
            endsOn: draft.endsOn,
            targetLocationIds: draft.targets,
            idempotencyKey: key,
          };
          void client
            .mutation(CREATE, { input })
            .toPromise()
            .then((r) => {
              setState({ error: r.error });
              if (r.data?.createCampaign) {
                setKey(`campaign:${crypto.randomUUID()}`);
                navigate(`/campaigns?id=${encodeURIComponent(r.data.createCampaign.id)}`);
              }
            });
        }}
      >
        {candidates.data && (
          <fieldset aria-invalid={invalid('targetLocationIds')}>
            <legend>{t('campaigns.candidates', { from: asked.from, to: asked.to })}</legend>
            <table class="nodes" data-testid="candidates">
              <thead>
                <tr>
                  <th scope="col">{t('campaigns.target')}</th>
                  <th scope="col">{t('campaigns.cases')}</th>
                  <th scope="col">{t('campaigns.victims')}</th>
                  <th scope="col">{t('campaigns.publishedRoutes')}</th>
                </tr>
              </thead>
              <tbody>
                {candidates.data.campaignCandidateAreas.map((a) => (
                  <tr key={a.location?.id}>
                    <td>
                      <label>
                        <input
                          type="checkbox"
                          disabled={!a.location}
                          checked={!!a.location && draft.targets.includes(a.location.id)}
                          onChange={() => a.location && toggle('targets', a.location.id)}
                        />{' '}
                        {place(a.location)}
                      </label>
                    </td>
                    <td>
                      <Count value={a.caseCount} />
                    </td>
                    <td>
                      <Count value={a.victimCount} />
                    </td>
                    <td>
                      {(a.publishedRoutes ?? []).map((r) => (
                        <span key={r.id} class="route">
                          → {r.destination?.name} (<Count value={r.caseCount} />){' '}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </fieldset>
        )}
        <label for="campaign-name">{t('campaigns.name')}</label>
        <input id="campaign-name" required maxLength={200} value={draft.name} aria-invalid={invalid('name')} onInput={set('name')} />
        <label for="campaign-goal">{t('campaigns.goal')}</label>
        <textarea id="campaign-goal" required rows={3} maxLength={2000} value={draft.goal} aria-invalid={invalid('goal')} onInput={set('goal')} />
        <label for="campaign-partner">{t('campaigns.partner')}</label>
        <select id="campaign-partner" required value={draft.partnerAgencyId} aria-invalid={invalid('partnerAgencyId')} onChange={set('partnerAgencyId')}>
          <option value="">{t('campaigns.choosePartner')}</option>
          {(partners.data?.agencies ?? [])
            .filter((a) => a.type === 'NGO')
            .map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
        </select>
        <label for="campaign-languages">{t('campaigns.languages')}</label>
        <input
          id="campaign-languages"
          required
          value={draft.languages}
          aria-invalid={invalid('languages')}
          aria-describedby="languages-hint"
          onInput={set('languages')}
        />
        <p class="muted hint" id="languages-hint">
          {t('campaigns.languagesHint')}
        </p>
        <fieldset aria-invalid={invalid('channels')}>
          <legend>{t('campaigns.channels')}</legend>
          {CHANNELS.map((c) => (
            <label key={c} class="check">
              <input type="checkbox" checked={draft.channels.includes(c)} onChange={() => toggle('channels', c)} /> {t(`campaigns.channel.${c}`)}
            </label>
          ))}
        </fieldset>
        <label for="campaign-starts">{t('campaigns.startsOn')}</label>
        <input id="campaign-starts" type="date" required value={draft.startsOn} aria-invalid={invalid('startsOn')} onInput={set('startsOn')} />
        <label for="campaign-ends">{t('campaigns.endsOn')}</label>
        <input id="campaign-ends" type="date" required value={draft.endsOn} aria-invalid={invalid('endsOn')} onInput={set('endsOn')} />
        <Problems error={state.error} all />
        <div class="actions">
          <button type="submit" disabled={state.busy}>
            {state.busy ? t('campaigns.creating') : t('campaigns.createButton')}
          </button>
        </div>
      </form>
    </>
  );
}

function CampaignView({ id, me }: { id: string; me: Me | undefined }) {
  const [version, setVersion] = useState(0);
  const indicators = may(me, 'read', 'CampaignIndicator');
  const q = useQuery(ONE, { id, indicators }, version);
  if (q.loading && !q.data) return <Loading />;
  if (!q.data?.campaign)
    return q.error?.graphQLErrors.some((e) => e.extensions?.code === 'NOT_FOUND') || !q.error ? <NotFound /> : <Problems error={q.error} all />;
  const c = q.data.campaign;
  const partner = !!me?.agency && c.partnerAgency?.id === me.agency.id;
  return (
    <section data-testid="campaign">
      <p>
        <Link href="/campaigns">{t('campaigns.back')}</Link>
      </p>
      <h1>{c.name}</h1>
      <dl class="facts">
        <dt>{t('campaigns.goal')}</dt>
        <dd>{c.goal}</dd>
        <dt>{t('campaigns.partner')}</dt>
        <dd>{c.partnerAgency?.name ?? c.platformName}</dd>
        <dt>{t('campaigns.period')}</dt>
        <dd>
          {c.startsOn} – {c.endsOn}
        </dd>
        <dt>{t('campaigns.languages')}</dt>
        <dd>{(c.languages ?? []).join(', ')}</dd>
        <dt>{t('campaigns.channels')}</dt>
        <dd>{(c.channels ?? []).map((ch) => t(`campaigns.channel.${ch}`)).join(', ')}</dd>
      </dl>
      <Problems error={q.error} />

      <table class="nodes" data-testid="target-areas">
        <caption>{t('campaigns.targetAreasCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('campaigns.target')}</th>
            <th scope="col">{t('campaigns.countedOver')}</th>
            <th scope="col">{t('campaigns.cases')}</th>
            <th scope="col">{t('campaigns.victims')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.campaignTargetAreas.map((a) => (
            <tr key={a.location?.id}>
              <td>{place(a.location)}</td>
              <td>
                {a.periodStart} – {a.periodEnd}
              </td>
              <td>
                <Count value={a.caseCount} />
              </td>
              <td>
                <Count value={a.victimCount} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Exports id={id} />

      {indicators && q.data.campaignIndicators && <Indicators rows={q.data.campaignIndicators} />}

      <table class="nodes" data-testid="reach">
        <caption>{t('campaigns.reachCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('campaigns.week')}</th>
            <th scope="col">{t('campaigns.target')}</th>
            <th scope="col">{t('campaigns.peopleReached')}</th>
            <th scope="col">{t('campaigns.partnerCalls')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.campaignReach.map((r) => (
            <tr key={r.id}>
              <td>{r.isoWeek}</td>
              <td>{r.location?.name}</td>
              <td>{r.peopleReached}</td>
              <td>{r.partnerCalls}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {may(me, 'create', 'CampaignReach') && (partner || !!c.platformName) && <RecordReach campaign={c} onDone={() => setVersion((v) => v + 1)} />}
    </section>
  );
}

function Indicators({ rows }: { rows: Indicator[] }) {
  const first = rows[0];
  return (
    <table class="nodes" data-testid="indicators">
      <caption>
        {first
          ? t('campaigns.indicatorsCaption', { beforeFrom: first.beforeFrom, beforeTo: first.beforeTo, afterFrom: first.afterFrom, afterTo: first.afterTo })
          : t('campaigns.indicatorsNone')}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('campaigns.target')}</th>
          <th scope="col">{t('campaigns.indicator')}</th>
          <th scope="col">{t('campaigns.before')}</th>
          <th scope="col">{t('campaigns.after')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.location?.id}:${r.indicator}`}>
            <td>{r.location?.name}</td>
            <td>{r.indicator && INDICATORS.includes(r.indicator) ? t(`campaigns.indicators.${r.indicator}`) : r.indicator}</td>
            <td>
              <Count value={r.before} />
            </td>
            <td>
              <Count value={r.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The target areas as files for the partner, made by the API (areas and disclosure-controlled counts only). */
function Exports({ id }: { id: string }) {
  const [error, setError] = useState<CombinedError>();
  const download = (format: 'CSV' | 'GEOJSON') =>
    void client
      .query(EXPORT, { id, f: format })
      .toPromise()
      .then((r) => {
        setError(r.error);
        const file = r.data?.campaignTargetAreasExport;
        if (!file) return;
        const a = document.createElement('a');
        a.href = URL.createObjectURL(new Blob([file.content], { type: file.mediaType }));
        a.download = file.filename;
        a.click();
        URL.revokeObjectURL(a.href);
      });
  return (
    <div class="actions">
      <p class="muted">{t('campaigns.exportHint')}</p>
      <button type="button" onClick={() => download('CSV')}>
        {t('campaigns.exportCsv')}
      </button>{' '}
      <button type="button" onClick={() => download('GEOJSON')}>
        {t('campaigns.exportGeoJson')}
      </button>
      <Problems error={error} all />
    </div>
  );
}

function RecordReach({ campaign, onDone }: { campaign: Campaign; onDone: () => void }) {
  const [form, setForm] = useState({ locationId: campaign.targetAreas?.[0]?.id ?? '', isoWeek: '', peopleReached: '', partnerCalls: '0' });
  const [state, setState] = useState<{ busy?: boolean; done?: Reach; error?: CombinedError }>({});
  const set = (field: keyof typeof form) => (e: Event) => setForm({ ...form, [field]: (e.target as HTMLInputElement).value });
  const refused = String(state.error?.graphQLErrors[0]?.extensions?.field ?? '');
  const invalid = (field: string) => (refused === `input.${field}` ? 'true' : undefined);
  return (
    <form
      class="typology"
      aria-labelledby="record-reach"
      onSubmit={(e) => {
        e.preventDefault();
        setState({ busy: true });
        const input = {
          campaignId: campaign.id,
          locationId: form.locationId,
          isoWeek: form.isoWeek.trim(),
          peopleReached: Number(form.peopleReached),
          partnerCalls: Number(form.partnerCalls),
        };
        void client
          .mutation(REACH, { input })
          .toPromise()
          .then((r) => {
            setState({ done: r.data?.recordCampaignReach, error: r.error });
            if (r.data) onDone();
          });
      }}
    >
      <h2 id="record-reach">{t('campaigns.recordReach')}</h2>
      <label for="reach-area">{t('campaigns.target')}</label>
      <select id="reach-area" value={form.locationId} aria-invalid={invalid('locationId')} onChange={set('locationId')}>
        {(campaign.targetAreas ?? []).map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
      <label for="reach-week">{t('campaigns.week')}</label>
      <input
        id="reach-week"
        required
        placeholder="2026-W10"
        pattern="\d{4}-W\d{2}"
        value={form.isoWeek}
        aria-invalid={invalid('isoWeek')}
        aria-describedby="week-hint"
        onInput={set('isoWeek')}
      />
      <p class="muted hint" id="week-hint">
        {t('campaigns.weekHint')}
      </p>
      <label for="reach-people">{t('campaigns.peopleReached')}</label>
      <input
        id="reach-people"
        type="number"
        min={0}
        required
        value={form.peopleReached}
        aria-invalid={invalid('peopleReached')}
        onInput={set('peopleReached')}
      />
      <label for="reach-calls">{t('campaigns.partnerCalls')}</label>
      <input id="reach-calls" type="number" min={0} required value={form.partnerCalls} aria-invalid={invalid('partnerCalls')} onInput={set('partnerCalls')} />
      <Problems error={state.error} all />
      {state.done && (
        <p class="notice" role="status" data-testid="reach-recorded">
          {t('campaigns.recorded', { week: state.done.isoWeek, people: state.done.peopleReached })}
        </p>
      )}
      <div class="actions">
        <button type="submit" disabled={state.busy}>
          {t('campaigns.record')}
        </button>
      </div>
    </form>
  );
}
