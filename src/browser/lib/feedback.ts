// Feedback next to the action that caused it: a fresh element in the action's group
// (the nearest [data-feedback]), role=status for success and role=alert for errors, so
// screen readers announce it, and styled apart by data-kind.
import { message } from '../common.js';
import { humanText } from './errors.js';

export type FeedbackKind = 'success' | 'error';

function slotOf(group: Element): Element {
  let slot = group.querySelector(':scope > .feedback-slot');
  if (!slot) {
    slot = document.createElement('div');
    slot.className = 'feedback-slot';
    group.append(slot);
  }
  return slot;
}

/** The group an element's feedback belongs to. */
export function groupOf(element: Element): Element {
  return element.closest('[data-feedback]') ?? document.body;
}

export function showFeedback(group: Element, kind: FeedbackKind, text: string): HTMLElement {
  const slot = slotOf(group);
  const feedback = document.createElement('p');
  feedback.className = 'feedback';
  feedback.dataset.kind = kind;
  feedback.setAttribute('role', kind === 'success' ? 'status' : 'alert');
  feedback.textContent = text;
  // A new element each time: assistive technology announces it even when the text repeats.
  slot.replaceChildren(feedback);
  return feedback;
}

export function clearFeedback(group: Element): void {
  group.querySelector(':scope > .feedback-slot')?.replaceChildren();
}

/** A group by the id of the element that holds it (after a re-render replaced the old one). */
export function groupById(id: string): Element {
  const element = document.getElementById(id);
  return element ? groupOf(element) : document.body;
}

/**
 * Runs a button's action: the button is busy meanwhile (no double submission), a
 * progress note appears in its group (not for actions that first ask a question), and a
 * failure is told there in human words.
 */
export function guarded(
  button: HTMLElement,
  action: () => Promise<void>,
  options: { progress: boolean } = { progress: true },
): () => Promise<void> {
  return async () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    const group = groupOf(button);
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-busy', 'true');
    const progress = document.createElement('p');
    progress.className = 'progress';
    progress.textContent = message('common.working');
    if (options.progress) slotOf(group).replaceChildren(progress);
    try {
      await action();
      progress.remove();
    } catch (error) {
      // The group may have been re-rendered; tell the failure where the button is now.
      const target = button.isConnected ? group : button.id ? groupById(button.id) : document.body;
      showFeedback(target, 'error', humanText(error));
    } finally {
      button.removeAttribute('aria-disabled');
      button.removeAttribute('aria-busy');
    }
  };
}
