// A replay storm from another process (so the clients' own work does not slow the server's
// event loop in the measurement): `tsx replay-storm-clients.ts <ws url> <clients> <changes>`
// opens that many graphql-ws clients, each replaying registryChanged from change 0, prints
// "subscribed" once all are sent and "replayed" once every client got every change.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, clientsText, changesText] = process.argv.slice(2);
const clients = Number(clientsText);
const changes = Number(changesText);
const counts = new Array<number>(clients).fill(0);
for (let i = 0; i < clients; i++) {
  const client = createClient({ url: url!, webSocketImpl: WebSocket, retryAttempts: 0 });
  client.subscribe(
    { query: "subscription { registryChanged(fromChangeIndex: 0) { changeIndex } }" },
    {
      next: () => {
        counts[i]! += 1;
        if (counts[i] === changes && counts.every((n) => n >= changes)) console.log("replayed");
      },
      error: (err) => console.error("error", JSON.stringify(err)),
      complete: () => undefined,
    },
  );
}
console.log("subscribed");
