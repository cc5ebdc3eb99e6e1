// The action page: what is about to change (read from the same rules the action follows),
// the reason code and legal reference, then a confirmation step that restates all of it.
// The page's script asks for a fresh passkey assertion and POSTs the action to the JSON
// API (/v1/regulator/...), which runs it through the regulator services.
import { REASON_CODES } from '../../../services/regulator.js';
import type { Texts } from './frame.js';
import { LegalReferenceInput } from './parts.js';

export interface PlannedLine {
  account: string;
  kind: 'binding' | 'attestation' | 'identity' | 'conflict';
  id: string;
  from: string;
  to: string;
}

export interface ActionPlan {
  /** suspend | reinstate | revoke | lift | revoke_existing | dismiss */
  action: string;
  /** Where the script POSTs, and the body's shape. */
  endpoint: string;
  body: Record<string, unknown>;
  targetText: string;
  changes: PlannedLine[];
  unchanged: { account: string; kind: string; id: string; status: string }[];
  notes: string[];
  back: string;
}

function Change(props: { texts: Texts; line: PlannedLine }) {
  const { texts, line } = props;
  return (
    <li data-kind={line.kind} data-id={line.id}>
      <span class="account-id">{line.account}</span>{' '}
      {texts.t('console.act.change', {
        kind: texts.t(`console.kind.${line.kind}` as 'console.kind.binding'),
        from: texts.named('console.status.', line.from),
        to: texts.named('console.status.', line.to),
      })}
    </li>
  );
}

export function ActionPage(props: { texts: Texts; plan: ActionPlan }) {
  const { texts, plan } = props;
  const title = texts.t(`console.action.${plan.action}` as 'console.action.suspend');
  const nothing = plan.changes.length === 0 && plan.notes.length === 0;
  return (
    <>
      <h1>{title}</h1>
      <p class="target">{plan.targetText}</p>
      <form
        id="action-form"
        data-endpoint={plan.endpoint}
        data-body={JSON.stringify(plan.body)}
        data-action={plan.action}
        data-back={plan.back}
      >
        <label for="action-reason">{texts.t('console.act.reason')}</label>
        <select id="action-reason" name="reason" required>
          <option value="">{texts.t('console.act.chooseReason')}</option>
          {REASON_CODES.map((code) => (
            <option value={code}>{texts.named('console.reason.', code)}</option>
          ))}
        </select>
        <LegalReferenceInput texts={texts} id="action-legal" />
        <p class="feedback" id="action-form-feedback" role="alert" hidden />
        <div class="button-row">
          <button type="submit" id="action-review">
            {texts.t('console.act.review')}
          </button>
          <a href={plan.back} class="button secondary">
            {texts.t('console.act.cancel')}
          </a>
        </div>
      </form>

      <section id="action-confirm-step" hidden aria-labelledby="action-confirm-title">
        <h2 id="action-confirm-title" tabindex={-1}>
          {texts.t('console.act.confirmTitle')}
        </h2>
        <p>{texts.t('console.act.confirmLead', { action: title })}</p>
        <h3>{texts.t('console.act.willChange')}</h3>
        {nothing ? (
          <p id="action-nothing">{texts.t('console.act.nothing')}</p>
        ) : (
          <ul id="action-changes">
            {plan.changes.map((line) => (
              <Change texts={texts} line={line} />
            ))}
            {plan.notes.map((note) => (
              <li class="note">{note}</li>
            ))}
          </ul>
        )}
        {plan.unchanged.length > 0 && (
          <>
            <h3>{texts.t('console.act.staysAsIs')}</h3>
            <ul id="action-unchanged">
              {plan.unchanged.map((line) => (
                <li data-id={line.id}>
                  <span class="account-id">{line.account}</span> —{' '}
                  {texts.named('console.status.', line.status)}
                </li>
              ))}
            </ul>
          </>
        )}
        <dl class="facts">
          <dt>{texts.t('console.act.reason')}</dt>
          <dd id="action-confirm-reason" />
          <dt>{texts.t('console.act.legalReference')}</dt>
          <dd id="action-confirm-legal" />
        </dl>
        <p>{texts.t('console.act.passkeyHint')}</p>
        <div class="button-row">
          <button type="button" id="action-confirm" class={`danger action-${plan.action}`}>
            {texts.t('console.act.confirm', { action: title })}
          </button>
          <button type="button" id="action-back" class="secondary">
            {texts.t('console.act.edit')}
          </button>
        </div>
        <p class="feedback" id="action-feedback" hidden />
      </section>

      <section id="action-done" hidden>
        <p class="feedback" id="action-result" role="status" data-kind="success" />
        <p>
          <a class="button" href={plan.back} id="action-back-to-detail">
            {texts.t('console.act.backToDetail')}
          </a>
        </p>
      </section>
    </>
  );
}
