// The dashboard's chart, drawn on the server as SVG: one line per series over the days,
// a title and description for assistive technology, and the same figures as a table.
// Colours come from console.css classes (the CSP allows no inline styles); geometry is in
// SVG presentation attributes.

import { formatNumber } from '../../../i18n/catalogue.js';
import type { DayActivity } from '../../../services/dashboard.js';
import type { Texts } from './frame.js';
import { ConsoleTable } from './parts.js';

const SERIES = ['links', 'suspensions', 'revocations'] as const;
const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 48, right: 16, top: 16, bottom: 36 };

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten. */
export function niceMaximum(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function ActivityChart(props: { texts: Texts; days: DayActivity[] }) {
  const { texts, days } = props;
  const top = niceMaximum(Math.max(0, ...days.flatMap((d) => SERIES.map((s) => d[s]))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length <= 1 ? plotW / 2 : (i * plotW) / (days.length - 1));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const first = days[0]?.day ?? '';
  const last = days.at(-1)?.day ?? '';
  const totals = Object.fromEntries(SERIES.map((s) => [s, days.reduce((sum, d) => sum + d[s], 0)]));
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="chart-title chart-desc"
        class="activity-chart"
        id="activity-chart"
      >
        <title id="chart-title">{texts.t('console.dashboard.chartTitle')}</title>
        <desc id="chart-desc">
          {texts.t('console.dashboard.chartDesc', {
            from: texts.day(first),
            to: texts.day(last),
            links: totals.links ?? 0,
            suspensions: totals.suspensions ?? 0,
            revocations: totals.revocations ?? 0,
          })}
        </desc>
        {[0, 0.5, 1].map((f) => (
          <g class="grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(top * f)} y2={y(top * f)} />
            <text x={PAD.left - 6} y={y(top * f) + 4} text-anchor="end">
              {formatNumber(texts.locale, Math.round(top * f))}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={HEIGHT - 10} class="axis-label">
          {texts.day(first)}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 10} text-anchor="end" class="axis-label">
          {texts.day(last)}
        </text>
        {SERIES.map((series) => (
          <polyline
            class={`series series-${series}`}
            fill="none"
            stroke-width="2"
            points={days.map((d, i) => `${x(i).toFixed(1)},${y(d[series]).toFixed(1)}`).join(' ')}
          />
        ))}
      </svg>
      <figcaption>
        <ul class="legend">
          {SERIES.map((series) => (
            <li>
              <svg class="swatch" viewBox="0 0 24 8" aria-hidden="true" focusable="false">
                <line class={`series series-${series}`} x1="0" x2="24" y1="4" y2="4" stroke-width="2" />
              </svg>
              {texts.t(`console.dashboard.${series}`)}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

export function ActivityTable(props: { texts: Texts; days: DayActivity[] }) {
  const { texts, days } = props;
  return (
    <ConsoleTable
      id="activity-table"
      caption={texts.t('console.dashboard.tableCaption')}
      texts={texts}
      columns={['console.dashboard.day', ...SERIES.map((series) => `console.dashboard.${series}` as const)]}
    >
      {[...days].reverse().map((d) => (
        <tr data-day={d.day}>
          <th scope="row">{texts.day(d.day)}</th>
          {SERIES.map((series) => (
            <td data-series={series}>{formatNumber(texts.locale, d[series])}</td>
          ))}
        </tr>
      ))}
    </ConsoleTable>
  );
}
