// "Sign with eGov Mobile": the service registers a QR signing with SIGEX, the page shows
// the QR code (or, on a phone, a link that opens eGov Mobile), follows the signing while
// the citizen scans and confirms in the app, and once the signature has arrived has the
// service verify it, which starts the enrollment session.
import { api, byId, message, PageError, type Problem, problemText } from './common.js';
import { guarded } from './lib/feedback.js';

interface Started {
  id: string;
  qrCode: string;
  eGovMobileLaunchLink?: string;
  expiresAt: string;
}

interface Status {
  status: 'waiting' | 'scanned' | 'signed' | 'completed' | 'failed' | 'expired';
  problem?: Problem;
}

/** How often the page asks where the signing stands. */
const POLL_MS = 1000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function panel() {
  return {
    box: byId('egov-mobile-panel')!,
    qr: byId<HTMLImageElement>('egov-mobile-qr')!,
    state: byId('egov-mobile-state')!,
    launch: byId('egov-mobile-launch')!,
  };
}

async function signWithEgovMobile(button: HTMLElement): Promise<void> {
  const view = panel();
  const started = await api<Started>('POST', '/v1/identity/egov-mobile');
  view.qr.src = started.qrCode;
  view.qr.hidden = false;
  view.launch.replaceChildren();
  view.launch.hidden = !started.eGovMobileLaunchLink;
  if (started.eGovMobileLaunchLink) {
    const link = document.createElement('a');
    link.className = 'button';
    link.href = started.eGovMobileLaunchLink;
    link.textContent = message('citizen.egov.launch');
    view.launch.append(link);
  }
  view.state.textContent = message('citizen.egov.waiting');
  view.box.hidden = false;
  try {
    for (;;) {
      await pause(POLL_MS);
      const { status, problem } = await api<Status>('GET', `/v1/identity/egov-mobile/${started.id}`);
      if (status === 'scanned') {
        // The QR code is used up once eGov Mobile has taken the request.
        view.qr.hidden = true;
        view.launch.hidden = true;
        view.state.textContent = message('citizen.egov.scanned');
      } else if (status === 'signed') {
        view.state.textContent = message('citizen.egov.verifying');
        await api('POST', `/v1/identity/egov-mobile/${started.id}/verify`);
        location.assign('/enroll');
        return;
      } else if (status === 'expired') {
        throw new PageError(message('citizen.egov.expired'));
      } else if (status === 'failed' || status === 'completed') {
        // Completed elsewhere (another tab) is no sign-in here either.
        const reason = problem ? problemText(problem) : message('problem.challenge-invalid.detail');
        throw new PageError(message('citizen.egov.failed', { reason }));
      }
    }
  } catch (error) {
    view.box.hidden = true;
    if (button.dataset.again) button.textContent = button.dataset.again;
    throw error;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const button = byId('egov-mobile-sign');
  if (button)
    button.addEventListener(
      'click',
      guarded(button, () => signWithEgovMobile(button)),
    );
});
