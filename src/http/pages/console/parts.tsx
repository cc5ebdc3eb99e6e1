// Pieces the console's pages share: its tables (a caption, a header row, a box that scrolls
// sideways on a phone) and its lists of filter or page links.
import type { Child } from 'hono/jsx';
import type { MessageKey } from '../../../i18n/catalogue.js';
import type { Texts } from './frame.js';

export function ConsoleTable(props: {
  texts: Texts;
  id?: string;
  caption: string;
  columns: MessageKey[];
  children: Child;
}) {
  return (
    <table class="console-table" tabindex={0} id={props.id}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th scope="col">{props.texts.t(column)}</th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

export type FilterLink = { href: string; label: string; current?: boolean };

/** Links that narrow or page what a page shows; the one showing now is marked current. */
export function FilterNav(props: { label: string; links: FilterLink[] }) {
  return (
    <nav aria-label={props.label}>
      <ul class="console-filters">
        {props.links.map((link) => (
          <li>
            <a href={link.href} aria-current={link.current ? 'page' : undefined}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A labelled text field with its hint, which the field names as its description. */
export function HintedInput(props: {
  id: string;
  name: string;
  label: string;
  hint: string;
  maxlength: number;
  value: string;
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <p id={`${props.id}-hint`} class="hint">
        {props.hint}
      </p>
      <input
        id={props.id}
        name={props.name}
        required
        maxlength={props.maxlength}
        autocomplete="off"
        aria-describedby={`${props.id}-hint`}
        value={props.value}
      />
    </>
  );
}

/** The legal reference every action and every confidentiality change is made on. */
export function LegalReferenceInput(props: { texts: Texts; id: string }) {
  return (
    <HintedInput
      id={props.id}
      name="legalReference"
      label={props.texts.t('console.act.legalReference')}
      hint={props.texts.t('console.act.legalHint')}
      maxlength={500}
      value=""
    />
  );
}
