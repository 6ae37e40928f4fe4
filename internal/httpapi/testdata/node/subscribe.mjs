// Subscribes with the graphql-ws client. Arguments: the ws:// URL, a bearer
// token ("" for none) and the query. Prints one JSON line per message
// received: {"next": result}, {"error": errors} or {"complete": true}.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, query] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
});
const print = (line) => console.log(JSON.stringify(line));
try {
  await new Promise((resolve) => {
    client.subscribe({ query }, {
      next: (result) => print({ next: result }),
      error: (err) => {
        print({ error: Array.isArray(err) ? err : { message: String(err?.reason ?? err?.message ?? err), code: err?.code } });
        resolve();
      },
      complete: () => {
        print({ complete: true });
        resolve();
      },
    });
  });
} finally {
  await client.dispose();
}
