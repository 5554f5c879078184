// On /council: who can change the registry program's code (its upgrade authority) and which
// bytecode runs, from the indexer's GraphQL `program` (read live from ProgramData).
import { gql } from "../api.js";
import { useLoaded } from "../data.js";
import { Address, ErrorNote, Section } from "../format.js";

interface ProgramData {
  program: {
    upgradeAuthority: string | null;
    upgradeAuthorityHolder: "council" | "key" | "immutable";
    executableSha256: string;
    executableLength: number;
    lastUpgradeSlot: number;
  } | null;
}

function Holder(props: { program: NonNullable<ProgramData["program"]> }) {
  const { program } = props;
  if (program.upgradeAuthorityHolder === "immutable")
    return <p>No one: the program is immutable, its code can never change.</p>;
  if (program.upgradeAuthorityHolder === "council")
    return (
      <p>
        The registry council: the upgrade authority is the registry's own address{" "}
        <Address value={program.upgradeAuthority} />, which only an executed council proposal can use.
      </p>
    );
  return (
    <p>
      A key: <Address value={program.upgradeAuthority} /> <span class="mono muted">{program.upgradeAuthority}</span>.
      The operators can still change the code, and with it every rule, without a council vote.
    </p>
  );
}

export function ProgramCode() {
  const loaded = useLoaded(
    () =>
      gql<ProgramData>(
        "{ program { upgradeAuthority upgradeAuthorityHolder executableSha256 executableLength lastUpgradeSlot } }",
      ),
    "program",
  );
  return (
    <Section title="Who can change the program's code" id="program">
      {loaded.state === "loading" ? (
        <p class="loading">Reading the program's upgrade authority…</p>
      ) : loaded.state === "error" ? (
        <ErrorNote error={loaded.error} />
      ) : loaded.data.program === null ? (
        <p class="muted">The program is not deployed under the upgradeable loader.</p>
      ) : (
        <div>
          <Holder program={loaded.data.program} />
          <p>
            Bytecode SHA-256 <span class="mono">{loaded.data.program.executableSha256}</span> (
            {loaded.data.program.executableLength} bytes), deployed or last upgraded at slot{" "}
            {loaded.data.program.lastUpgradeSlot}. Compare it with the hash the README states for the source, or run{" "}
            <span class="mono">lume program verify</span>.
          </p>
        </div>
      )}
    </Section>
  );
}
