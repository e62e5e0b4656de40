import type { ClusterLink } from '../cluster/redis.js';
import type { Metrics } from '../metrics.js';

/** One look at a node, every few seconds: what the dashboard plots. */
export interface DashboardSample {
  /** ms since the epoch. */
  at: number;
  connections: number;
  /** Messages stored during the last interval, and that as a rate. */
  messages: number;
  messagesPerMinute: number;
  /** Acknowledgement latency over the last interval, in ms (undefined: no message). */
  ackP50?: number;
  ackP99?: number;
  /** Errors answered during the last interval, by code. */
  errors: Record<string, number>;
  webhooksPending: number;
  emailsPending: number;
  databaseBytes: number;
}

export interface DashboardData {
  nodeId: string;
  /** This node's samples, oldest first (the last hour). */
  samples: DashboardSample[];
  /** Every node's latest sample (this one included), on a cluster. */
  nodes: Array<{ nodeId: string; sample: DashboardSample }>;
}

export interface DashboardSamplerOptions {
  metrics: Metrics;
  intervalMs: number;
  /** Bytes the database takes (SQLite file and log; PostgreSQL database). */
  databaseBytes(): Promise<number>;
  /** Deliveries waiting (webhooks and emails), from the store. */
  queues(): Promise<{ webhooks: number; emails: number }>;
  cluster: ClusterLink | undefined;
  nodeId: string;
}

type Counts = Map<string, number>;

/** The bucket counts of a prom-client histogram, by upper bound (`le`). */
async function buckets(metrics: Metrics): Promise<Counts> {
  const { values } = await metrics.ackLatency.get();
  const counts: Counts = new Map();
  for (const value of values) {
    // Sends: the latency people feel. Other events (history, sync) have their own shapes.
    if (!value.metricName?.endsWith('_bucket') || value.labels.event !== 'message:send') continue;
    const le = String((value.labels as Record<string, unknown>).le);
    counts.set(le, (counts.get(le) ?? 0) + value.value);
  }
  return counts;
}

/**
 * A quantile of the observations that fell between two looks at a
 * cumulative histogram, interpolated within its bucket (as Prometheus'
 * `histogram_quantile` does), in ms.
 */
export function quantileBetween(before: Counts, after: Counts, q: number): number | undefined {
  const bounds = [...after.keys()]
    .filter((le) => le !== '+Inf')
    .map(Number)
    .sort((a, b) => a - b);
  const delta = (le: string) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const total = delta('+Inf');
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bound of bounds) {
    const cumulative = delta(String(bound));
    if (cumulative >= rank) {
      const inBucket = cumulative - below;
      const share = inBucket > 0 ? (rank - below) / inBucket : 0;
      // The histogram counts seconds; the dashboard speaks ms.
      return (lower + (bound - lower) * share) * 1000;
    }
    lower = bound;
    below = cumulative;
  }
  return lower * 1000;
}

async function counter(metric: {
  get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }>;
}) {
  const counts: Counts = new Map();
  for (const { value, labels } of (await metric.get()).values) {
    counts.set(String(labels.code ?? ''), (counts.get(String(labels.code ?? '')) ?? 0) + value);
  }
  return counts;
}

const KEEP = 720;
const NODE_TTL_S = 30;

/**
 * Samples this node every `intervalMs` and keeps the last `KEEP` samples; on a
 * cluster it publishes its latest sample to Redis so any node's dashboard
 * shows every node.
 */
export function startDashboardSampler(options: DashboardSamplerOptions) {
  const { metrics, cluster, nodeId } = options;
  const samples: DashboardSample[] = [];
  let last: { at: number; sent: number; latency: Counts; errors: Counts } | undefined;
  const hashKey = cluster ? `${cluster.keyPrefix}dashboard` : '';

  const sample = async (): Promise<void> => {
    const at = Date.now();
    const sent = (await metrics.messagesSent.get()).values.reduce((sum, v) => sum + v.value, 0);
    const latency = await buckets(metrics);
    const errors = await counter(metrics.errors);
    const connections = (await metrics.connectedSockets.get()).values[0]?.value ?? 0;
    const [databaseBytes, queues] = await Promise.all([options.databaseBytes(), options.queues()]);
    if (last) {
      const minutes = (at - last.at) / 60_000;
      const errorDelta: Record<string, number> = {};
      for (const [code, count] of errors) {
        const added = count - (last.errors.get(code) ?? 0);
        if (added > 0) errorDelta[code] = added;
      }
      const entry: DashboardSample = {
        at,
        connections,
        messages: sent - last.sent,
        messagesPerMinute: Math.round((sent - last.sent) / minutes),
        errors: errorDelta,
        webhooksPending: queues.webhooks,
        emailsPending: queues.emails,
        databaseBytes,
      };
      const p50 = quantileBetween(last.latency, latency, 0.5);
      const p99 = quantileBetween(last.latency, latency, 0.99);
      if (p50 !== undefined) entry.ackP50 = Math.round(p50 * 10) / 10;
      if (p99 !== undefined) entry.ackP99 = Math.round(p99 * 10) / 10;
      samples.push(entry);
      if (samples.length > KEEP) samples.shift();
      if (cluster) {
        await cluster.redis
          .multi()
          .hset(hashKey, nodeId, JSON.stringify({ ...entry, seenAt: at }))
          .expire(hashKey, NODE_TTL_S * 4)
          .exec();
      }
    }
    last = { at, sent, latency, errors };
  };

  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= sample()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  void sample().catch(() => undefined);

  return {
    async data(): Promise<DashboardData> {
      const own = samples.at(-1);
      const nodes: DashboardData['nodes'] = [];
      if (cluster) {
        const all = await cluster.redis.hgetall(hashKey);
        for (const [id, json] of Object.entries(all)) {
          const entry = JSON.parse(json) as DashboardSample & { seenAt: number };
          if (Date.now() - entry.seenAt < NODE_TTL_S * 1000) nodes.push({ nodeId: id, sample: entry });
        }
      } else if (own) {
        nodes.push({ nodeId, sample: own });
      }
      nodes.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
      return { nodeId, samples: [...samples], nodes };
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}

export type DashboardSampler = ReturnType<typeof startDashboardSampler>;
