import type { ComponentChildren } from 'preact';
import { CasePage } from './case';
import { NetworkPage } from './network';
import { PersonPage } from './person';
import { EditorPage, FeedPage, ReportPage } from './products';
import { SearchPage } from './search';

/** An agency type as the API names it (`User.agency.type`). */
export type AgencyType = string;

export interface Route {
  /** Matched against the path; its groups are the page's parameters (URI-decoded). */
  path: RegExp;
  /** `agencyType`: the signed-in person's (once known), for pages that offer more to some types. */
  page: (params: string[], query: URLSearchParams, agencyType?: AgencyType) => ComponentChildren;
  /** A link in the header for the agency types it serves (all when omitted); its text is `t(nav.label)`. */
  nav?: { label: string; href: string; agencyTypes?: AgencyType[] };
}

/**
 * Every page of the console, first match wins. A page is a GraphQL client like any other: what it
 * shows is what the API releases to the person signed in; `nav.agencyTypes` only spares people links
 * to pages that would show them nothing.
 */
export const ROUTES: Route[] = [
  { path: /^\/person\/([^/]+)$/, page: ([id]) => <PersonPage id={id!} /> },
  { path: /^\/case\/([^/]+)$/, page: ([id]) => <CasePage id={id!} /> },
  { path: /^\/network\/([^/]+)$/, page: ([seed]) => <NetworkPage seed={seed!} /> },
  { path: /^\/products\/new$/, page: (_p, q) => <EditorPage reportId={q.get('report') ?? undefined} /> },
  { path: /^\/products\/([^/]+)$/, page: ([id], _q, type) => <ReportPage id={id!} agencyType={type} /> },
  {
    path: /^\/products$/,
    page: (_p, _q, type) => <FeedPage agencyType={type} />,
    nav: { label: 'header.products', href: '/products', agencyTypes: ['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'FRONTLINE', 'HUB_ANALYST'] },
  },
  { path: /^\/$/, page: (_, q) => <SearchPage q={q.get('q') ?? ''} />, nav: { label: 'header.search', href: '/' } },
];

export function routeFor(pathname: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    const m = route.path.exec(pathname);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
