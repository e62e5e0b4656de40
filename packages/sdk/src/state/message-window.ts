import type { Message } from '@palaver/protocol';

/**
 * The messages a client holds for one conversation: sorted by `seq`, and known
 * to contain *every* message from `fromSeq` up to the newest one it has seen.
 * That invariant is what lets a thread render from cache and still never show
 * a hole: whatever arrives below `fromSeq` is ignored (it is outside the
 * window), whatever arrives inside replaces its older version.
 */
export interface MessageWindow {
  messages: Message[];
  /** Lowest seq from which the window is complete; undefined when empty. */
  fromSeq: number | undefined;
}

export const emptyWindow = (): MessageWindow => ({ messages: [], fromSeq: undefined });

/** True when `candidate` is a later version of the same message than `current`. */
export function isNewerVersion(current: Message, candidate: Message): boolean {
  if (current.deletedAt) return false; // a deletion is final
  if (candidate.deletedAt) return true;
  const edited = candidate.editedAt !== undefined && (!current.editedAt || candidate.editedAt > current.editedAt);
  // Reactions change a message without editing it; `reactionsAt` orders their versions.
  const reacted =
    candidate.reactionsAt !== undefined && (!current.reactionsAt || candidate.reactionsAt > current.reactionsAt);
  return edited || reacted;
}

/** Inserts or updates messages (any order) that lie inside the window or extend it upwards. */
export function mergeIntoWindow(window: MessageWindow, incoming: Message[]): MessageWindow {
  if (incoming.length === 0) return window;
  const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
  if (window.fromSeq === undefined) return startWindow(sorted);
  const bySeq = new Map(window.messages.map((m) => [m.seq, m]));
  let changed = false;
  for (const message of sorted) {
    if (message.seq < window.fromSeq) continue;
    const current = bySeq.get(message.seq);
    if (current && !isNewerVersion(current, message)) continue;
    bySeq.set(message.seq, message);
    changed = true;
  }
  if (!changed) return window;
  return { messages: [...bySeq.values()].sort((a, b) => a.seq - b.seq), fromSeq: window.fromSeq };
}

/**
 * An empty window takes the longest run of consecutive seqs ending at the
 * newest message: every message created after a sync cursor is in that run,
 * while an older edited message standing alone is not part of it.
 */
function startWindow(sorted: Message[]): MessageWindow {
  return keepNewestRun({ messages: dedupeBySeq(sorted), fromSeq: sorted[0]?.seq });
}

function dedupeBySeq(sorted: Message[]): Message[] {
  const out: Message[] = [];
  for (const message of sorted) {
    const last = out[out.length - 1];
    if (last && last.seq === message.seq) {
      if (isNewerVersion(last, message)) out[out.length - 1] = message;
    } else {
      out.push(message);
    }
  }
  return out;
}

/**
 * Adds a page of history (consecutive messages, ascending). `reachesStart`
 * tells the page holds the conversation's first message. A page that does not
 * touch the window (a gap in between) replaces it: the server's page is the
 * truth, and the hole could never be filled otherwise.
 */
export function mergeHistoryPage(window: MessageWindow, page: Message[], reachesStart: boolean): MessageWindow {
  if (page.length === 0) {
    return reachesStart && window.fromSeq === undefined ? { messages: [], fromSeq: 1 } : window;
  }
  const first = (page[0] as Message).seq;
  const last = (page[page.length - 1] as Message).seq;
  const start = reachesStart ? 1 : first;
  const newest = window.messages[window.messages.length - 1]?.seq;
  if (window.fromSeq === undefined || newest === undefined || first > newest + 1 || last < window.fromSeq - 1) {
    return { messages: dedupeBySeq([...page].sort((a, b) => a.seq - b.seq)), fromSeq: start };
  }
  const oldest = window.messages[0]?.seq ?? Number.POSITIVE_INFINITY;
  if (last < oldest) {
    // The usual page: older history right below the window. One copy, no re-sort of the whole thread.
    const below = dedupeBySeq([...page].sort((a, b) => a.seq - b.seq));
    return { messages: below.concat(window.messages), fromSeq: Math.min(window.fromSeq, start) };
  }
  const merged = mergeIntoWindow({ messages: window.messages, fromSeq: Math.min(window.fromSeq, start) }, page);
  return { messages: merged.messages, fromSeq: Math.min(window.fromSeq, start) };
}

/** Keeps only the newest `max` messages (for the cache of threads nobody looks at). */
export function trimWindow(window: MessageWindow, max: number): MessageWindow {
  if (window.messages.length <= max) return window;
  const messages = window.messages.slice(window.messages.length - max);
  return { messages, fromSeq: messages[0]?.seq };
}

/**
 * Seq ranges missing inside the window. Holes appear for a moment while a
 * sync runs (a page may carry message 52 before the page with 51) or when live
 * messages arrive after a stretch the client never saw; the client fills them
 * from history (see `keepNewestRun` for holes too large to fetch).
 */
export function holesIn(window: MessageWindow): Array<{ from: number; to: number }> {
  const holes: Array<{ from: number; to: number }> = [];
  let expected = window.fromSeq;
  if (expected === undefined) return holes;
  for (const message of window.messages) {
    if (message.seq > expected) holes.push({ from: expected, to: message.seq - 1 });
    expected = message.seq + 1;
  }
  return holes;
}

/** Keeps only the consecutive run that ends at the newest message. */
export function keepNewestRun(window: MessageWindow): MessageWindow {
  const { messages } = window;
  let start = messages.length - 1;
  if (start < 0) return window;
  while (start > 0 && (messages[start - 1] as Message).seq === (messages[start] as Message).seq - 1) start--;
  const run = messages.slice(start);
  return { messages: run, fromSeq: run[0]?.seq };
}
