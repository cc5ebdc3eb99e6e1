// The console's approvals page: the actions other officers (or regulator systems) asked
// for that need a second officer (four eyes), each with what it will do, who asked, under
// which purpose and case, and until when it can be approved. Approving asks for the
// officer's own passkey and carries the action out (the console's script POSTs to
// /v1/regulator/pending-actions/:id/approval); an officer's own requests are listed but
// cannot be approved by them.
import type { PendingAction } from '../../../services/fourEyes.js';
import type { Texts } from './frame.js';

export function ApprovalsList(props: { texts: Texts; pending: PendingAction[]; officerId: string }) {
  const { texts } = props;
  if (props.pending.length === 0) return <p id="approvals-none">{texts.t('console.approvals.none')}</p>;
  return (
    <ul class="console-bindings" id="console-approvals">
      {props.pending.map((pending) => {
        const own = pending.requestedBy === props.officerId;
        return (
          <li data-pending-id={pending.id} data-kind={pending.kind}>
            <h2>{texts.named('console.approvals.kind.', pending.kind)}</h2>
            <dl class="facts">
              <dt>{texts.t('console.approvals.person')}</dt>
              <dd>
                <a href={`/regulator/identities/${encodeURIComponent(pending.identity)}`}>
                  {pending.identity}
                </a>
              </dd>
              {pending.reason && (
                <>
                  <dt>{texts.t('console.act.reason')}</dt>
                  <dd>{texts.named('console.reason.', pending.reason)}</dd>
                </>
              )}
              {pending.legalReference && (
                <>
                  <dt>{texts.t('console.act.legalReference')}</dt>
                  <dd>{pending.legalReference}</dd>
                </>
              )}
              <dt>{texts.t('console.approvals.requested')}</dt>
              <dd>
                {texts.when(pending.requestedAt)} · {texts.named('console.purpose.', pending.purpose)} ·{' '}
                {pending.caseReference}
              </dd>
              <dt>{texts.t('console.approvals.requestedBy')}</dt>
              <dd>{own ? texts.t('console.approvals.you') : pending.requestedBy}</dd>
              <dt>{texts.t('console.approvals.until')}</dt>
              <dd>{texts.when(pending.expiresAt)}</dd>
            </dl>
            {own ? (
              <p class="hint">{texts.t('console.approvals.ownRequest')}</p>
            ) : (
              <div class="approval" data-feedback>
                <p>{texts.t('console.approvals.confirmLead')}</p>
                <button type="button" class="danger" data-approve={pending.id}>
                  {texts.t('console.approvals.approve')}
                </button>
                <p class="feedback" hidden />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
