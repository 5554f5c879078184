// The node request verifier: envelope format, signing helpers and the verifier itself.

export type { RegistrySnapshot } from "../sdk/snapshot.js";
export { loadRegistrySnapshot } from "../sdk/snapshot.js";
export * from "./envelope.js";
export * from "./indexer-feed.js";
export * from "./indexer-snapshot.js";
export * from "./refresh.js";
export * from "./verifier.js";
