// The explorer's browser code, bundled once per process by esbuild from client/ (TypeScript +
// Preact) into one script and one stylesheet held in memory. Nothing is fetched from elsewhere
// at run time: preact and graphql-ws come from node_modules, bundled in.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface ExplorerAssets {
  script: string;
  style: string;
}

const CLIENT_ENTRY = fileURLToPath(new URL("./client/main.tsx", import.meta.url));
const STYLE_PATH = fileURLToPath(new URL("./client/explorer.css", import.meta.url));

async function bundle(): Promise<ExplorerAssets> {
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    jsx: "automatic",
    jsxImportSource: "preact",
    write: false,
    logLevel: "silent",
    legalComments: "none",
  });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error("esbuild produced no explorer bundle");
  return { script, style: readFileSync(STYLE_PATH, "utf8") };
}

let cached: Promise<ExplorerAssets> | undefined;

/** The bundle, built on first use (about 100 ms) and kept for the life of the process. */
export function explorerAssets(): Promise<ExplorerAssets> {
  cached ??= bundle().catch((err: unknown) => {
    cached = undefined; // a later request may try again (e.g. after a fixed source file in dev)
    throw err;
  });
  return cached;
}
