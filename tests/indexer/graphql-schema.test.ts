// tests/indexer/graphql-schema.ts copies the GraphQL schema's object types as TypeScript by hand
// (the tests type their answers with it). This suite keeps the copy true: every interface there
// names the fields of the schema type of the same name, no more and no fewer, and is nullable
// (`| null`) exactly where the schema is. A field added, renamed or made nullable in the schema
// fails here until the copy follows.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildSchema, GraphQLObjectType, isNullableType } from "graphql";
import ts from "typescript";
import { typeDefs } from "../../indexer/src/api/schema.graphql.js";

const COPY = "tests/indexer/graphql-schema.ts";
/** Interfaces of the copy that stand for several schema types. */
const SHARED: Record<string, string[]> = { Connection: ["PartnerConnection", "ProposalConnection"] };

/** Each exported interface of the copy: its properties, and whether each admits null. */
function copiedInterfaces(): Map<string, Map<string, boolean>> {
  const source = ts.createSourceFile(COPY, readFileSync(COPY, "utf8"), ts.ScriptTarget.Latest, true);
  const out = new Map<string, Map<string, boolean>>();
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement)) continue;
    const fields = new Map<string, boolean>();
    for (const member of statement.members) {
      if (!ts.isPropertySignature(member) || member.type === undefined) continue;
      const admitsNull =
        ts.isUnionTypeNode(member.type) &&
        member.type.types.some((t) => ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword);
      fields.set(member.name.getText(source), admitsNull);
    }
    out.set(statement.name.text, fields);
  }
  return out;
}

describe("the tests' TypeScript copy of the GraphQL schema (graphql-schema.ts)", () => {
  const schema = buildSchema(typeDefs);
  const copies = copiedInterfaces();

  it("copies at least the types the tests read", () => {
    for (const name of ["Registry", "Partner", "Proposal", "HistoryEvent", "Reverification", "IndexerStatus"])
      assert.ok(copies.has(name), `${name} is not in ${COPY}`);
  });

  for (const [name, fields] of copies) {
    it(`${name}: the schema's fields, nullable where the schema is`, () => {
      const schemaNames = SHARED[name] ?? [name];
      for (const schemaName of schemaNames) {
        const type = schema.getType(schemaName);
        assert.ok(type instanceof GraphQLObjectType, `the schema has no object type ${schemaName}`);
        const expected = Object.fromEntries(
          Object.values(type.getFields()).map((f) => [f.name, isNullableType(f.type)] as const),
        );
        assert.deepEqual(Object.fromEntries(fields), expected, `${COPY}: ${name} differs from ${schemaName}`);
      }
    });
  }
});
