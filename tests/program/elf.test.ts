import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PROGRAM_SO_PATH } from "../../harness/program.js";
import { EM_BPF, ET_DYN, R_BPF_64_32, readSbpfElf } from "../support/elf.js";

describe("the built program binary", () => {
  const bytes = readFileSync(PROGRAM_SO_PATH);
  const elf = readSbpfElf(bytes);

  it("is an SBPF v0 shared object (ET_DYN, EM_BPF, e_flags 0)", () => {
    assert.equal(elf.type, ET_DYN);
    assert.equal(elf.machine, EM_BPF);
    assert.equal(elf.flags, 0);
  });

  it("has its entry point inside .text and no writable data sections", () => {
    const text = elf.sections.find((s) => s.name === ".text");
    assert.ok(text, "no .text section");
    assert.ok(elf.entry >= text.address && elf.entry < text.address + BigInt(text.size));
    const writable = elf.sections.filter((s) => [".data", ".bss"].includes(s.name));
    assert.deepEqual(writable, []);
  });

  it("has a syscall relocation for every `call -1` and none elsewhere", () => {
    const syscallRelocations = elf.relocations.filter((r) => r.type === R_BPF_64_32);
    const relocated = new Set(syscallRelocations.map((r) => r.offset));
    const unrelocated = elf.syscallSites.filter((site) => !relocated.has(site));
    assert.deepEqual(unrelocated, [], "calls that would jump to themselves at run time");
    assert.equal(syscallRelocations.length, elf.syscallSites.length);
    for (const relocation of syscallRelocations) {
      assert.match(relocation.symbolName, /^sol_/, `unexpected import ${relocation.symbolName}`);
    }
  });

  it("imports the syscalls the registry depends on", () => {
    const imported = new Set(elf.relocations.map((r) => r.symbolName));
    for (const name of ["sol_sha256", "sol_invoke_signed_c", "sol_get_clock_sysvar"]) {
      assert.ok(imported.has(name), `${name} missing: was code depending on it optimised away?`);
    }
    // Events are self-CPI instruction data (sol_invoke_signed_c), no longer logged data.
    assert.ok(!imported.has("sol_log_data"), "events must not depend on logs, which validators truncate");
  });
});
