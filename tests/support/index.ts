// The harness's public surface; tests import from here.
export * from "./errors.js";
export * from "./for-each-runtime.js";
export * from "./idl.js";
export * from "./loader.js";
export * from "./runtimes.js";
export * from "./sysvars.js";
export type * from "./types.js";
