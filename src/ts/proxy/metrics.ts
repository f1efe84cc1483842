// GET /metrics: Prometheus text format through prom-client (the maintained Node client), on a
// registry of the proxy's own (several proxies in one process never share counters).
import { countCacheStats } from 'contextwise';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'endpoint' | 'format' | 'status'>;
  readonly duration: Histogram<'endpoint'>;
  readonly inFlight: Gauge;
  readonly upstreamErrors: Counter<'code'>;
  readonly condensations: Counter<'strategy' | 'reused'>;
  readonly tokens: Counter<'stage'>;
  readonly tokensSaved: Counter;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'contextwise_proxy_' });
    this.requests = new Counter({ name: 'contextwise_proxy_requests_total', help: 'Requests answered, by endpoint, client format and HTTP status', labelNames: ['endpoint', 'format', 'status'], registers });
    this.duration = new Histogram({
      name: 'contextwise_proxy_request_duration_seconds', help: 'Time from the request to the end of the answer (streams: the last event)',
      labelNames: ['endpoint'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120], registers,
    });
    this.inFlight = new Gauge({ name: 'contextwise_proxy_requests_in_flight', help: 'Requests being answered', registers });
    this.upstreamErrors = new Counter({ name: 'contextwise_proxy_upstream_errors_total', help: 'Upstream failures, by stable code (PROVIDER_HTTP, PROVIDER_TIMEOUT, PROVIDER_STREAM_CUT …)', labelNames: ['code'], registers });
    this.condensations = new Counter({ name: 'contextwise_proxy_condensations_total', help: 'Prompts condensed, by the strategy that produced them; reused="true" when a stored view was reused', labelNames: ['strategy', 'reused'], registers });
    this.tokens = new Counter({ name: 'contextwise_proxy_prompt_tokens_total', help: 'Prompt tokens counted by contextwise, as received (stage="received") and as forwarded (stage="forwarded")', labelNames: ['stage'], registers });
    this.tokensSaved = new Counter({ name: 'contextwise_proxy_tokens_saved_total', help: 'Prompt tokens not forwarded thanks to condensation', registers });
    new Gauge({
      name: 'contextwise_proxy_count_cache_hit_ratio', help: 'Share of message counts answered by the count cache', registers,
      collect() {
        const c = countCacheStats();
        this.set(c.hits + c.misses ? c.hits / (c.hits + c.misses) : 0);
      },
    });
  }
}
