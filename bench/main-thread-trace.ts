/**
 * Main-thread time of a page's scripts, from a Chromium performance trace: the
 * outermost script work of the renderer's main thread — compiling and
 * evaluating modules, calls from timers, idle callbacks, events, promise
 * reactions — with whatever it forced inside (a style or layout read). The
 * page's own parsing, style, layout and paint, and Chromium's own tasks, are
 * not counted, so the figure does not swing with what else the machine does as
 * a difference of two pages' totals does.
 *
 * Only the renderer that ran one of `scripts` is looked at; the bench page has
 * no script but Palaver's (and the one line that configures it), so every
 * script event there is Palaver's — except the bench's own probes (Playwright's
 * `waitForFunction`), which are evaluated scripts without an address.
 */

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; fileName?: string; data?: { url?: string } };
}

/** Trace events that are script work (outermost ones are summed). */
const SCRIPT_EVENTS = new Set([
  'v8.compile',
  'v8.compileModule',
  'v8.evaluateModule',
  'EvaluateScript',
  'FunctionCall',
  'v8.callFunction',
  'RunMicrotasks',
  'FireIdleCallback',
  'TimerFire',
  'FireAnimationFrame',
  'EventDispatch',
]);

/** The trace categories `scriptTime` needs. */
export const SCRIPT_TRACE_CATEGORIES = ['devtools.timeline', 'v8', 'v8.execute'];

/** Milliseconds of script work on the main thread of the renderer that ran one of `scripts`. */
export function scriptTime(traceJson: string, scripts: string[]): number {
  const parsed = JSON.parse(traceJson) as TraceEvent[] | { traceEvents: TraceEvent[] };
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const ours = (event: TraceEvent) => {
    const url = event.args?.data?.url ?? event.args?.fileName;
    return url !== undefined && scripts.some((script) => url.includes(script));
  };
  const mainThread = events.find(
    (event) =>
      event.ph === 'M' &&
      event.name === 'thread_name' &&
      event.args?.name === 'CrRendererMain' &&
      events.some((other) => other.pid === event.pid && other.tid === event.tid && ours(other)),
  );
  if (!mainThread) return 0;
  const work = events
    .filter(
      (event) =>
        event.pid === mainThread.pid &&
        event.tid === mainThread.tid &&
        event.ph === 'X' &&
        SCRIPT_EVENTS.has(event.name) &&
        (event.name !== 'EvaluateScript' || ours(event)),
    )
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  let total = 0;
  let coveredUntil = Number.NEGATIVE_INFINITY;
  for (const event of work) {
    const end = event.ts + (event.dur ?? 0);
    if (event.ts < coveredUntil) continue; // nested in one already counted
    total += event.dur ?? 0;
    coveredUntil = end;
  }
  return total / 1000;
}
