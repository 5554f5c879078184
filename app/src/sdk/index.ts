// The shared Lume Registry SDK (app, CLI, indexer, migrations). Node-only helpers stay out of
// this index (keypair-file.ts reads the file system): import them by path.

export * from "./actions.js";
export * from "./clock.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./idl.js";
export * from "./pda.js";
export * from "./program.js";
export * from "./program-data.js";
export * from "./registry-state.js";
export * from "./snapshot.js";
export * from "./snapshot-delta.js";
