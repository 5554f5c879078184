/**
 * A minimal ELF64 reader for the checks the loader makes on an SBPF v0
 * program: header fields, sections, dynamic relocations and the syscall
 * call sites they patch.
 */

export interface ElfSection {
  name: string;
  type: number;
  address: bigint;
  offset: number;
  size: number;
  entrySize: number;
}

export interface ElfRelocation {
  offset: bigint;
  type: number;
  symbolName: string;
}

export interface SbpfElf {
  type: number;
  machine: number;
  flags: number;
  entry: bigint;
  sections: ElfSection[];
  relocations: ElfRelocation[];
  /** Byte offsets (virtual addresses) of `call -1` instructions in `.text`. */
  syscallSites: bigint[];
}

export const ET_DYN = 3;
export const EM_BPF = 247;
export const R_BPF_64_32 = 10;

/** Parses the parts of an SBPF v0 ELF that the loader cares about. */
export function readSbpfElf(bytes: Buffer): SbpfElf {
  if (bytes.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error("not a little-endian ELF64 file");
  const sectionHeaderOffset = Number(bytes.readBigUInt64LE(0x28));
  const sectionHeaderSize = bytes.readUInt16LE(0x3a);
  const sectionCount = bytes.readUInt16LE(0x3c);
  const namesIndex = bytes.readUInt16LE(0x3e);

  const raw = Array.from({ length: sectionCount }, (_, index) => {
    const base = sectionHeaderOffset + index * sectionHeaderSize;
    return {
      nameOffset: bytes.readUInt32LE(base),
      type: bytes.readUInt32LE(base + 4),
      address: bytes.readBigUInt64LE(base + 0x10),
      offset: Number(bytes.readBigUInt64LE(base + 0x18)),
      size: Number(bytes.readBigUInt64LE(base + 0x20)),
      link: bytes.readUInt32LE(base + 0x28),
      entrySize: Number(bytes.readBigUInt64LE(base + 0x38)),
    };
  });
  const names = raw[namesIndex];
  const cString = (at: number): string => bytes.toString("latin1", at, bytes.indexOf(0, at));
  const sections: ElfSection[] = raw.map((s) => ({
    name: names ? cString(names.offset + s.nameOffset) : "",
    type: s.type,
    address: s.address,
    offset: s.offset,
    size: s.size,
    entrySize: s.entrySize,
  }));

  const dynsym = raw[sections.findIndex((s) => s.name === ".dynsym")];
  const dynstr = dynsym ? raw[dynsym.link] : undefined;
  const symbolName = (index: number): string => {
    if (!dynsym || !dynstr || index === 0) return "";
    return cString(dynstr.offset + bytes.readUInt32LE(dynsym.offset + index * 24));
  };
  const relocations: ElfRelocation[] = [];
  const relDyn = sections.find((s) => s.name === ".rel.dyn");
  if (relDyn) {
    for (let at = relDyn.offset; at < relDyn.offset + relDyn.size; at += 16) {
      const info = bytes.readBigUInt64LE(at + 8);
      relocations.push({
        offset: bytes.readBigUInt64LE(at),
        type: Number(info & 0xffffffffn),
        symbolName: symbolName(Number(info >> 32n)),
      });
    }
  }

  const syscallSites: bigint[] = [];
  const text = sections.find((s) => s.name === ".text");
  if (text) {
    for (let at = text.offset; at < text.offset + text.size; ) {
      const opcode = bytes[at];
      if (opcode === 0x85 && bytes.readInt32LE(at + 4) === -1) {
        syscallSites.push(text.address + BigInt(at - text.offset));
      }
      at += opcode === 0x18 ? 16 : 8; // lddw is two slots
    }
  }

  return {
    type: bytes.readUInt16LE(0x10),
    machine: bytes.readUInt16LE(0x12),
    flags: bytes.readUInt32LE(0x30),
    entry: bytes.readBigUInt64LE(0x18),
    sections,
    relocations,
    syscallSites,
  };
}
