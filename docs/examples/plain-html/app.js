// The page's one script: import the drop-in, configure it once.
import { configure } from '/assets/palaver.js';

// Your backend signs the token; the demo's endpoint stands in for it here.
const token = () =>
  fetch('/api/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'buyer-bruno' }),
  })
    .then((response) => response.json())
    .then((body) => body.token);

configure({ url: location.origin, token, userId: 'buyer-bruno' });
