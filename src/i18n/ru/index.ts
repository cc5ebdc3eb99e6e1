// The Russian catalogue: one import and one spread per area.
import { common } from './common.js';

export const ru = {
  ...common,
};
