// The operator dashboard: polls /dashboard/data (with the metrics token when
// the server asks for one) and plots the last hour with uPlot.
import uPlot from '/dashboard/uplot.js';

const POLL_MS = 2000;
const TOKEN_KEY = 'palaver-dashboard-token';
const $ = (id) => document.getElementById(id);
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

let charts;

function chart(target, series, data) {
  const width = Math.max(280, $(target).clientWidth || 320);
  const options = {
    width,
    height: 180,
    axes: [
      { stroke: css('--muted'), grid: { stroke: css('--card') } },
      { stroke: css('--muted'), grid: { stroke: css('--card') } },
    ],
    series: [
      {},
      ...series.map((s, i) => ({
        label: s,
        stroke: [css('--accent'), css('--danger'), '#16a34a', '#d97706'][i % 4],
        width: 2,
      })),
    ],
  };
  return new uPlot(options, data, $(target));
}

function columns(samples, pick) {
  return [samples.map((s) => s.at / 1000), ...pick.map((f) => samples.map((s) => f(s) ?? null))];
}

const bytes = (n) =>
  n > 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n > 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`;

function render(data) {
  const { samples, nodes } = data;
  const last = samples.at(-1);
  $('figures').hidden = false;
  $('charts').hidden = false;
  $('status').textContent =
    `Node ${data.nodeId} · ${samples.length} samples · updated ${new Date().toLocaleTimeString()}`;
  if (last) {
    const minute = samples.filter((s) => s.at > last.at - 60_000);
    const errors = minute.reduce((sum, s) => sum + Object.values(s.errors).reduce((a, b) => a + b, 0), 0);
    $('now-connections').textContent = String(last.connections);
    $('now-messages').textContent = String(minute.reduce((sum, s) => sum + s.messages, 0));
    // The latest interval in which messages were acknowledged (a quiet one has no latency).
    const timed = minute.findLast((s) => s.ackP50 !== undefined);
    $('now-latency').textContent = timed ? `${timed.ackP50} / ${timed.ackP99} ms` : '–';
    $('now-errors').textContent = String(errors);
    $('now-webhooks').textContent = String(last.webhooksPending);
    $('now-emails').textContent = String(last.emailsPending);
    $('now-database').textContent = bytes(last.databaseBytes);
  }
  const codes = [...new Set(samples.flatMap((s) => Object.keys(s.errors)))].sort();
  const sets = {
    connections: columns(samples, [(s) => s.connections]),
    messages: columns(samples, [(s) => s.messagesPerMinute]),
    latency: columns(samples, [(s) => s.ackP50, (s) => s.ackP99]),
    errors: columns(samples, codes.length ? codes.map((c) => (s) => s.errors[c] ?? 0) : [() => 0]),
  };
  if (!charts || charts.errorCodes !== codes.join()) {
    for (const c of Object.values(charts ?? {})) if (c?.destroy) c.destroy();
    charts = {
      connections: chart('chart-connections', ['connections'], sets.connections),
      messages: chart('chart-messages', ['messages / min'], sets.messages),
      latency: chart('chart-latency', ['p50', 'p99'], sets.latency),
      errors: chart('chart-errors', codes.length ? codes : ['errors'], sets.errors),
      errorCodes: codes.join(),
    };
  } else {
    for (const name of ['connections', 'messages', 'latency', 'errors']) charts[name].setData(sets[name]);
  }
  $('nodes-section').hidden = nodes.length < 1;
  $('nodes').replaceChildren(
    ...nodes.map(({ nodeId, sample }) => {
      const row = document.createElement('tr');
      for (const value of [
        nodeId,
        sample.connections,
        sample.messagesPerMinute,
        sample.ackP99 ?? '–',
        sample.webhooksPending,
      ]) {
        const cell = document.createElement('td');
        cell.textContent = String(value);
        row.append(cell);
      }
      return row;
    }),
  );
}

async function poll() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch('/dashboard/data', {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    cache: 'no-store',
  }).catch(() => undefined);
  if (!response) {
    $('status').textContent = 'The server does not answer; retrying…';
  } else if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    $('token-form').hidden = false;
    $('status').textContent = 'This server asks for its metrics token.';
    if (token) $('token-error').textContent = 'That token was refused.';
    return;
  } else if (!response.ok) {
    $('status').textContent = `The dashboard is not available here (${response.status}): see docs/server.md.`;
    return;
  } else {
    $('token-form').hidden = true;
    render(await response.json());
  }
  setTimeout(poll, POLL_MS);
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value);
  $('token-error').textContent = '';
  void poll();
});

void poll();
