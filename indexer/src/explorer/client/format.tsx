// How values read on every page: times in the reader's zone (UTC on hover), addresses shortened
// (full on hover, and selectable), statuses as coloured words.
import type { ComponentChildren } from "preact";
import { Link } from "./router.js";

/** Unix seconds (number or decimal string) in the reader's time zone; UTC in the tooltip. */
export function Time(props: { seconds: string | number | null | undefined }) {
  const seconds = Number(props.seconds ?? 0);
  if (!Number.isFinite(seconds) || seconds <= 0) return <span class="muted">—</span>;
  const date = new Date(seconds * 1000);
  const local = date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  return (
    <time dateTime={date.toISOString()} title={`${date.toISOString().replace(".000Z", "Z")} (UTC)`}>
      {local}
    </time>
  );
}

export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}

/** A base58 address: shortened on screen, whole in the tooltip and when copied. */
export function Address(props: { value: string | null | undefined; href?: string }) {
  if (!props.value) return <span class="muted">—</span>;
  const text = <code title={props.value}>{shortAddress(props.value)}</code>;
  return props.href ? <Link href={props.href}>{text}</Link> : text;
}

export function Signature(props: { value: string }) {
  return <code title={props.value}>{shortAddress(props.value)}</code>;
}

export function Badge(props: { value: string }) {
  return <span class={`badge badge-${props.value}`}>{words(props.value)}</span>;
}

/** camelCase names as words: "reviewOverdue" → "review overdue". */
export function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

export function Section(props: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section id={props.id}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

/**
 * A table: its header cells, then `children`, its rows. It scrolls sideways on a narrow screen
 * unless `scroll` is false (a short table inside a section).
 */
export function Table(props: {
  class?: string;
  headers: (string | { label: string; class: string })[];
  scroll?: boolean;
  children: ComponentChildren;
}) {
  const table = (
    <table class={props.class}>
      <thead>
        <tr>{props.headers.map((h) => (typeof h === "string" ? <th>{h}</th> : <th class={h.class}>{h.label}</th>))}</tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
  return props.scroll === false ? table : <div class="table-wrap">{table}</div>;
}

/** A detail page's heading: the way back to its list and the item's number, then its title and status. */
export function DetailHeading(props: {
  list: { href: string; label: string };
  id: string | number;
  title: ComponentChildren;
  status: string;
}) {
  return (
    <>
      <p class="crumbs">
        <Link href={props.list.href}>{props.list.label}</Link> / #{props.id}
      </p>
      <h1>
        {props.title} <Badge value={props.status} />
      </h1>
    </>
  );
}

export function ErrorNote(props: { error: unknown }) {
  return (
    <p class="error">Could not load: {props.error instanceof Error ? props.error.message : String(props.error)}</p>
  );
}

// Table cells that hold just one of the above (most columns of the explorer's tables).

export function TimeCell(props: { seconds: string | number | null | undefined }) {
  return (
    <td>
      <Time seconds={props.seconds} />
    </td>
  );
}

export function AddressCell(props: { value: string | null | undefined; href?: string }) {
  return (
    <td>
      <Address {...props} />
    </td>
  );
}

export function SignatureCell(props: { value: string }) {
  return (
    <td>
      <Signature value={props.value} />
    </td>
  );
}

export function BadgeCell(props: { value: string }) {
  return (
    <td>
      <Badge value={props.value} />
    </td>
  );
}
