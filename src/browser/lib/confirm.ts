// An inline confirmation inside the item it concerns (no native dialog): the question, a
// button that does it and one that does not. Focus moves to the question and back.
import { message } from '../common.js';

export function confirmInline(
  item: Element,
  p: { text: string; warning?: string; confirmLabel: string },
): Promise<boolean> {
  item.querySelector(':scope > .confirm')?.remove();
  const trigger = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const box = document.createElement('div');
  box.className = 'confirm';
  box.setAttribute('role', 'group');
  const question = document.createElement('p');
  question.textContent = p.text;
  question.tabIndex = -1;
  box.append(question);
  if (p.warning) {
    const warning = document.createElement('p');
    warning.className = 'warning';
    warning.setAttribute('role', 'alert');
    warning.textContent = p.warning;
    box.append(warning);
  }
  const yes = document.createElement('button');
  yes.type = 'button';
  yes.className = 'danger';
  yes.dataset.confirm = 'yes';
  yes.textContent = p.confirmLabel;
  const no = document.createElement('button');
  no.type = 'button';
  no.className = 'secondary';
  no.dataset.confirm = 'no';
  no.textContent = message('common.cancel');
  box.append(yes, no);
  item.append(box);
  question.focus();
  return new Promise((resolve) => {
    const answer = (value: boolean) => () => {
      box.remove();
      // Declined, the citizen is back where they were; confirmed, the list is re-rendered.
      if (!value) trigger?.focus();
      resolve(value);
    };
    yes.addEventListener('click', answer(true), { once: true });
    no.addEventListener('click', answer(false), { once: true });
  });
}
