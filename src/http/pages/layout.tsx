import type { Child } from 'hono/jsx';

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · wallet-attest</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/simplewebauthn-browser.js" defer />
        <script src="/assets/app.js" defer />
      </head>
      <body>
        <header>
          <a href="/" class="brand">
            wallet-attest
          </a>
        </header>
        <main>{props.children}</main>
        <p id="status" role="status" aria-live="polite" />
      </body>
    </html>
  );
}
