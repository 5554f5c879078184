// Loading a page's data, again whenever the registry changes (live updates without reload).
import { useEffect, useState } from "preact/hooks";
import { useLiveVersion } from "./live.js";

export type Loaded<T> = { state: "loading" } | { state: "error"; error: unknown } | { state: "ready"; data: T };

/** Runs `load` on mount, when `key` changes, and after each registry change; keeps the last data while reloading. */
export function useLoaded<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const version = useLiveVersion();
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  useEffect(() => {
    let cancelled = false;
    load().then(
      (data) => !cancelled && setLoaded({ state: "ready", data }),
      (error: unknown) => !cancelled && setLoaded({ state: "error", error }),
    );
    return () => {
      cancelled = true;
    };
  }, [key, version]);
  return loaded;
}
