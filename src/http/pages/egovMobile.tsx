// "Sign with eGov Mobile" on the home page (shown when SIGEX_URL is set): the button, the
// panel where the QR code and the signing's progress appear, and the script that drives
// them (src/browser/egovMobile.ts). An item of the home page's list of ways to verify.
import type { MessageKey } from '../../i18n/catalogue.js';

export function EgovMobileSigning({ tr }: { tr: (key: MessageKey) => string }) {
  return (
    <li class="egov-mobile" data-feedback>
      <button type="button" id="egov-mobile-sign" data-again={tr('citizen.egov.again')}>
        {tr('citizen.egov.sign')}
      </button>
      <div id="egov-mobile-panel" hidden>
        <img id="egov-mobile-qr" alt={tr('citizen.egov.qrAlt')} width="240" height="240" />
        <p id="egov-mobile-state" role="status" />
        {/* The link to open eGov Mobile on this phone, added when SIGEX gives one. */}
        <p id="egov-mobile-launch" hidden />
      </div>
      <script src="/assets/egovMobile.js" defer />
    </li>
  );
}
