// Prometheus text exposition of per-route request counts and a latency histogram.
// Labels are route patterns, never raw paths, so cardinality stays bounded.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class HttpMetrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const requestKey = `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`;
    this.requests.set(requestKey, (this.requests.get(requestKey) ?? 0) + 1);
    const durationKey = `method="${escapeLabel(method)}",route="${escapeLabel(route)}"`;
    let histogram = this.durations.get(durationKey);
    if (!histogram) {
      histogram = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(durationKey, histogram);
    }
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) histogram.counts[i]!++;
    });
    histogram.sum += seconds;
    histogram.count++;
  }

  render(): string {
    const lines = [
      '# HELP http_requests_total HTTP requests by method, route pattern and status.',
      '# TYPE http_requests_total counter',
    ];
    for (const [labels, value] of this.requests) lines.push(`http_requests_total{${labels}} ${value}`);
    lines.push(
      '# HELP http_request_duration_seconds HTTP request latency by method and route pattern.',
      '# TYPE http_request_duration_seconds histogram',
    );
    for (const [labels, h] of this.durations) {
      BUCKETS.forEach((bound, i) => {
        lines.push(`http_request_duration_seconds_bucket{${labels},le="${bound}"} ${h.counts[i]}`);
      });
      lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      lines.push(`http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      lines.push(`http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
