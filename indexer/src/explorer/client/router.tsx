// Path-based routing: every page has a permanent address (/partner/3, /proposal/12) that can be
// pasted in a report; links change the address without reloading the page.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

export interface Route {
  path: string[];
  query: URLSearchParams;
}

function current(): Route {
  return { path: location.pathname.split("/").filter(Boolean), query: new URLSearchParams(location.search) };
}

const listeners = new Set<() => void>();

export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  for (const l of listeners) l();
  if (!replace) window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return route;
}

/** An ordinary link (works with a middle click, copy, keyboard) that navigates in place. */
export function Link(props: { href: string; children: ComponentChildren; class?: string; title?: string }) {
  return (
    <a
      href={props.href}
      class={props.class}
      title={props.title}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
