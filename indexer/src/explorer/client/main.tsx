// The auditor's explorer: a small Preact app over the indexer's GraphQL API, served by the
// indexer at /. Pages: partners, a partner, proposals, a proposal, council and roles, integrity.
import { render } from "preact";
import { useContext } from "preact/hooks";
import { LiveContext, useLiveState } from "./live.js";
import { CouncilPage } from "./pages/council.js";
import { IntegrityPage } from "./pages/integrity.js";
import { PartnerPage } from "./pages/partner.js";
import { PartnersPage } from "./pages/partners.js";
import { ProposalPage, ProposalsPage } from "./pages/proposals.js";
import { Link, type Route, useRoute } from "./router.js";

const NAV = [
  { href: "/partners", label: "Partners", roots: ["", "partners", "partner"] },
  { href: "/proposals", label: "Proposals", roots: ["proposals", "proposal"] },
  { href: "/council", label: "Council & roles", roots: ["council"] },
  { href: "/integrity", label: "Integrity", roots: ["integrity"] },
];

function LiveIndicator() {
  const live = useContext(LiveContext);
  if (live.stale === null)
    return (
      <span class="live live-ok" id="live" title="The indexer is checked against the chain">
        ● live <span class="muted">change {live.changeIndex}</span>
      </span>
    );
  return (
    <span class="live live-stale" id="live" title={live.stale.reason}>
      ● stale since {new Date(live.stale.since).toLocaleTimeString()}: {live.stale.reason}
    </span>
  );
}

function Page(props: { route: Route }) {
  const [root, arg] = props.route.path;
  switch (root ?? "") {
    case "":
    case "partners":
      return <PartnersPage route={props.route} />;
    case "partner":
      return arg ? <PartnerPage idOrAddress={arg} /> : <PartnersPage route={props.route} />;
    case "proposals":
      return <ProposalsPage route={props.route} />;
    case "proposal":
      return arg ? <ProposalPage id={arg} /> : <ProposalsPage route={props.route} />;
    case "council":
      return <CouncilPage />;
    case "integrity":
      return <IntegrityPage />;
    default:
      return <h1>Not found</h1>;
  }
}

function App() {
  const route = useRoute();
  const live = useLiveState();
  const root = route.path[0] ?? "";
  return (
    <LiveContext.Provider value={live}>
      <header class="top">
        <Link href="/" class="brand">
          Lume Registry
        </Link>
        <nav aria-label="Sections">
          {NAV.map((n) => (
            <Link href={n.href} class={n.roots.includes(root) ? "current" : ""}>
              {n.label}
            </Link>
          ))}
        </nav>
        <LiveIndicator />
      </header>
      <main>
        <Page route={route} />
      </main>
      <footer>
        Data: this indexer's <a href="/graphql">GraphQL API</a>; history checked against the chain on the{" "}
        <Link href="/integrity">integrity</Link> page.
      </footer>
    </LiveContext.Provider>
  );
}

const root = document.getElementById("app");
if (root !== null) {
  root.textContent = "";
  render(<App />, root);
}
