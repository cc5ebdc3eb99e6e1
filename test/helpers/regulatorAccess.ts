// The purpose and case every regulator lookup and action states: as headers for a
// regulator system's API key, as the console's open case for an officer's browser.
import type { AccessContext } from '../../src/domain/regulator/accessPurpose.js';
import { cookiePolicy } from '../../src/http/cookies.js';
import type { TestBrowser, TestServer } from './server.js';

export const TEST_ACCESS: AccessContext = { purpose: 'aml_investigation', caseReference: 'AFM-2026/00123' };

export function accessHeaders(access: AccessContext = TEST_ACCESS): Record<string, string> {
  return { 'access-purpose': access.purpose, 'case-reference': access.caseReference };
}

/** Gives an officer's browser an open case, as the console's case form does. */
export function openCaseIn(server: TestServer, browser: TestBrowser, access: AccessContext = TEST_ACCESS) {
  const name = cookiePolicy(server.assembled.services.config).openCase;
  browser.cookies.set(name, encodeURIComponent(`${access.purpose}|${access.caseReference}`));
}
