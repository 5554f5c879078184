// What a model-fuzzer run covered: per instruction and per proposal action (proposed and
// executed), how often it ran and succeeded; which IDL error codes the program returned and
// which it never did. Workers send theirs as JSON; the parent merges them and prints the table.
import { registryErrors } from "../../harness/program.js";

export interface CoverageJson {
  runs: Record<string, { runs: number; ok: number }>;
  errors: Record<string, number>;
}

export class FuzzCoverage {
  /** "apply", "propose ApprovePartner", "execute SetCouncil", ... -> runs and successes. */
  readonly runs = new Map<string, { runs: number; ok: number }>();
  /** IDL error name -> how often the program returned it (and the model predicted it). */
  readonly errors = new Map<string, number>();

  record(name: string, error: string | null): void {
    const row = this.runs.get(name) ?? { runs: 0, ok: 0 };
    row.runs += 1;
    if (error === null) row.ok += 1;
    else this.errors.set(error, (this.errors.get(error) ?? 0) + 1);
    this.runs.set(name, row);
  }

  merge(other: CoverageJson): void {
    for (const [name, { runs, ok }] of Object.entries(other.runs)) {
      const row = this.runs.get(name) ?? { runs: 0, ok: 0 };
      row.runs += runs;
      row.ok += ok;
      this.runs.set(name, row);
    }
    for (const [error, count] of Object.entries(other.errors)) {
      this.errors.set(error, (this.errors.get(error) ?? 0) + count);
    }
  }

  toJSON(): CoverageJson {
    return { runs: Object.fromEntries(this.runs), errors: Object.fromEntries(this.errors) };
  }

  /** The IDL's errors the program never returned, by code. */
  neverReached(): { code: number; name: string }[] {
    return registryErrors().filter((e) => !this.errors.has(e.name));
  }

  /** A Markdown table of runs and successes, then the error codes reached and never reached. */
  report(): string[] {
    const lines = ["| instruction / action | runs | ok |", "| --- | ---: | ---: |"];
    for (const [name, { runs, ok }] of [...this.runs].sort(([a], [b]) => a.localeCompare(b)))
      lines.push(`| ${name} | ${runs} | ${ok} |`);
    const reached = registryErrors().filter((e) => this.errors.has(e.name));
    lines.push("", `Error codes reached (${reached.length} of ${registryErrors().length}):`);
    lines.push(reached.map((e) => `${e.code} ${e.name} (${this.errors.get(e.name)})`).join(", "));
    const never = this.neverReached();
    lines.push("", `Never reached (${never.length}):`, never.map((e) => `${e.code} ${e.name}`).join(", "));
    return lines;
  }
}
