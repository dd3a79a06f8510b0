import type { ComponentChildren } from 'preact';
import { CasePage } from './case';
import { HitNoHitPage } from './hit-no-hit';
import { MapPage } from './map';
import { NarrativeFormPage } from './narrative-form';
import { NarrativePageView, NarrativesPage, WithdrawPage } from './narratives';
import { NetworkPage } from './network';
import { PublicReportPage, ReceiptPage } from './public-report';
import { PersonPage } from './person';
import { ReportsPage } from './reports';
import { SearchPage } from './search';
import { TypologyPage } from './typology';

/** An agency type as the API names it (`User.agency.type`). */
export type AgencyType = string;

export interface Route {
  /** Matched against the path; its groups are the page's parameters (URI-decoded). */
  path: RegExp;
  page: (params: string[], query: URLSearchParams) => ComponentChildren;
  /** Open to anyone, without signing in (shown before the sign-in page); it may call only the public API fields. */
  public?: boolean;
  /** A link in the header for the agency types it serves (all when omitted); its text is `t(nav.label)`. */
  nav?: { label: string; href: string; agencyTypes?: AgencyType[] };
}

/** A bank's financial-intelligence officer's pages: hit/no-hit, transaction-report batches, typologies. */
const BANK: AgencyType[] = ['FINANCIAL_INSTITUTION'];

/**
 * Every page of the console, first match wins. A page is a GraphQL client like any other: what it
 * shows is what the API releases to the person signed in; `nav.agencyTypes` only spares people links
 * to pages that would show them nothing.
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
  { path: /^\/narratives\/new$/, page: (_, q) => <NarrativeFormPage caseId={q.get('case') ?? undefined} /> },
  { path: /^\/narratives\/([^/]+)\/withdraw$/, page: ([id]) => <WithdrawPage id={id!} /> },
  { path: /^\/narratives\/([^/]+)$/, page: ([id]) => <NarrativePageView id={id!} /> },
  { path: /^\/narratives$/, page: () => <NarrativesPage />, nav: { label: 'narratives.nav', href: '/narratives', agencyTypes: ['NGO'] } },
];

export function routeFor(pathname: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    const m = route.path.exec(pathname);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
