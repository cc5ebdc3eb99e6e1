// The citizen's pages. They hold no secrets: the account page is rendered from the same
// use cases as the JSON API, and every action goes through that API with the script built
// from src/browser (strict CSP: no inline scripts or styles). Each page needs its kind of
// session and sends the citizen where they belong otherwise.
import { type Context, Hono } from 'hono';
import { t } from '../../i18n/catalogue.js';
import type { SessionKind } from '../../services/sessions.js';
import type { AppEnv } from '../env.js';
import { accountPage } from './citizen/account.js';
import { activityPage } from './citizen/activity.js';
import { EnrollPage } from './citizen/enroll.js';
import { HomePage } from './citizen/home.js';
import { citizenPage, SignOut, type Translate } from './citizen/page.js';
import type { LayoutProps } from './layout.js';

/** The layout's request-dependent props: language, address, the citizen script. */
export function pageFrame(c: Context<AppEnv>): Pick<LayoutProps, 'locale' | 'url' | 'scripts'> {
  const url = new URL(c.req.url);
  return { locale: c.get('locale'), url: `${url.pathname}${url.search}`, scripts: ['citizen'] };
}

/** Where a citizen with this session (or none) starts: the page that fits it. */
export function homeOf(kind: SessionKind | undefined): string {
  if (kind === 'full') return '/account';
  if (kind === 'enrollment') return '/enroll';
  return '/';
}

function translator(c: Context<AppEnv>): Translate {
  const locale = c.get('locale');
  return (key, params) => t(locale, key, params);
}

export function pageRoutes() {
  const app = new Hono<AppEnv>();

  // A page shown only to its own kind of session; anyone else goes to their starting page.
  const onlyFor =
    (kind: SessionKind | undefined, render: (c: Context<AppEnv>) => Response | Promise<Response>) =>
    (c: Context<AppEnv>) => {
      const home = homeOf(c.get('session')?.kind);
      if (home !== homeOf(kind)) {
        c.header('cache-control', 'no-store');
        return c.redirect(home, 303);
      }
      return render(c);
    };

  app.get(
    '/',
    onlyFor(undefined, (c) =>
      citizenPage(c, {
        title: 'citizen.home.title',
        children: <HomePage config={c.get('config')} tr={translator(c)} />,
      }),
    ),
  );

  app.get(
    '/enroll',
    onlyFor('enrollment', (c) =>
      citizenPage(c, {
        title: 'citizen.enroll.title',
        // Verified but not wanting a passkey here: signing out leads back to the home page.
        header: <SignOut tr={translator(c)} />,
        children: <EnrollPage tr={translator(c)} />,
      }),
    ),
  );

  app.get('/account', onlyFor('full', accountPage));
  app.get('/activity', onlyFor('full', activityPage));

  app.get('/assets/:name', (c) => {
    const asset = c.get('deps').assets[c.req.param('name')];
    if (!asset) return c.notFound();
    c.header('content-type', asset.contentType);
    c.header('cache-control', 'public, max-age=3600');
    return c.body(asset.body);
  });

  return app;
}
