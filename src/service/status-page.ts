/**
 * The status page for people: one row per connection (state, objects per second, last error,
 * next batch, last verify), refreshed every few seconds from `/api/status` by a few lines of plain script.
 * No build step and no framework; rates are computed in the page from two successive documents.
 */

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.state-running, .state-idle { color: #0a6b2d; }
.state-failing { color: #b00020; font-weight: bold; }
.state-starting, .state-stopping { color: #8a6d00; }
#meta { color: #555; }
`;

const SCRIPT = `
const previous = new Map();
function text(value) { return value === null || value === undefined ? '' : String(value); }
function cell(row, value, className) {
  const td = document.createElement('td');
  td.textContent = text(value);
  if (className) td.className = className;
  row.appendChild(td);
}
async function refresh() {
  let status;
  try {
    const response = await fetch('/api/status', { cache: 'no-store' });
    status = await response.json();
  } catch (error) {
    document.getElementById('meta').textContent = 'cannot reach the service: ' + error;
    return;
  }
  const now = Date.now();
  document.getElementById('meta').textContent =
    'configuration generation ' + status.generation + ', loaded ' + status.loadedAt + ' from ' + status.configPath;
  const body = document.getElementById('rows');
  body.replaceChildren();
  for (const c of status.connections) {
    const row = document.createElement('tr');
    row.dataset.connection = c.name;
    const done = c.counters.processed + c.counters.skipped + c.counters.failed;
    const before = previous.get(c.name);
    const rate = before && now > before.at ? ((done - before.done) * 1000) / (now - before.at) : 0;
    previous.set(c.name, { at: now, done });
    cell(row, c.name);
    cell(row, c.workflow);
    cell(row, c.state, 'state-' + c.state);
    cell(row, c.counters.processed + ' processed, ' + c.counters.skipped + ' skipped, ' + c.counters.failed + ' failed');
    cell(row, rate.toFixed(2) + ' objects/s');
    cell(row, c.lastError ? c.lastError.at + ' ' + (c.lastError.code ? c.lastError.code + ': ' : '') + c.lastError.message : '');
    cell(row, c.nextRunAt);
    cell(row, c.lastVerify ? (c.lastVerify.passed ? 'passed' : 'failing: ' + c.lastVerify.failedChecks.join(', ')) + ' (' + c.lastVerify.at + ')' : 'not yet');
    body.appendChild(row);
  }
}
refresh();
setInterval(refresh, REFRESH_MS);
`;

/** The page; `refreshMs` is how often it asks `/api/status` again. */
export function renderStatusPage(refreshMs = 5000): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bucketbridge status</title>
<style>${STYLE}</style>
</head>
<body>
<h1>bucketbridge</h1>
<p id="meta">loading…</p>
<table>
<thead><tr><th>Connection</th><th>Workflow</th><th>State</th><th>Objects</th><th>Rate</th><th>Last error</th><th>Next batch</th><th>Last verify</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<script>${SCRIPT.replace('REFRESH_MS', String(refreshMs))}</script>
</body>
</html>
`;
}
