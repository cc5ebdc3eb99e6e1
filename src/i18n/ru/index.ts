// The Russian catalogue: one import and one spread per area.
import { citizen } from './citizen.js';
import { common } from './common.js';
import { regulatorConsole } from './console.js';
import { devIdp } from './devIdp.js';
import { egov } from './egov.js';
import { problems } from './problems.js';

export const ru = {
  ...common,
  ...egov,
  ...devIdp,
  ...regulatorConsole,
  ...citizen,
  ...problems,
};
