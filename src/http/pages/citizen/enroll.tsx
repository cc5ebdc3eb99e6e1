// Passkey registration, right after an identity was verified.
import { FeedbackSlot, type Translate } from './page.js';

/** The name field of a new passkey; a name is asked for so passkeys can be told apart. */
export function PasskeyNameField({ id, tr }: { id: string; tr: Translate }) {
  return (
    <p class="field">
      <label for={id}>{tr('citizen.passkeys.nameLabel')}</label>
      <input
        id={id}
        name="name"
        maxlength={64}
        required
        autocomplete="off"
        placeholder={tr('citizen.passkeys.namePlaceholder')}
      />
    </p>
  );
}

export function EnrollPage({ tr }: { tr: Translate }) {
  return (
    <>
      <h1>{tr('citizen.enroll.heading')}</h1>
      <section data-feedback>
        <p>{tr('citizen.enroll.intro')}</p>
        <PasskeyNameField id="passkey-name" tr={tr} />
        <button type="button" id="passkey-register">
          {tr('citizen.enroll.register')}
        </button>
        <FeedbackSlot />
      </section>
    </>
  );
}
