// The dev IdP's sign-in page: pick a test person. hono/jsx escapes every value it renders.
import type { AuthorizationRequest } from './authorizeRequest.js';
import { requestAsFormFields } from './authorizeRequest.js';
import type { TestPerson } from './testPersons.js';

export const PICKER_TITLE = 'Development identity provider';

// No inline styles: the app's Content-Security-Policy allows only same-origin stylesheets.
export const PICKER_CSS = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
.warning{border:2px solid #b45309;background:#fef3c7;padding:.75rem 1rem;border-radius:.5rem}
ul{list-style:none;padding:0}li{margin:.5rem 0}
button{width:100%;text-align:left;padding:.75rem 1rem;border-radius:.5rem;border:1px solid #999;background:#fff;cursor:pointer}
button:hover{background:#f3f4f6}.iin{font-family:ui-monospace,monospace}`;

export function PickerPage(props: { issuer: string; request: AuthorizationRequest; persons: TestPerson[] }) {
  const fields = Object.entries(requestAsFormFields(props.request));
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{PICKER_TITLE}</title>
        <link rel="stylesheet" href={`${props.issuer}/style.css`} />
      </head>
      <body>
        <main>
          <h1>{PICKER_TITLE}</h1>
          <p class="warning" role="alert">
            <strong>For development only.</strong> This identity provider signs anyone in as any of the
            fictitious people below, without checking anything. It is refused in production.
          </p>
          <p>
            Client <code>{props.request.clientId}</code> asks who you are. Choose a test person:
          </p>
          <form method="post" action={`${props.issuer}/authorize`}>
            {fields.map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <ul>
              {props.persons.map((person) => (
                <li>
                  <button type="submit" name="person" value={person.nationalId}>
                    <strong>
                      {person.givenName} {person.familyName}
                    </strong>
                    <br />
                    IIN <span class="iin">{person.nationalId}</span> · born {person.birthDate}
                  </button>
                </li>
              ))}
            </ul>
          </form>
        </main>
      </body>
    </html>
  );
}
