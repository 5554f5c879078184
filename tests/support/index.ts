// The harness's public surface; tests import from here.
export * from "../../harness/errors.js";
export * from "../../harness/idl.js";
export * from "../../harness/loader.js";
export * from "../../harness/runtimes.js";
export * from "../../harness/sysvars.js";
export type * from "../../harness/types.js";
export * from "./for-each-runtime.js";
