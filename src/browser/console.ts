// The regulator console's script: passkey sign-in, and for each action the confirmation
// step, a fresh passkey assertion (the same WebAuthn API the citizen pages use) and the
// action POSTed to the JSON API, whose answer is told next to the button.
import { type PublicKeyCredentialRequestOptionsJSON, startAuthentication } from '@simplewebauthn/browser';
import { api, byId, message, PageError } from './common.js';

interface ActionAnswer {
  changed?: { bindings: string[]; attestations: string[] } | boolean;
  lifted?: boolean;
  /** Four eyes: the action waits for a second officer's approval (202). */
  pending?: { id: string; expiresAt: string };
}

/** A passkey assertion: signs in, or refreshes the step-up of the signed-in session. */
async function assertPasskey(): Promise<void> {
  const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>(
    'POST',
    '/v1/webauthn/authentication/options',
  );
  let response: Awaited<ReturnType<typeof startAuthentication>>;
  try {
    response = await startAuthentication({ optionsJSON });
  } catch {
    // The browser's own texts (W3C error names) are not for people: say what happened.
    throw new PageError(message('console.act.passkeyCancelled'));
  }
  await api('POST', '/v1/webauthn/authentication/verify', response);
}

function tell(element: HTMLElement, kind: 'success' | 'error' | 'progress', text: string) {
  element.hidden = false;
  element.textContent = text;
  element.dataset.kind = kind === 'progress' ? 'success' : kind;
  element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

function outcome(action: string, answer: ActionAnswer): string {
  if (answer.pending) {
    const until = new Date(answer.pending.expiresAt).toLocaleString(
      document.documentElement.lang || undefined,
      {
        dateStyle: 'medium',
        timeStyle: 'short',
      },
    );
    return message('console.act.sentForApproval', { until });
  }
  if (action === 'lift') return message(answer.lifted ? 'console.act.lifted' : 'console.act.notBlocked');
  if (action === 'revoke_existing' || action === 'dismiss') {
    return message(answer.changed ? 'console.act.conflictClosed' : 'console.act.conflictAlreadyClosed');
  }
  const changed = typeof answer.changed === 'object' ? answer.changed : { bindings: [], attestations: [] };
  if (changed.bindings.length + changed.attestations.length === 0)
    return message('console.act.nothingChanged');
  return message('console.act.done', {
    bindings: changed.bindings.length,
    attestations: changed.attestations.length,
  });
}

function setUpSignIn() {
  const button = byId<HTMLButtonElement>('console-sign-in');
  const feedback = byId('console-sign-in-feedback');
  if (!button || !feedback) return;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      tell(feedback, 'progress', message('console.act.working'));
      await assertPasskey();
      tell(feedback, 'success', message('console.signIn.done'));
      const next = button.dataset.next ?? '/regulator';
      window.location.assign(next.startsWith('/regulator') ? next : '/regulator');
    } catch (error) {
      tell(feedback, 'error', error instanceof Error ? error.message : String(error));
    } finally {
      button.disabled = false;
    }
  });
}

function setUpAction() {
  const form = byId<HTMLFormElement>('action-form');
  const confirmStep = byId('action-confirm-step');
  const confirm = byId<HTMLButtonElement>('action-confirm');
  const back = byId<HTMLButtonElement>('action-back');
  const feedback = byId('action-feedback');
  const formFeedback = byId('action-form-feedback');
  const done = byId('action-done');
  const result = byId('action-result');
  if (!form || !confirmStep || !confirm || !back || !feedback || !formFeedback || !done || !result) return;
  const reason = form.elements.namedItem('reason') as HTMLSelectElement;
  const legal = form.elements.namedItem('legalReference') as HTMLInputElement;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const legalText = legal.value.trim();
    if (!reason.value || !legalText) {
      tell(formFeedback, 'error', message('console.act.fillForm'));
      return;
    }
    formFeedback.hidden = true;
    byId('action-confirm-reason')!.textContent = reason.selectedOptions[0]?.textContent ?? reason.value;
    byId('action-confirm-legal')!.textContent = legalText;
    form.hidden = true;
    confirmStep.hidden = false;
    feedback.hidden = true;
    byId('action-confirm-title')?.focus();
  });

  back.addEventListener('click', () => {
    confirmStep.hidden = true;
    form.hidden = false;
    reason.focus();
  });

  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    back.disabled = true;
    try {
      tell(feedback, 'progress', message('console.act.working'));
      await assertPasskey();
      const body = {
        ...(JSON.parse(form.dataset.body ?? '{}') as Record<string, unknown>),
        reason: reason.value,
        legalReference: legal.value.trim(),
      };
      const answer = await api<ActionAnswer>('POST', form.dataset.endpoint ?? '', body);
      confirmStep.hidden = true;
      done.hidden = false;
      tell(result, 'success', outcome(form.dataset.action ?? '', answer));
      byId('action-back-to-detail')?.focus();
    } catch (error) {
      tell(feedback, 'error', error instanceof Error ? error.message : String(error));
    } finally {
      confirm.disabled = false;
      back.disabled = false;
    }
  });
}

/** The approvals page: each approval asks for the officer's passkey, then carries the action out. */
function setUpApprovals() {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-approve]')) {
    const feedback = button.parentElement?.querySelector<HTMLElement>('.feedback');
    if (!feedback) continue;
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        tell(feedback, 'progress', message('console.act.working'));
        await assertPasskey();
        await api(
          'POST',
          `/v1/regulator/pending-actions/${encodeURIComponent(button.dataset.approve ?? '')}/approval`,
          {},
        );
        tell(feedback, 'success', message('console.approvals.done'));
        button.hidden = true;
      } catch (error) {
        tell(feedback, 'error', error instanceof Error ? error.message : String(error));
        button.disabled = false;
      }
    });
  }
}

/** The case page: keeping the open case confidential until a date, or extending it. */
function setUpConfidentiality() {
  const form = byId<HTMLFormElement>('case-confidential-form');
  const feedback = byId('case-confidential-feedback');
  if (!form || !feedback) return;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const date = (form.elements.namedItem('discloseAt') as HTMLInputElement).value;
    const legalReference = (form.elements.namedItem('legalReference') as HTMLInputElement).value.trim();
    if (!date || !legalReference) {
      tell(feedback, 'error', message('console.act.fillForm'));
      return;
    }
    const submit = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (submit) submit.disabled = true;
    try {
      tell(feedback, 'progress', message('console.act.working'));
      await assertPasskey();
      // The start of that day where the officer is.
      const discloseAt = new Date(`${date}T00:00:00`).toISOString();
      await api('POST', '/v1/regulator/confidential-cases', { discloseAt, legalReference });
      window.location.reload();
    } catch (error) {
      tell(feedback, 'error', error instanceof Error ? error.message : String(error));
      if (submit) submit.disabled = false;
    }
  });
}

function setUpSignOut() {
  const button = byId<HTMLButtonElement>('console-sign-out');
  button?.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api('POST', '/v1/session/logout');
    } finally {
      window.location.assign('/regulator/sign-in');
    }
  });
}

setUpSignIn();
setUpAction();
setUpApprovals();
setUpConfidentiality();
setUpSignOut();
