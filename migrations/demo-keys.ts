// The demo's keys, generated on the first `npm start` and kept under .lume/demo/ (git-ignored),
// so every later run shows the same deployer, council, role holders and partner authorities
// (hence the same addresses), and each role can sign with `lume -k .lume/demo/<role>.json`.
import { join } from "node:path";
import type { Keypair } from "@solana/web3.js";
import { loadOrCreateKeypairFile } from "../app/src/sdk/keypair-file.js";

export const DEFAULT_DEMO_DIR = ".lume/demo";
export const DEMO_COUNCIL_SIZE = 3;
export const DEMO_PARTNER_COUNT = 3;

export interface DemoKeys {
  dir: string;
  /** Upgrade authority of the local deploy; initializes the registry and pays for it. */
  deployer: Keypair;
  council: Keypair[];
  /** Holds the legal-verifier role (attests partners' legal checks). */
  legalVerifier: Keypair;
  /** Holds the technical-auditor role (attests partners' technical audits). */
  technicalAuditor: Keypair;
  /** Holds the auditor role (records periodic reviews). */
  auditor: Keypair;
  /** Holds the guardian role (suspends a partner at once, until the council decides). */
  guardian: Keypair;
  /** Holds the reporting-node role (reports traffic that deviates from a partner's model). */
  reportingNode: Keypair;
  /** The demo partners' authorities, in partner-id order. */
  partners: Keypair[];
  /** True when this run generated any of them (the first run, or after .lume/ was removed). */
  created: boolean;
}

/** Each key's file name in the demo directory (what the banner and the README name). */
export const DEMO_KEY_FILES = {
  deployer: "deployer.json",
  council: (i: number) => `council-${i + 1}.json`,
  legalVerifier: "legal-verifier.json",
  technicalAuditor: "technical-auditor.json",
  auditor: "auditor.json",
  guardian: "guardian.json",
  reportingNode: "reporting-node.json",
  partner: (i: number) => `partner-${i}.json`,
};

export function loadOrCreateDemoKeys(dir = DEFAULT_DEMO_DIR): DemoKeys {
  const file = (name: string) => loadOrCreateKeypairFile(join(dir, name));
  const deployer = file(DEMO_KEY_FILES.deployer);
  const council = Array.from({ length: DEMO_COUNCIL_SIZE }, (_, i) => file(DEMO_KEY_FILES.council(i)));
  const legalVerifier = file(DEMO_KEY_FILES.legalVerifier);
  const technicalAuditor = file(DEMO_KEY_FILES.technicalAuditor);
  const auditor = file(DEMO_KEY_FILES.auditor);
  const guardian = file(DEMO_KEY_FILES.guardian);
  const reportingNode = file(DEMO_KEY_FILES.reportingNode);
  const partners = Array.from({ length: DEMO_PARTNER_COUNT }, (_, i) => file(DEMO_KEY_FILES.partner(i)));
  const all = [deployer, ...council, legalVerifier, technicalAuditor, auditor, guardian, reportingNode, ...partners];
  return {
    dir,
    deployer: deployer.keypair,
    council: council.map((c) => c.keypair),
    legalVerifier: legalVerifier.keypair,
    technicalAuditor: technicalAuditor.keypair,
    auditor: auditor.keypair,
    guardian: guardian.keypair,
    reportingNode: reportingNode.keypair,
    partners: partners.map((p) => p.keypair),
    created: all.some((k) => k.created),
  };
}
