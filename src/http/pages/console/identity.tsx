// What an officer sees of a person and their accounts: the decrypted identity, each
// binding with its attestations, the actions that apply to each, and the history the
// audit log holds about them.
import type { AuditEntry } from '../../../domain/audit/auditChain.js';
import type { lookupByIdentity } from '../../../services/regulator.js';
import type { Texts } from './frame.js';
import { ConsoleTable } from './parts.js';

type Identity = Awaited<ReturnType<typeof lookupByIdentity>>['identity'];
type Binding = Awaited<ReturnType<typeof lookupByIdentity>>['bindings'][number];

/** A link to the action page for one target; the page asks reason, reference, confirmation. */
export function actionHref(action: string, target: string, id: string, back: string): string {
  const query = new URLSearchParams({ action, target, id, back });
  return `/regulator/act?${query}`;
}

function ActionLinks(props: {
  texts: Texts;
  target: 'identity' | 'account' | 'attestation';
  id: string;
  status: string;
  back: string;
}) {
  const { texts, target, id, status, back } = props;
  if (status === 'revoked' || status === 'invalid' || status === 'expired') return <></>;
  const actions = status === 'suspended' ? ['reinstate', 'revoke'] : ['suspend', 'revoke'];
  if (target === 'identity') actions.splice(0, actions.length, 'suspend', 'reinstate', 'revoke');
  return (
    <ul class="console-actions">
      {actions.map((action) => (
        <li>
          <a
            class={`button action-${action}`}
            data-action={action}
            data-target={target}
            href={actionHref(action, target, id, back)}
          >
            {texts.t(`console.action.${action}` as 'console.action.suspend')}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function IdentityCard(props: { texts: Texts; identity: Identity; back: string; actions?: boolean }) {
  const { texts, identity } = props;
  const name = [identity.familyName, identity.givenName, identity.patronymic].filter(Boolean).join(' ');
  const status = identity.linkBlock ? 'blocked' : 'active';
  return (
    <section class="identity-card" id="console-identity" data-identity-id={identity.id} data-status={status}>
      <h2>{name || texts.t('console.identity.unnamed')}</h2>
      <dl class="facts">
        <dt>{texts.t('console.identity.nationalId')}</dt>
        <dd class="national-id">{identity.nationalId}</dd>
        {identity.birthDate && (
          <>
            <dt>{texts.t('console.identity.birthDate')}</dt>
            <dd>{texts.day(identity.birthDate)}</dd>
          </>
        )}
        <dt>{texts.t('console.identity.verified')}</dt>
        <dd>
          {texts.t('console.identity.verifiedHow', {
            date: texts.when(identity.verifiedAt),
            source: texts.named('console.source.', identity.source),
            level: texts.named('console.level.', identity.level),
          })}
        </dd>
        <dt>{texts.t('console.identity.linking')}</dt>
        <dd id="console-link-block" data-blocked={identity.linkBlock ? 'true' : 'false'}>
          {identity.linkBlock
            ? texts.t('console.identity.blockedSince', {
                date: texts.when(identity.linkBlock.at),
                reason: texts.named('console.reason.', identity.linkBlock.reason),
              })
            : texts.t('console.identity.notBlocked')}
        </dd>
        {identity.roles.includes('regulator') && (
          <>
            <dt>{texts.t('console.identity.roles')}</dt>
            <dd>{texts.t('console.identity.officer')}</dd>
          </>
        )}
      </dl>
      {props.actions !== false && (
        <>
          <h3>{texts.t('console.identity.actionsTitle')}</h3>
          <p>{texts.t('console.identity.actionsHint')}</p>
          <ActionLinks texts={texts} target="identity" id={identity.id} status="active" back={props.back} />
          {identity.linkBlock && (
            <p>
              <a
                class="button"
                id="lift-link-block"
                href={actionHref('lift', 'identity', identity.id, props.back)}
              >
                {texts.t('console.action.lift')}
              </a>
            </p>
          )}
        </>
      )}
    </section>
  );
}

/**
 * Each binding is headed one level below the page's section it sits in: h3 under the
 * identity's or account's "Linked accounts" h2, h2 where the binding is the page's subject.
 */
export function BindingsTable(props: { texts: Texts; bindings: Binding[]; back: string; level?: 2 | 3 }) {
  const { texts, bindings } = props;
  const Heading = props.level === 2 ? 'h2' : 'h3';
  if (bindings.length === 0) return <p>{texts.t('console.bindings.none')}</p>;
  return (
    <ul class="console-bindings" id="console-bindings">
      {bindings.map((binding) => {
        const reason = binding.suspensionReason ?? binding.revocationReason;
        return (
          <li class="console-binding" data-binding-id={binding.id} data-status={binding.status}>
            <Heading>
              <a href={`/regulator/bindings/${encodeURIComponent(binding.id)}`} class="account-id">
                {binding.account}
              </a>
            </Heading>
            <dl class="facts">
              <dt>{texts.t('console.bindings.status')}</dt>
              <dd class={`status status-${binding.status}`}>
                {texts.named('console.status.', binding.status)}
                {reason ? ` — ${texts.named('console.reason.', reason)}` : ''}
              </dd>
              <dt>{texts.t('console.bindings.linked')}</dt>
              <dd>
                {texts.when(binding.createdAt)} · {texts.named('console.method.', binding.method)}
              </dd>
              <dt>{texts.t('console.bindings.changed')}</dt>
              <dd>{texts.when(binding.statusChangedAt)}</dd>
              <dt>{texts.t('console.bindings.id')}</dt>
              <dd>
                <code>{binding.id}</code>
              </dd>
            </dl>
            <ActionLinks
              texts={texts}
              target="account"
              id={binding.account}
              status={binding.status}
              back={props.back}
            />
            {binding.attestations.length > 0 && (
              <ConsoleTable
                caption={texts.t('console.attestations.caption')}
                texts={texts}
                columns={[
                  'console.attestations.id',
                  'console.attestations.state',
                  'console.attestations.issued',
                  'console.attestations.expires',
                  'console.attestations.actions',
                ]}
              >
                {binding.attestations.map((attestation) => (
                  <tr data-attestation-id={attestation.id} data-state={attestation.state}>
                    <td>
                      <code>{attestation.id}</code>
                    </td>
                    <td>{texts.named('console.status.', attestation.state)}</td>
                    <td>{texts.when(attestation.issuedAt)}</td>
                    <td>{texts.when(attestation.expiresAt)}</td>
                    <td>
                      <ActionLinks
                        texts={texts}
                        target="attestation"
                        id={attestation.id}
                        status={attestation.state}
                        back={props.back}
                      />
                    </td>
                  </tr>
                ))}
              </ConsoleTable>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The audit entries about the identity and its bindings, newest first. */
export function HistoryTable(props: { texts: Texts; entries: AuditEntry[] }) {
  const { texts, entries } = props;
  return (
    <section id="console-history">
      <h2>{texts.t('console.history.title')}</h2>
      {entries.length === 0 ? (
        <p>{texts.t('console.history.none')}</p>
      ) : (
        <ConsoleTable
          caption={texts.t('console.history.caption')}
          texts={texts}
          columns={[
            'console.history.when',
            'console.history.what',
            'console.history.who',
            'console.history.details',
            'console.history.entry',
          ]}
        >
          {entries.map((entry) => (
            <tr data-action={entry.action}>
              <td>{texts.when(entry.at)}</td>
              <td>{texts.named('console.event.', entry.action)}</td>
              <td>{texts.named('console.actor.', entry.actorType)}</td>
              <td>{describeDetails(texts, entry.details)}</td>
              <td>
                <a href={`/regulator/audit/${entry.seq}`}>{`#${entry.seq}`}</a>
              </td>
            </tr>
          ))}
        </ConsoleTable>
      )}
    </section>
  );
}

/** The details people read: reason, legal reference, how a lookup searched. */
export function describeDetails(texts: Texts, details: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof details.reason === 'string') parts.push(texts.named('console.reason.', details.reason));
  if (typeof details.legalReference === 'string') parts.push(details.legalReference);
  if (typeof details.by === 'string') parts.push(texts.named('console.lookupBy.', details.by));
  if (typeof details.account === 'string') parts.push(details.account);
  return parts.join(' · ');
}
