// The demo partners of `npm start`: three organisations walked through the real admission
// procedure over JSON-RPC (roles granted by council proposals, applications, endpoint
// declarations, legal and technical attestations, an ApprovePartner proposal approved by the
// council and executed after its time lock), then one key revocation and one suspension. Time
// locks are passed with the local chain's time-travel cheatcode.
import anchor from "@coral-xyz/anchor";
import { type Connection, Keypair, type PublicKey, SystemProgram } from "@solana/web3.js";
import type { Surfnet } from "../app/src/localnet/surfnet.js";
import { eventCpiAccounts } from "../app/src/sdk/events.js";
import {
  chainUnixTime,
  executeRemainingAccounts,
  type RegistryProgram,
  type RoleName,
  registryAddresses,
  roleArg,
} from "../app/src/sdk/index.js";

const { BN } = anchor;
const FUNDING = 10_000_000_000n;

export interface DemoPartner {
  name: string;
  address: PublicKey;
  authority: PublicKey;
  status: string;
}

export interface DemoLifecycleOptions {
  program: RegistryProgram;
  connection: Connection;
  surfnet: Surfnet;
  council: Keypair[];
  /** Granted the legal-verifier role; attests the partners' legal checks. */
  legalVerifier: Keypair;
  /** Granted the technical-auditor role; attests the partners' technical audits. */
  technicalAuditor: Keypair;
  /** Granted the monitoring roles (auditor, guardian, reporting node), so each can be tried. */
  monitors: { auditor: Keypair; guardian: Keypair; reportingNode: Keypair };
  /** One authority per demo partner (applies and declares its endpoint). */
  partnerAuthorities: Keypair[];
  threshold: number;
  timeLockSeconds: number;
  /** Progress lines (one per step). */
  log?: (line: string) => void;
}

const DEMO_PARTNERS = [
  { name: "Northwind Data GmbH", jurisdiction: "DE", host: "api.northwind.example" },
  { name: "Blue Heron Research Ltd", jurisdiction: "GB", host: "crawl.blueheron.example" },
  { name: "Kestrel Analytics Inc", jurisdiction: "US-CA", host: "edge.kestrel.example" },
];

/** Runs the demo lifecycle on a freshly initialized registry; returns the partners' final state. */
export async function runDemoLifecycle(options: DemoLifecycleOptions): Promise<DemoPartner[]> {
  const { program, connection, surfnet, council } = options;
  const log = options.log ?? (() => {});
  const addresses = registryAddresses(program.programId);
  const registry = addresses.registry();

  if (options.partnerAuthorities.length < DEMO_PARTNERS.length)
    throw new Error(`the demo needs ${DEMO_PARTNERS.length} partner authorities`);
  // Council members pay for the proposals they create; the others for what they sign.
  const { monitors } = options;
  for (const key of [
    ...council,
    options.legalVerifier,
    options.technicalAuditor,
    monitors.auditor,
    monitors.guardian,
    monitors.reportingNode,
    ...options.partnerAuthorities,
  ])
    surfnet.fundSol(key.publicKey, FUNDING);
  const now = () => chainUnixTime(connection);

  /** Propose (council member 0), approve up to the threshold, pass the time lock, execute. */
  const decide = async (action: object, partner: PublicKey | null): Promise<void> => {
    const id = (await program.account.registry.fetch(registry)).proposalCount.toNumber();
    const proposal = addresses.proposal(id);
    await program.methods
      .propose(action as never, Array.from(Buffer.alloc(32)), "")
      .accountsStrict({
        ...eventCpiAccounts(program.programId),
        registry,
        proposal,
        proposer: council[0]!.publicKey,
        partner: partner ?? program.programId,
        systemProgram: SystemProgram.programId,
      })
      .signers([council[0]!])
      .rpc();
    for (const member of council.slice(0, options.threshold)) {
      await program.methods
        .approve()
        .accountsStrict({
          ...eventCpiAccounts(program.programId),
          registry,
          proposal,
          member: member.publicKey,
        })
        .signers([member])
        .rpc();
    }
    surfnet.timeTravel({ unixTimestamp: (await now()) + options.timeLockSeconds + 1 });
    const counters = partner ? await program.account.partner.fetch(partner) : null;
    const remaining = executeRemainingAccounts(action, addresses, partner, counters);
    await program.methods
      .execute()
      .accountsStrict({
        ...eventCpiAccounts(program.programId),
        registry,
        proposal,
        executor: council[0]!.publicKey,
        systemProgram: SystemProgram.programId,
      })
      .remainingAccounts(remaining.map((pubkey) => ({ pubkey, isSigner: false, isWritable: true })))
      .signers([council[0]!])
      .rpc();
  };

  const grant = async (role: RoleName, holder: Keypair): Promise<Keypair> => {
    await decide({ grantRole: { role: roleArg(role), holder: holder.publicKey } }, null);
    log(`granted ${role} to ${holder.publicKey.toBase58()}`);
    return holder;
  };
  const legalVerifier = await grant("legalVerifier", options.legalVerifier);
  const technicalAuditor = await grant("technicalAuditor", options.technicalAuditor);
  await grant("auditor", monitors.auditor);
  await grant("guardian", monitors.guardian);
  await grant("reportingNode", monitors.reportingNode);

  const partners: { name: string; address: PublicKey; authority: Keypair }[] = [];
  for (const [i, demo] of DEMO_PARTNERS.entries()) {
    const authority = options.partnerAuthorities[i]!;
    const id = (await program.account.registry.fetch(registry)).partnerCount.toNumber();
    const partner = addresses.partner(id);
    await program.methods
      .apply(
        demo.name,
        demo.jurisdiction,
        Array.from(Buffer.alloc(32, id + 1)),
        Array.from(Buffer.alloc(32, 0xee)),
        `https://evidence.example/${id}`,
        {
          allowedCategories: new BN(0b111),
          maxRequestsPerSecond: 500,
          burst: 100,
          maxBandwidthKbps: 100_000,
        },
      )
      .accountsStrict({
        ...eventCpiAccounts(program.programId),
        registry,
        partner,
        authority: authority.publicKey,
        systemProgram: SystemProgram.programId,
      })
      .signers([authority])
      .rpc();
    await program.methods
      .declareEndpoint(demo.host, 443, { https: {} }, new BN(0b011))
      .accountsStrict({
        ...eventCpiAccounts(program.programId),
        registry,
        partner,
        endpoint: addresses.endpoint(partner, 0),
        authority: authority.publicKey,
        systemProgram: SystemProgram.programId,
      })
      .signers([authority])
      .rpc();
    const attestation = { registry, partner };
    await program.methods
      .attestLegal(Array.from(Buffer.alloc(32, 0xab)), `https://verifier.example/${id}/legal.pdf`)
      .accountsStrict({
        ...eventCpiAccounts(program.programId),
        ...attestation,
        verifier: legalVerifier.publicKey,
        roleGrant: addresses.role("legalVerifier", legalVerifier.publicKey),
      })
      .signers([legalVerifier])
      .rpc();
    await program.methods
      .attestTechnical(Array.from(Buffer.alloc(32, 0xcd)), `https://auditor.example/${id}/audit.pdf`)
      .accountsStrict({
        ...eventCpiAccounts(program.programId),
        ...attestation,
        verifier: technicalAuditor.publicKey,
        roleGrant: addresses.role("technicalAuditor", technicalAuditor.publicKey),
      })
      .signers([technicalAuditor])
      .rpc();
    const { endpointSetVersion } = await program.account.partner.fetch(partner);
    await decide({ approvePartner: { endpointSetVersion } }, partner);
    log(`admitted partner #${id} ${demo.name} (${demo.host})`);
    partners.push({ name: demo.name, address: partner, authority });
  }

  // Infrastructure keys for the first two partners; one of them is then revoked.
  const validFrom = await now();
  for (const partner of partners.slice(0, 2)) {
    await decide(
      {
        issueKey: {
          publicKey: Array.from(Keypair.generate().publicKey.toBuffer()),
          endpoints: [],
          validFrom: new BN(validFrom),
          validUntil: new BN(validFrom + 365 * 86_400),
          replaces: null,
        },
      },
      partner.address,
    );
    log(`issued key #0 to ${partner.name}`);
  }
  const revoked = partners[1]!;
  await decide({ revokeKey: { index: 0, reason: { compromised: {} } } }, revoked.address);
  log(`revoked key #0 of ${revoked.name} (compromised)`);

  const suspended = partners[2]!;
  await decide({ suspendPartner: { reason: "traffic outside the declared model" } }, suspended.address);
  log(`suspended ${suspended.name}`);

  const result: DemoPartner[] = [];
  for (const partner of partners) {
    const state = await program.account.partner.fetch(partner.address);
    result.push({
      name: partner.name,
      address: partner.address,
      authority: partner.authority.publicKey,
      status: Object.keys(state.status)[0] ?? "unknown",
    });
  }
  return result;
}
