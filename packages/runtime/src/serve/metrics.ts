/**
 * Prometheus metrics of one daemon, in a registry of its own (several servers can live in one
 * process, as they do in tests). Label values are bounded: routes are fastify's route templates,
 * models are the names in the repository.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

type Stage = 'queue' | 'preprocess' | 'inference' | 'postprocess';

/** What a scrape reads from a model: whether it can answer, and its live workers. */
export interface ModelProbe {
  readonly ready: boolean;
  readonly live: number;
}

/** Route templates that run a model, and the statuses an error-rate alert reads on them. */
const INFERENCE_ROUTES = ['/v1/models/:name/generate', '/v2/models/:name/infer'];
const ALERT_STATUSES = ['200', '500', '503', '504'];

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class ServeMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'method' | 'status'>;
  readonly requestSeconds: Histogram<'route'>;
  readonly stageSeconds: Histogram<'model' | 'stage'>;
  readonly queueDepth: Gauge<'model'>;
  readonly inFlight: Gauge<'model'>;
  readonly batchSize: Histogram<'model'>;
  readonly loadSeconds: Gauge<'model'>;
  readonly reloads: Counter<'model' | 'result'>;
  readonly workerCrashes: Counter<'model'>;
  readonly workerReplaceFailures: Counter<'model'>;
  readonly liveWorkers: Gauge<'model'>;
  readonly modelReady: Gauge<'model'>;
  /** Each model's readiness and live workers, read at scrape time. */
  private readonly probes = new Map<string, () => ModelProbe>();

  constructor(defaults = true) {
    const registers = [this.registry];
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'gc_serve_' });
    this.requests = new Counter({
      name: 'gc_serve_requests_total',
      help: 'Requests by route template (gRPC: the RPC path), method (gRPC: GRPC) and HTTP status (gRPC: the one HTTP would answer)',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'gc_serve_request_duration_seconds',
      help: 'Whole request latency by route template',
      labelNames: ['route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.stageSeconds = new Histogram({
      name: 'gc_serve_stage_duration_seconds',
      help: 'Latency of one request stage: queue (waiting for a worker), preprocess (decode, resize, to tensor), inference (worker run), postprocess (to image, encode)',
      labelNames: ['model', 'stage'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'gc_serve_queue_depth',
      help: 'Requests waiting for a worker',
      labelNames: ['model'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'gc_serve_inference_in_flight',
      help: 'Inference batches running on workers',
      labelNames: ['model'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'gc_serve_batch_size',
      help: 'Requests per inference run (1 unless dynamic batching is on)',
      labelNames: ['model'],
      buckets: [1, 2, 4, 8, 16, 32],
      registers,
    });
    this.loadSeconds = new Gauge({
      name: 'gc_serve_model_load_seconds',
      help: 'Time the last successful (re)load of a model took, warm-up included',
      labelNames: ['model'],
      registers,
    });
    this.reloads = new Counter({
      name: 'gc_serve_model_loads_total',
      help: 'Model loads and reloads by result (ok | failed)',
      labelNames: ['model', 'result'],
      registers,
    });
    this.workerCrashes = new Counter({
      name: 'gc_serve_worker_crashes_total',
      help: 'Inference workers that died and were replaced',
      labelNames: ['model'],
      registers,
    });
    // The inference routes' answers an alert divides (errors over all) exist from the start.
    for (const route of INFERENCE_ROUTES) for (const status of ALERT_STATUSES) this.requests.inc({ route, method: 'POST', status }, 0);
    this.workerReplaceFailures = new Counter({
      name: 'gc_serve_worker_replace_failures_total',
      help: 'Replacements of a crashed worker that failed to start (each is retried with backoff)',
      labelNames: ['model'],
      registers,
    });
    const probes = this.probes;
    this.liveWorkers = new Gauge({
      name: 'gc_serve_workers',
      help: 'Inference workers taking requests, per model (fewer than --workers while replacements start or fail)',
      labelNames: ['model'],
      registers,
      collect() {
        for (const [model, probe] of probes) this.set({ model }, probe().live);
      },
    });
    this.modelReady = new Gauge({
      name: 'gc_serve_model_ready',
      help: 'Whether a model can answer (1) or not (0: loading, failed to load, or no live worker)',
      labelNames: ['model'],
      registers,
      collect() {
        for (const [model, probe] of probes) this.set({ model }, probe().ready ? 1 : 0);
      },
    });
  }

  /**
   * A model's counters and gauges exist from the moment it is named, at 0, so an alert such as
   * `increase(gc_serve_worker_crashes_total[5m]) > 0` has a series to read before the first event;
   * `probe` gives its readiness and live workers (`gc_serve_model_ready`, `gc_serve_workers`) at
   * each scrape.
   */
  zeroModel(model: string, probe?: () => ModelProbe): void {
    if (probe) this.probes.set(model, probe);
    this.workerCrashes.inc({ model }, 0);
    this.workerReplaceFailures.inc({ model }, 0);
    for (const result of ['ok', 'failed']) this.reloads.inc({ model, result }, 0);
    this.queueDepth.set({ model }, 0);
    this.inFlight.set({ model }, 0);
  }

  observeStage(model: string, stage: Stage, seconds: number): void {
    this.stageSeconds.observe({ model, stage }, seconds);
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
