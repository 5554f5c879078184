// One execution per change for every subscriber of `snapshotChanged`, instead of one per
// subscriber: graphql-js executes a subscription's selection once per event per subscriber, which
// with 10,000 nodes on one replica was most of a change's delivery time (npm run bench:fleet). A
// delta does not depend on the subscriber's arguments (fromChangeIndex only says where its stream
// starts), so subscribers with the same document share the result of the first execution.
// (graphql-js's execute, with yoga's error masking redone here: envelop's execute answers a
// subscription document with a stream of its own.)
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute as executeOnce,
  GraphQLError,
  getOperationAST,
  print,
} from "graphql";

/** The one root field whose results are shared (its output is a function of the change alone). */
const SHARED_FIELD = "snapshotChanged";
/** Results kept per document: the newest changes (live delivery, short resumes). */
const KEPT = 256;

type Execute = (args: ExecutionArgs) => ExecutionResult | Promise<ExecutionResult>;

/** As yoga's maskedErrors: an error that is not a GraphQLError (a bug) is not shown to clients. */
function masked(result: ExecutionResult): ExecutionResult {
  if (result.errors === undefined) return result;
  return {
    ...result,
    errors: result.errors.map((err) =>
      err.originalError === undefined || err.originalError instanceof GraphQLError
        ? err
        : new GraphQLError("Unexpected error.", { nodes: err.nodes, path: err.path }),
    ),
  };
}

const byDocument = new WeakMap<object, Map<string, Map<number, Promise<ExecutionResult>>>>();

/** A subscription operation whose only root field is snapshotChanged (no aliases, one field). */
function sharedOperation(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== "subscription") return false;
  const fields = operation.selectionSet.selections;
  return (
    fields.length === 1 &&
    fields[0]!.kind === "Field" &&
    fields[0]!.name.value === SHARED_FIELD &&
    fields[0]!.alias === undefined
  );
}

/**
 * The subscription's results, each executed once per (document, change) for all subscribers of
 * the same `scope` (one per API server); undefined when the operation is not a shared one (the
 * caller subscribes as usual).
 */
export async function sharedSubscription(
  scope: object,
  args: ExecutionArgs,
  execute: Execute = executeOnce,
): Promise<AsyncIterable<ExecutionResult> | ExecutionResult | undefined> {
  if (!sharedOperation(args.document, args.operationName)) return undefined;
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  let documents = byDocument.get(scope);
  if (documents === undefined) {
    documents = new Map();
    byDocument.set(scope, documents);
  }
  const text = print(args.document);
  let results = documents.get(text);
  if (results === undefined) {
    results = new Map();
    documents.set(text, results);
  }
  const cache = results;
  const iterator = (source as AsyncIterable<{ changeIndex: number }>)[Symbol.asyncIterator]();
  return {
    [Symbol.asyncIterator]() {
      return {
        async next(): Promise<IteratorResult<ExecutionResult>> {
          const step = await iterator.next();
          if (step.done) return { done: true, value: undefined };
          const event = step.value;
          let result = cache.get(event.changeIndex);
          if (result === undefined) {
            result = Promise.resolve(execute({ ...args, rootValue: event })).then(masked);
            cache.set(event.changeIndex, result);
            if (cache.size > KEPT) cache.delete(cache.keys().next().value as number);
          }
          return { done: false, value: await result };
        },
        async return(): Promise<IteratorResult<ExecutionResult>> {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
        async throw(err: unknown): Promise<IteratorResult<ExecutionResult>> {
          await iterator.return?.();
          throw err;
        },
      };
    },
  };
}
