import i18next from 'i18next';
import { audit } from './locales/audit';
import { kase } from './locales/case';
import { hits } from './locales/hits';
import { narratives } from './locales/narratives';
import { correlations } from './locales/correlations';
import { network } from './locales/network';
import { person } from './locales/person';
import { reports } from './locales/reports';
import { map } from './locales/map';
import { report } from './locales/report';
import { groups } from './locales/groups';
import { campaigns } from './locales/campaigns';
import { leads } from './locales/leads';
import { requests } from './locales/requests';
import { retention } from './locales/retention';
import { products } from './locales/products';
import { privateScreening } from './locales/private-screening';
import { search } from './locales/search';
import { typology } from './locales/typology';
import { statistics } from './locales/statistics';
import { triage } from './locales/triage';
import { frontline } from './locales/frontline';
import { type Translation } from './locales/texts';

/** The shell's texts in English and Romanian (ș and ț with the comma below: U+0219, U+021B); each page area has its own in `locales/`. */
const en = {
  app: { title: 'Tessera', skip: 'Skip to content', language: 'Language' },
  signIn: {
    title: 'Sign in to Tessera',
    intro: 'Choose your agency: you sign in at its identity provider.',
    agency: 'Agency',
    submit: 'Sign in',
    completing: 'Signing you in…',
    failed: 'Sign-in failed',
    again: 'Sign in again',
  },
  header: {
    agency: 'Agency',
    role: 'Role',
    signOut: 'Sign out',
    search: 'Search',
    nav: 'Pages',
    audit: 'Audit trail',
    requests: 'Access requests',
    retention: 'Retention review',
    groups: 'Sharing groups',
    products: 'Reports',
  },
  roles: { VIEWER: 'Viewer', CONTRIBUTOR: 'Contributor', SUPERVISOR: 'Supervisor' },
  common: {
    withheld: 'withheld',
    notFound: 'Not found',
    notFoundText: 'This record does not exist, or it is not shared with your agency.',
    loading: 'Loading…',
    error: 'Something went wrong',
    none: '—',
    back: 'Back',
    cancel: 'Cancel',
    previous: 'Previous page',
    next: 'Next page',
    pageOf: 'Page {{page}}: {{shown}} of {{total}}',
  },
  purpose: {
    title: 'State your purpose',
    intro: 'This page holds personal data. State why you open it: it is recorded with each request in the audit trail for this session.',
    label: 'Purpose',
    placeholder: 'e.g. Investigation WMP-2026-1187',
    submit: 'Continue',
    current: 'Purpose: {{purpose}}',
    change: 'Change',
  },
  tlp: { label: 'TLP:{{level}}' },
  entityKinds: {
    PHONE: 'Phone',
    EMAIL: 'Email',
    BANK_ACCOUNT: 'Bank account',
    ONLINE_ADVERT: 'Online advert',
    SOCIAL_PROFILE: 'Social profile',
    ADDRESS: 'Address',
    VEHICLE: 'Vehicle',
    ORGANISATION: 'Organisation',
  },
  exploitationTypes: {
    SEXUAL: 'Sexual exploitation',
    LABOUR: 'Labour exploitation',
    CRIMINAL: 'Criminal exploitation',
    DOMESTIC_SERVITUDE: 'Domestic servitude',
    ORGAN_HARVESTING: 'Organ harvesting',
  },

  handling: {
    legend: 'Handling',
    marking: 'TLP marking',
    sourceEvaluation: 'Source',
    intelligenceAssessment: 'Intelligence',
    handlingCode: 'Handling code',
    handlingConditions: 'Conditions of sharing',
  },
  grading: {
    label: 'Grading (3x5x2)',
    source: 'Source',
    intelligence: 'Intelligence',
    handling: 'Handling',
    RELIABLE: '1 — reliable',
    UNTESTED: '2 — untested',
    NOT_RELIABLE: '3 — not reliable',
    A: 'A — known to be true',
    B: 'B — known to the officer, not to the source',
    C: 'C — known to the source, not to the officer',
    D: 'D — cannot be judged',
    E: 'E — suspected to be false',
    P: 'P — lawful sharing permitted',
    C_handling: 'C — lawful sharing with conditions',
  },
};

const ro: Translation<typeof en> = {
  app: { title: 'Tessera', skip: 'Salt la conținut', language: 'Limba' },
  signIn: {
    title: 'Autentificare în Tessera',
    intro: 'Alegeți agenția: vă autentificați la furnizorul ei de identitate.',
    agency: 'Agenția',
    submit: 'Autentificare',
    completing: 'Vă autentificăm…',
    failed: 'Autentificarea a eșuat',
    again: 'Autentificați-vă din nou',
  },
  header: {
    agency: 'Agenția',
    role: 'Rolul',
    signOut: 'Deconectare',
    search: 'Căutare',
    nav: 'Pagini',
    audit: 'Jurnalul de audit',
    requests: 'Cereri de acces',
    retention: 'Revizuirea păstrării',
    groups: 'Grupuri de partajare',
    products: 'Rapoarte',
  },
  roles: { VIEWER: 'Cititor', CONTRIBUTOR: 'Contributor', SUPERVISOR: 'Supervizor' },
  common: {
    withheld: 'reținut',
    notFound: 'Negăsit',
    notFoundText: 'Această înregistrare nu există sau nu este partajată cu agenția dumneavoastră.',
    loading: 'Se încarcă…',
    error: 'Ceva nu a funcționat',
    none: '—',
    back: 'Înapoi',
    cancel: 'Anulați',
    previous: 'Pagina anterioară',
    next: 'Pagina următoare',
    pageOf: 'Pagina {{page}}: {{shown}} din {{total}}',
  },
  purpose: {
    title: 'Declarați scopul',
    intro:
      'Această pagină conține date cu caracter personal. Declarați de ce o deschideți: scopul este înregistrat cu fiecare cerere în jurnalul de audit, pentru această sesiune.',
    label: 'Scopul',
    placeholder: 'de ex. Investigația WMP-2026-1187',
    submit: 'Continuați',
    current: 'Scopul: {{purpose}}',
    change: 'Schimbați',
  },
  tlp: { label: 'TLP:{{level}}' },
  entityKinds: {
    PHONE: 'Telefon',
    EMAIL: 'E-mail',
    BANK_ACCOUNT: 'Cont bancar',
    ONLINE_ADVERT: 'Anunț online',
    SOCIAL_PROFILE: 'Profil social',
    ADDRESS: 'Adresă',
    VEHICLE: 'Vehicul',
    ORGANISATION: 'Organizație',
  },
  exploitationTypes: {
    SEXUAL: 'Exploatare sexuală',
    LABOUR: 'Exploatare prin muncă',
    CRIMINAL: 'Exploatare infracțională',
    DOMESTIC_SERVITUDE: 'Servitute domestică',
    ORGAN_HARVESTING: 'Prelevare de organe',
  },
  handling: {
    legend: 'Tratarea',
    marking: 'Marcajul TLP',
    sourceEvaluation: 'Sursa',
    intelligenceAssessment: 'Informația',
    handlingCode: 'Codul de tratare',
    handlingConditions: 'Condițiile partajării',
  },
  grading: {
    label: 'Evaluare (3x5x2)',
    source: 'Sursa',
    intelligence: 'Informația',
    handling: 'Tratarea',
    RELIABLE: '1 — de încredere',
    UNTESTED: '2 — netestată',
    NOT_RELIABLE: '3 — nu este de încredere',
    A: 'A — se știe că este adevărată',
    B: 'B — cunoscută ofițerului, nu sursei',
    C: 'C — cunoscută sursei, nu ofițerului',
    D: 'D — nu poate fi apreciată',
    E: 'E — suspectată a fi falsă',
    P: 'P — partajare legală permisă',
    C_handling: 'C — partajare legală cu condiții',
  },
};

/** Each page area's texts, under its own key (`t('network.title')`). */
const AREAS = {
  search,
  person,
  case: kase,
  network,
  hits,
  reports,
  typology,
  map,
  report,
  narratives,
  audit,
  requests,
  retention,
  groups,
  statistics,
  correlations,
  triage,
  frontline,
  campaigns,
  products,
  leads,
  privateScreening,
};

function pick(areas: Record<string, { en: object; ro: object }>, lng: 'en' | 'ro'): Record<string, object> {
  return Object.fromEntries(Object.entries(areas).map(([k, v]) => [k, v[lng]]));
}

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'ro', name: 'Română' },
] as const;

const stored = new URLSearchParams(location.search).get('lang');
void i18next.init({
  lng: stored === 'ro' || navigator.language.startsWith('ro') ? 'ro' : 'en',
  fallbackLng: 'en',
  resources: {
    en: { translation: { ...en, ...pick(AREAS, 'en') } },
    ro: { translation: { ...ro, ...pick(AREAS, 'ro') } },
  },
  interpolation: { escapeValue: false },
  initAsync: false,
});
document.documentElement.lang = i18next.language;
i18next.on('languageChanged', (lng) => (document.documentElement.lang = lng));

export const t = i18next.t.bind(i18next);
export { i18next };
