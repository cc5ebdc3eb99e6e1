// The regulator dashboard's figures: links, suspensions and revocations per UTC day, read
// from the per-day counters the audit append keeps (one row per day and kind, whatever
// the number of bindings).
import { type COUNTED_ACTIONS, listDailyActivity } from '../store/repositories/dailyActivity.js';
import type { ServiceContext } from './context.js';

export interface DayActivity {
  /** YYYY-MM-DD (UTC) */
  day: string;
  links: number;
  suspensions: number;
  revocations: number;
}

const SERIES_OF: Record<(typeof COUNTED_ACTIONS)[number], keyof Omit<DayActivity, 'day'>> = {
  'binding.created': 'links',
  'binding.suspended': 'suspensions',
  'attestation.suspended': 'suspensions',
  'binding.revoked': 'revocations',
  'attestation.revoked': 'revocations',
};

export const DASHBOARD_MAX_DAYS = 366;

/** The last `days` days up to today, oldest first, each day present (zeros included). */
export async function dailyActivity(ctx: ServiceContext, days: number): Promise<DayActivity[]> {
  const today = ctx.clock.now();
  const series: DayActivity[] = [];
  for (let back = days - 1; back >= 0; back--) {
    const day = new Date(today.getTime() - back * 86_400_000).toISOString().slice(0, 10);
    series.push({ day, links: 0, suspensions: 0, revocations: 0 });
  }
  const byDay = new Map(series.map((entry) => [entry.day, entry]));
  for (const row of await listDailyActivity(ctx.db, series[0]!.day, series.at(-1)!.day)) {
    const entry = byDay.get(row.day);
    const name = SERIES_OF[row.action as keyof typeof SERIES_OF];
    if (entry && name) entry[name] += Number(row.count);
  }
  return series;
}
