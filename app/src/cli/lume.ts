// `lume`: the registry's command line (npx lume --help). Entry point: runs the command
// tree in app/src/cli/lume/ and exits with its code.
import { runLume } from "./lume/program.js";

runLume(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${(err as Error)?.message ?? String(err)}`);
    process.exit(1);
  },
);
