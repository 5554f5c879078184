// While the stored history is incomplete (a gap being fetched, or a history being rebuilt), every
// GraphQL answer says so in `extensions.historyIncomplete`: a `history` list (or a partner's
// history, reviews, votes) may then miss changes, while account state (partners, authorize,
// snapshot) is still served fresh. Subscriptions are not touched: they deliver changes in order
// and wait at a gap until it is filled.
import type { Plugin } from "graphql-yoga";
import type { Indexer } from "../indexer.js";

export function useHistoryNotice(indexer: Indexer): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          const incomplete = indexer.historyIncomplete;
          if (incomplete === null || Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, historyIncomplete: incomplete } });
        },
      };
    },
  };
}
