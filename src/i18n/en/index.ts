// The English catalogue: one import and one spread per area.
import { common } from './common.js';

export const en = {
  ...common,
} as const;
