// The Kazakh catalogue: one import and one spread per area.
import { common } from './common.js';
import { problems } from './problems.js';

export const kk = {
  ...common,
  ...problems,
};
