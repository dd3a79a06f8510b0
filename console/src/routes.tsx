import type { ComponentChildren } from 'preact';
import { AuditPage } from './audit';
import { graphql, type ResultOf } from './gql';
import { CampaignsPage } from './campaigns';
import { CasePage } from './case';
import { NotificationsPage, NotifyPage, TasksPage } from './frontline';
import { HitNoHitPage } from './hit-no-hit';
import { PrivateScreeningPage } from './private-screening';
import { LeadsPage } from './leads';
import { MapPage } from './map';
import { NarrativeFormPage } from './narrative-form';
import { NarrativePageView, NarrativesPage, WithdrawPage } from './narratives';
import { GroupsPage } from './groups';
import { CorrelationsPage } from './correlations';
import { NetworkPage } from './network';
import { PublicReportPage, ReceiptPage } from './public-report';
import { PersonPage } from './person';
import { ReportsPage } from './reports';
import { RequestsPage } from './requests';
import { RetentionPage } from './retention';
import { EditorPage, FeedPage, ReportPage } from './products';
import { SearchPage } from './search';
import { TypologyPage } from './typology';
import { StatisticsPage } from './statistics';
import { TriageItemPage, TriageQueuePage } from './triage';

/** The person signed in, and what the policies let them do with each kind of record (loaded once by the app). */
export const ME = graphql(`
  query Me {
    me {
      displayName
      role
      agency {
        id
        type
      }
    }
    permissions {
      action
      subject
    }
  }
`);

/** The person signed in, as `me` and `permissions` answer. */
export type Me = ResultOf<typeof ME>['me'] & { permissions: ResultOf<typeof ME>['permissions'] };
/** A role as the API names it (`User.role`): VIEWER, CONTRIBUTOR, SUPERVISOR. */
export type Role = NonNullable<Me['role']>;
/** What `permissions` says a person may do with a kind of record. */
export type Action = 'read' | 'create' | 'update' | 'withdraw';

/** Whether the policies let this person do `action` with some record of `subject` (the record still decides). */
export function may(me: Me | undefined, action: Action, subject: string): boolean {
  return !!me?.permissions.some((p) => p.action === action && p.subject === subject);
}

export interface Route {
  /** Matched against the path; its groups are the page's parameters (URI-decoded). */
  path: RegExp;
  page: (params: string[], query: URLSearchParams, me: Me | undefined) => ComponentChildren;
  /** Open to anyone, without signing in (shown before the sign-in page); it may call only the public API fields. */
  public?: boolean;
  /**
   * A link in the header (its text `t(nav.label)`) for the people whose permissions include every one
   * of `requires` (all when omitted), and who hold one of `roles` when given: the policies decide
   * who may, the console only which pages it groups for supervisors.
   */
  nav?: { label: string; href: string; requires?: Array<[Action, string]>; roles?: Role[] };
}

const SUPERVISORS: Role[] = ['SUPERVISOR'];

/**
 * Every page of the console, first match wins. A page is a GraphQL client like any other: what it
 * shows is what the API releases to the person signed in; `nav.requires` and `nav.roles` only
 * spare people links to pages that would show them nothing (the API refuses them in words).
 */
export const ROUTES: Route[] = [
  { path: /^\/report$/, page: () => <PublicReportPage />, public: true },
  { path: /^\/report\/receipt$/, page: () => <ReceiptPage />, public: true },
  { path: /^\/person\/([^/]+)$/, page: ([id]) => <PersonPage id={id!} /> },
  { path: /^\/case\/([^/]+)$/, page: ([id], _q, me) => <CasePage id={id!} me={me} /> },
  { path: /^\/network\/([^/]+)$/, page: ([seed], q) => <NetworkPage seed={seed!} group={q.get('group')} /> },
  { path: /^\/$/, page: (_, q) => <SearchPage q={q.get('q') ?? ''} />, nav: { label: 'header.search', href: '/' } },
  { path: /^\/triage\/([^/]+)$/, page: ([id]) => <TriageItemPage id={id!} /> },
  { path: /^\/triage$/, page: () => <TriageQueuePage />, nav: { label: 'triage.nav', href: '/triage', requires: [['read', 'TriageItem']] } },
  { path: /^\/products\/new$/, page: (_p, q) => <EditorPage reportId={q.get('report') ?? undefined} /> },
  { path: /^\/products\/([^/]+)$/, page: ([id], _q, me) => <ReportPage id={id!} agencyType={me?.agency?.type ?? undefined} /> },
  {
    path: /^\/products$/,
    page: (_p, _q, me) => <FeedPage agencyType={me?.agency?.type ?? undefined} />,
    nav: { label: 'header.products', href: '/products', requires: [['read', 'IntelligenceReport']] },
  },
  { path: /^\/hit-no-hit$/, page: () => <HitNoHitPage />, nav: { label: 'hits.nav', href: '/hit-no-hit', requires: [['read', 'HitNoHitResult']] } },
  {
    path: /^\/private-screening$/,
    page: () => <PrivateScreeningPage />,
    nav: { label: 'privateScreening.nav', href: '/private-screening', requires: [['create', 'ScreeningJob']] },
  },
  { path: /^\/reports$/, page: () => <ReportsPage />, nav: { label: 'reports.nav', href: '/reports', requires: [['create', 'TransactionReport']] } },
  { path: /^\/typology$/, page: () => <TypologyPage />, nav: { label: 'typology.nav', href: '/typology', requires: [['create', 'Typology']] } },
  {
    path: /^\/map$/,
    page: (_, q) => <MapPage query={q} />,
    nav: {
      label: 'map.nav',
      href: '/map',
      requires: [
        ['read', 'Route'],
        ['read', 'Hotspot'],
      ],
    },
  },
  { path: /^\/notify$/, page: () => <NotifyPage />, nav: { label: 'frontline.nav.notify', href: '/notify', requires: [['create', 'Notification']] } },
  {
    path: /^\/notifications$/,
    page: () => <NotificationsPage />,
    nav: { label: 'frontline.nav.notifications', href: '/notifications', requires: [['create', 'Notification']] },
  },
  {
    path: /^\/tasks$/,
    page: () => <TasksPage />,
    // Frontline services notify suspected cases; the destinations the policies let move them receive them as tasks.
    nav: { label: 'frontline.nav.tasks', href: '/tasks', requires: [['update', 'Notification']] },
  },
  {
    path: /^\/campaigns$/,
    page: (_, q, me) => <CampaignsPage query={q} me={me} />,
    // The hub's analysts run campaigns; NGOs are their partners (docs/campaigns.md).
    nav: { label: 'campaigns.nav', href: '/campaigns', requires: [['read', 'Campaign']] },
  },
  {
    path: /^\/leads$/,
    page: () => <LeadsPage />,
    // The page shows each lead's evidence, the adverts: for those who may read both (NGOs read a lead's overview only, through the API).
    nav: {
      label: 'leads.nav',
      href: '/leads',
      requires: [
        ['read', 'AdvertLead'],
        ['read', 'Advert'],
      ],
    },
  },
  { path: /^\/narratives\/new$/, page: (_, q, me) => <NarrativeFormPage caseId={q.get('case') ?? undefined} me={me} /> },
  { path: /^\/narratives\/([^/]+)\/withdraw$/, page: ([id], _q, me) => <WithdrawPage id={id!} me={me} /> },
  { path: /^\/narratives\/([^/]+)$/, page: ([id], _q, me) => <NarrativePageView id={id!} me={me} /> },
  {
    path: /^\/narratives$/,
    page: (_, _q, me) => <NarrativesPage me={me} />,
    nav: { label: 'narratives.nav', href: '/narratives', requires: [['read', 'Narrative']] },
  },
  {
    path: /^\/audit$/,
    page: (_, q) => <AuditPage query={q} />,
    nav: { label: 'header.audit', href: '/audit', requires: [['read', 'AuditEvent']], roles: SUPERVISORS },
  },
  {
    path: /^\/requests$/,
    page: (_, q) => <RequestsPage query={q} />,
    nav: { label: 'header.requests', href: '/requests', requires: [['update', 'AccessRequest']] },
  },
  {
    path: /^\/retention$/,
    page: (_, q) => <RetentionPage query={q} />,
    nav: { label: 'header.retention', href: '/retention', requires: [['create', 'RetentionReview']] },
  },
  {
    path: /^\/groups$/,
    page: (_, _q, me) => <GroupsPage me={me} />,
    nav: { label: 'header.groups', href: '/groups', requires: [['read', 'SharingGroup']], roles: SUPERVISORS },
  },
  {
    path: /^\/statistics$/,
    page: (_, q) => <StatisticsPage query={q} />,
    nav: { label: 'statistics.nav', href: '/statistics', requires: [['read', 'NrmStatistics']] },
  },
  {
    path: /^\/correlations$/,
    page: () => <CorrelationsPage />,
    // New statements on the caller's own cases: for the agencies that open cases.
    nav: {
      label: 'correlations.nav',
      href: '/correlations',
      requires: [
        ['read', 'Observation'],
        ['create', 'Case'],
      ],
    },
  },
];

/** Whether the header links to a route for this person. */
export function inNav(route: Route, me: Me | undefined): boolean {
  if (!route.nav) return false;
  const { requires = [], roles } = route.nav;
  if (!requires.every(([action, subject]) => may(me, action, subject))) return false;
  if (roles && !(me?.role && roles.includes(me.role))) return false;
  return true;
}

export function routeFor(pathname: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    const m = route.path.exec(pathname);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
