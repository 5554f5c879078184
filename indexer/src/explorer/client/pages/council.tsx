// /council: who decides (members, threshold, epoch), who holds which role, granted when and
// by which proposal, and who can change the program's code.
import { gql } from "../api.js";
import { useLoaded } from "../data.js";
import { Address, AddressCell, ErrorNote, Section, Table, Time, words } from "../format.js";
import { Link } from "../router.js";
import { ProgramCode } from "./program-code.js";

interface CouncilData {
  registry: { council: string[]; threshold: number; councilEpoch: number; timeLockSeconds: number } | null;
  roles: {
    role: string;
    holder: string;
    active: boolean;
    grantedByProposal: number;
    grantedAt: string;
    revokedByProposal: number;
    revokedAt: string;
  }[];
}

const ROLE_ORDER = ["legalVerifier", "technicalAuditor", "auditor", "guardian", "reportingNode"];

export function CouncilPage() {
  const loaded = useLoaded(
    () =>
      gql<CouncilData>(
        "{ registry { council threshold councilEpoch timeLockSeconds } roles { role holder active grantedByProposal grantedAt revokedByProposal revokedAt } }",
      ),
    "council",
  );
  if (loaded.state === "loading") return <p class="loading">Loading the council…</p>;
  if (loaded.state === "error") return <ErrorNote error={loaded.error} />;
  const { registry, roles } = loaded.data;
  if (registry === null) return <p>The registry is not initialized yet.</p>;
  return (
    <div>
      <h1>Council and roles</h1>
      <p class="lead">
        {registry.threshold} of {registry.council.length} council members must approve every change (council epoch{" "}
        {registry.councilEpoch}).
      </p>
      <Section title="Council members" id="members">
        <ol class="members">
          {registry.council.map((m) => (
            <li>
              <Address value={m} /> <span class="muted mono">{m}</span>
            </li>
          ))}
        </ol>
      </Section>
      {ROLE_ORDER.map((role) => {
        const holders = roles.filter((r) => r.role === role);
        return (
          <Section title={`${words(role)}s`} id={role}>
            {holders.length === 0 ? (
              <p class="muted">None granted.</p>
            ) : (
              <Table scroll={false} headers={["Holder", "Granted", "Status"]}>
                {holders.map((r) => (
                  <tr>
                    <AddressCell value={r.holder} />
                    <td>
                      <Time seconds={r.grantedAt} /> by{" "}
                      <Link href={`/proposal/${r.grantedByProposal}`}>proposal #{r.grantedByProposal}</Link>
                    </td>
                    <td>
                      {r.active ? (
                        "active"
                      ) : (
                        <span>
                          revoked <Time seconds={r.revokedAt} /> by{" "}
                          <Link href={`/proposal/${r.revokedByProposal}`}>proposal #{r.revokedByProposal}</Link>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </Table>
            )}
          </Section>
        );
      })}
      <ProgramCode />
    </div>
  );
}
