import type { ComponentChildren } from 'preact';
import { AuditPage } from './audit';
import { CasePage } from './case';
import { HitNoHitPage } from './hit-no-hit';
import { LeadsPage } from './leads';
import { MapPage } from './map';
import { NarrativeFormPage } from './narrative-form';
import { NarrativePageView, NarrativesPage, WithdrawPage } from './narratives';
import { GroupsPage } from './groups';
import { NetworkPage } from './network';
import { PublicReportPage, ReceiptPage } from './public-report';
import { PersonPage } from './person';
import { ReportsPage } from './reports';
import { RequestsPage } from './requests';
import { RetentionPage } from './retention';
import { SearchPage } from './search';
import { TypologyPage } from './typology';

/** An agency type as the API names it (`User.agency.type`). */
export type AgencyType = string;
/** A role as the API names it (`User.role`): VIEWER, CONTRIBUTOR, SUPERVISOR. */
export type Role = string;

/** The person signed in, as `me` answers (loaded once by the app). */
export interface Me {
  displayName: string | null;
  role: Role | null;
  agency: { id: string; type: AgencyType | null } | null;
}

export interface Route {
  /** Matched against the path; its groups are the page's parameters (URI-decoded). */
  path: RegExp;
  page: (params: string[], query: URLSearchParams, me: Me | undefined) => ComponentChildren;
  /** Open to anyone, without signing in (shown before the sign-in page); it may call only the public API fields. */
  public?: boolean;
  /**
   * A link in the header for the agency types and roles it serves (all when omitted); its text is
   * `t(nav.label)`.
   */
  nav?: { label: string; href: string; agencyTypes?: AgencyType[]; roles?: Role[] };
}

/** A bank's financial-intelligence officer's pages: hit/no-hit, transaction-report batches, typologies. */
const BANK: AgencyType[] = ['FINANCIAL_INSTITUTION'];
/** The agency types that hold intelligence: they answer access requests and review retention (policies/agency-types/common.ts). */
const HOLDERS: AgencyType[] = ['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'HUB_ANALYST'];
const SUPERVISORS: Role[] = ['SUPERVISOR'];

/**
 * Every page of the console, first match wins. A page is a GraphQL client like any other: what it
 * shows is what the API releases to the person signed in; `nav.agencyTypes` and `nav.roles` only
 * spare people links to pages that would show them nothing (the API refuses them in words).
 */
export const ROUTES: Route[] = [
  { path: /^\/report$/, page: () => <PublicReportPage />, public: true },
  { path: /^\/report\/receipt$/, page: () => <ReceiptPage />, public: true },
  { path: /^\/person\/([^/]+)$/, page: ([id]) => <PersonPage id={id!} /> },
  { path: /^\/case\/([^/]+)$/, page: ([id]) => <CasePage id={id!} /> },
  { path: /^\/network\/([^/]+)$/, page: ([seed]) => <NetworkPage seed={seed!} /> },
  { path: /^\/$/, page: (_, q) => <SearchPage q={q.get('q') ?? ''} />, nav: { label: 'header.search', href: '/' } },
  { path: /^\/hit-no-hit$/, page: () => <HitNoHitPage />, nav: { label: 'hits.nav', href: '/hit-no-hit', agencyTypes: BANK } },
  { path: /^\/reports$/, page: () => <ReportsPage />, nav: { label: 'reports.nav', href: '/reports', agencyTypes: BANK } },
  { path: /^\/typology$/, page: () => <TypologyPage />, nav: { label: 'typology.nav', href: '/typology', agencyTypes: BANK } },
  {
    path: /^\/map$/,
    page: (_, q) => <MapPage query={q} />,
    // The agency types whose policies read Route and Hotspot (policies/agency-types/, docs/access-matrix.md).
    nav: { label: 'map.nav', href: '/map', agencyTypes: ['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'HUB_ANALYST'] },
  },
  {
    path: /^\/leads$/,
    page: () => <LeadsPage />,
    // The agency types that read a lead's evidence (policies/agency-types/); NGOs read its overview only, through the API.
    nav: { label: 'leads.nav', href: '/leads', agencyTypes: ['LAW_ENFORCEMENT', 'HUB_ANALYST'] },
  },
  { path: /^\/narratives\/new$/, page: (_, q) => <NarrativeFormPage caseId={q.get('case') ?? undefined} /> },
  { path: /^\/narratives\/([^/]+)\/withdraw$/, page: ([id]) => <WithdrawPage id={id!} /> },
  { path: /^\/narratives\/([^/]+)$/, page: ([id]) => <NarrativePageView id={id!} /> },
  { path: /^\/narratives$/, page: () => <NarrativesPage />, nav: { label: 'narratives.nav', href: '/narratives', agencyTypes: ['NGO'] } },
  {
    path: /^\/audit$/,
    page: (_, q) => <AuditPage query={q} />,
    nav: { label: 'header.audit', href: '/audit', agencyTypes: [...HOLDERS, 'FRONTLINE'], roles: SUPERVISORS },
  },
  {
    path: /^\/requests$/,
    page: (_, q) => <RequestsPage query={q} />,
    nav: { label: 'header.requests', href: '/requests', agencyTypes: HOLDERS, roles: SUPERVISORS },
  },
  {
    path: /^\/retention$/,
    page: (_, q) => <RetentionPage query={q} />,
    nav: { label: 'header.retention', href: '/retention', agencyTypes: HOLDERS, roles: SUPERVISORS },
  },
  {
    path: /^\/groups$/,
    page: (_, _q, me) => <GroupsPage me={me} />,
    nav: { label: 'header.groups', href: '/groups', agencyTypes: [...HOLDERS, 'HUB_ADMIN'], roles: SUPERVISORS },
  },
];

/** Whether the header links to a route for this person. */
export function inNav(route: Route, me: Me | undefined): boolean {
  if (!route.nav) return false;
  const { agencyTypes, roles } = route.nav;
  if (agencyTypes && !(me?.agency?.type && agencyTypes.includes(me.agency.type))) return false;
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
