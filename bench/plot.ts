// Hand-written SVG: lookup throughput (req/s) and p99 latency against the number of
// bindings (log x), one line per backend, the ceiling as a dashed reference.

export interface PlotPoint {
  size: number;
  rps: number;
  p99: number;
}

export interface PlotInput {
  series: { name: string; color: string; points: PlotPoint[] }[];
  ceilingRps?: number;
  caption: string;
}

const W = 440;
const H = 300;
const M = { left: 64, right: 16, top: 36, bottom: 48 };

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function compact(value: number): string {
  if (value >= 1_000_000) return `${+(value / 1_000_000).toFixed(1)}M`;
  if (value >= 1000) return `${+(value / 1000).toFixed(1)}k`;
  return `${+value.toFixed(2)}`;
}

function panel(
  x0: number,
  title: string,
  unit: string,
  input: PlotInput,
  value: (p: PlotPoint) => number,
  reference?: { value: number; label: string },
): string {
  const sizes = input.series.flatMap((s) => s.points.map((p) => p.size));
  const minExp = Math.floor(Math.log10(Math.min(...sizes, 10_000)));
  const maxExp = Math.max(minExp + 1, Math.ceil(Math.log10(Math.max(...sizes, 10_000))));
  const values = input.series.flatMap((s) => s.points.map(value)).filter((v) => Number.isFinite(v) && v > 0);
  const yMax = niceMax(Math.max(...values, reference?.value ?? 0) * 1.05);
  // Latencies that spread over orders of magnitude get a log scale too.
  const span = [...values, ...(reference ? [reference.value] : [])];
  const logY = values.length > 1 && Math.max(...span) / Math.min(...span) > 50;
  const yMinExp = Math.floor(Math.log10(Math.min(...values, reference?.value ?? Infinity)));
  const yMaxExp = Math.max(yMinExp + 1, Math.ceil(Math.log10(Math.max(...values, reference?.value ?? 0))));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (size: number) => x0 + M.left + ((Math.log10(size) - minExp) / (maxExp - minExp)) * plotW;
  const y = (v: number) =>
    logY
      ? M.top + plotH - ((Math.log10(v) - yMinExp) / (yMaxExp - yMinExp)) * plotH
      : M.top + plotH - (v / yMax) * plotH;
  const out: string[] = [];
  out.push(
    `<text x="${x0 + M.left + plotW / 2}" y="20" text-anchor="middle" font-weight="bold">${xmlText(title)}</text>`,
  );
  out.push(
    `<rect x="${x0 + M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  );
  const yTicks = logY
    ? Array.from({ length: yMaxExp - yMinExp + 1 }, (_, i) => 10 ** (yMinExp + i))
    : [0, 1, 2, 3, 4].map((i) => (yMax * i) / 4);
  for (const v of yTicks) {
    out.push(
      `<line x1="${x0 + M.left}" x2="${x0 + M.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${x0 + M.left - 6}" y="${y(v) + 4}" text-anchor="end">${compact(v)}</text>`,
    );
  }
  for (let e = minExp; e <= maxExp; e++) {
    const size = 10 ** e;
    out.push(
      `<line x1="${x(size)}" x2="${x(size)}" y1="${M.top}" y2="${M.top + plotH}" stroke="#eee"/>`,
      `<text x="${x(size)}" y="${M.top + plotH + 16}" text-anchor="middle">${compact(size)}</text>`,
    );
  }
  out.push(
    `<text x="${x0 + M.left + plotW / 2}" y="${H - 12}" text-anchor="middle">bindings (log scale)</text>`,
    `<text transform="translate(${x0 + 14} ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${xmlText(
      logY ? `${unit} (log scale)` : unit,
    )}</text>`,
  );
  if (reference && reference.value > 0) {
    out.push(
      `<line x1="${x0 + M.left}" x2="${x0 + M.left + plotW}" y1="${y(reference.value)}" y2="${y(reference.value)}" stroke="#666" stroke-dasharray="5 4"/>`,
      `<text x="${x0 + M.left + plotW - 4}" y="${y(reference.value) - 5}" text-anchor="end" fill="#666">${xmlText(reference.label)}</text>`,
    );
  }
  for (const series of input.series) {
    const points = series.points.filter((p) => Number.isFinite(value(p))).sort((a, b) => a.size - b.size);
    if (points.length === 0) continue;
    out.push(
      `<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${points
        .map((p) => `${x(p.size).toFixed(1)},${y(value(p)).toFixed(1)}`)
        .join(' ')}"/>`,
    );
    for (const p of points) {
      out.push(
        `<circle cx="${x(p.size).toFixed(1)}" cy="${y(value(p)).toFixed(1)}" r="3.5" fill="${series.color}"><title>${xmlText(
          `${series.name}, ${compact(p.size)} bindings: ${compact(value(p))} ${unit}`,
        )}</title></circle>`,
      );
    }
  }
  return out.join('\n');
}

export function lookupPlot(input: PlotInput): string {
  const legend = input.series
    .map(
      (s, i) =>
        `<rect x="${M.left + i * 120}" y="${H + 4}" width="12" height="12" fill="${s.color}"/><text x="${M.left + i * 120 + 18}" y="${H + 14}">${xmlText(s.name)}</text>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 44}" viewBox="0 0 ${2 * W} ${H + 44}" font-family="sans-serif" font-size="12">
<title>Lookup throughput and p99 latency against the number of bindings</title>
<rect width="100%" height="100%" fill="#fff"/>
${panel(0, 'GET /v1/attestations/{account}: throughput', 'req/s', input, (p) => p.rps, input.ceilingRps ? { value: input.ceilingRps, label: 'ceiling' } : undefined)}
${panel(W, 'GET /v1/attestations/{account}: p99 latency', 'ms', input, (p) => p.p99, { value: 5, label: 'target 5 ms' })}
${legend}
<text x="${2 * W - M.right}" y="${H + 14}" text-anchor="end" fill="#666">${xmlText(input.caption)}</text>
</svg>
`;
}
