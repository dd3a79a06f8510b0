import { useEffect, useState } from 'preact/hooks';
import { type ConsoleConfig, completeSignIn, currentSession, endedSession, loadConfig, SESSION_ENDED, signIn, signOut } from './auth';
import { client } from './graphql';
import { i18next, LANGUAGES, t } from './i18n';
import { NotFound } from './common';
import { inNav, ME, type Me, ROUTES, routeFor } from './routes';

/** The console's pages are addressed by path; the gateway answers every path with this app. */
export function navigate(to: string): void {
  history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

function usePath(): string {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const on = () => setPath(location.pathname + location.search);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return path;
}

export function Link(props: { href: string; children: preact.ComponentChildren; class?: string }) {
  return (
    <a
      href={props.href}
      class={props.class}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

function SignIn({ config }: { config: ConsoleConfig }) {
  const [slug, setSlug] = useState(config.issuers[0]?.slug ?? '');
  const [busy, setBusy] = useState(false);
  return (
    <main id="main" class="narrow">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const choice = config.issuers.find((i) => i.slug === slug);
          if (!choice) return;
          setBusy(true);
          void signIn(config, choice, location.pathname === '/callback' ? '/' : location.pathname + location.search);
        }}
      >
        <label for="agency">{t('signIn.agency')}</label>
        <select id="agency" value={slug} onChange={(e) => setSlug((e.target as HTMLSelectElement).value)}>
          {config.issuers.map((i) => (
            <option key={i.slug} value={i.slug}>
              {i.name}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}

function LanguageChoice() {
  return (
    <label class="lang">
      <span class="visually-hidden">{t('app.language')}</span>
      <select value={i18next.language} onChange={(e) => void i18next.changeLanguage((e.target as HTMLSelectElement).value)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The pages open to anyone: the brand and the language, nothing of an agency's console. */
function PublicShell({ children }: { children: preact.ComponentChildren }) {
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top public">
        <span class="brand">{t('app.title')}</span>
        <div class="who">
          <LanguageChoice />
        </div>
      </header>
      <main id="main" class="public">
        {children}
      </main>
    </>
  );
}

function Header({ config, me }: { config: ConsoleConfig; me?: Me }) {
  const session = currentSession();
  return (
    <header class="top">
      <Link href="/" class="brand">
        {t('app.title')}
      </Link>
      <nav aria-label={t('header.nav')}>
        {ROUTES.filter((r) => inNav(r, me)).map((r) => (
          <Link key={r.nav!.href} href={r.nav!.href}>
            {t(r.nav!.label)}
          </Link>
        ))}
      </nav>
      <div class="who" data-testid="who">
        {session && (
          <>
            <span>
              <span class="muted">{t('header.agency')}:</span> <strong data-testid="agency">{session.issuer.name}</strong>
            </span>
            <span>
              <span class="muted">{t('header.role')}:</span> <strong data-testid="role">{me?.role ? t(`roles.${me.role}`) : '…'}</strong>
            </span>
          </>
        )}
        <LanguageChoice />
        {session && (
          <button type="button" class="secondary" onClick={() => void signOut(config)}>
            {t('header.signOut')}
          </button>
        )}
      </div>
    </header>
  );
}

export function App() {
  const path = usePath();
  const [config, setConfig] = useState<ConsoleConfig>();
  const [error, setError] = useState<string>();
  const [, setLang] = useState(i18next.language);
  const [me, setMe] = useState<Me>();
  const [signedIn, setSignedIn] = useState(!!currentSession());

  useEffect(() => {
    const on = (lng: string) => setLang(lng);
    i18next.on('languageChanged', on);
    return () => i18next.off('languageChanged', on);
  }, []);

  useEffect(() => {
    loadConfig()
      .then(async (c) => {
        setConfig(c);
        if (location.pathname === '/callback') {
          const next = await completeSignIn(c);
          history.replaceState(null, '', next);
          dispatchEvent(new PopStateEvent('popstate'));
          setSignedIn(true);
        }
      })
      .catch((err: unknown) => setError((err as Error).message));
  }, []);

  // A session that ended on its own (no refresh possible) signs in again at the same provider, back to this page.
  const [, setEnded] = useState(0);
  useEffect(() => {
    const on = () => setEnded((n) => n + 1);
    addEventListener(SESSION_ENDED, on);
    return () => removeEventListener(SESSION_ENDED, on);
  }, []);
  const ended = endedSession();
  useEffect(() => {
    if (ended && location.pathname !== '/callback') void signIn(ended.config, ended.issuer, location.pathname + location.search);
  }, [ended?.issuer.slug]);

  useEffect(() => {
    if (!signedIn) return;
    void client
      .query(ME, {})
      .toPromise()
      .then((r) => r.data && setMe({ ...r.data.me, permissions: r.data.permissions }));
  }, [signedIn]);

  const [pathname, query = ''] = path.split('?');
  const params = new URLSearchParams(query);
  const found = routeFor(pathname!);
  // Public pages come before the sign-in gate: no configuration, no session, no token.
  if (found?.route.public) return <PublicShell>{found.route.page(found.params, params, undefined)}</PublicShell>;

  if (error) {
    return (
      <main id="main" class="narrow">
        <h1>{t('signIn.failed')}</h1>
        <p role="alert">{error}</p>
        <p>
          <a href="/">{t('signIn.again')}</a>
        </p>
      </main>
    );
  }
  if (!config || location.pathname === '/callback' || ended) return <p class="loading">{t('signIn.completing')}</p>;
  if (!currentSession()) {
    return (
      <>
        <Header config={config} />
        <SignIn config={config} />
      </>
    );
  }
  const page = found ? found.route.page(found.params, params, me) : <NotFound />;
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <Header config={config} me={me} />
      <main id="main">{page}</main>
    </>
  );
}
