/**
 * The 10,000-message scroll of the client benchmark alone, several times, for
 * profiling the thread: `npx tsx bench/client-scroll.ts [runs] [trace.json] [cpu.cpuprofile]`
 * (`npm run build` first: the page uses the built packages). Prints each run's
 * longest main-thread task; with a trace path, the last run is traced with
 * DevTools' categories into that file (open it in the Performance panel) and
 * is left out of the summary (and a CPU profile of it written, if asked).
 */
import { scrollBench } from './client-rendering.js';

const runs = Number(process.argv[2] ?? 5);
const tracePath = process.argv[3];
const cpuProfilePath = process.argv[4];
const results = await scrollBench({
  runs: tracePath ? runs + 1 : runs,
  ...(tracePath ? { tracePath } : {}),
  ...(cpuProfilePath ? { cpuProfilePath } : {}),
});
for (const run of results) {
  console.log(
    JSON.stringify({
      longestTaskMs: Number(run.longestTaskMs.toFixed(1)),
      longestFrameMs: Number(run.longestFrameMs.toFixed(1)),
      frames: run.frames,
      elapsedMs: Math.round(run.elapsedMs),
      reachedOldest: run.reachedOldest,
      maxMessageNodes: run.maxMessageNodes,
      maxDomNodes: run.maxDomNodes,
      detailedTrace: run.detailedTrace,
    }),
  );
}
const plain = results.filter((run) => !run.detailedTrace).map((run) => run.longestTaskMs);
const sorted = [...plain].sort((a, b) => a - b);
console.log(
  `longest task over ${plain.length} runs: min ${sorted[0]?.toFixed(1)} ms, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
);
