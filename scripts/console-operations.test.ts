import fs from 'node:fs';
import path from 'node:path';
import { type DocumentNode, NoUnusedFragmentsRule, parse, specifiedRules, validate } from 'graphql';
import ts from 'typescript';
import { PRIVATE_SCREENING_OPERATIONS } from '../services/entities/private-screening.client';
import { apiSchemaOf } from './schema-changes';

/**
 * Every GraphQL document the console sends is valid against the API the gateway serves
 * (schema/supergraph.graphql's API schema). `tsc -p console` already refuses, through gql.tada
 * (console/src/gql.ts), a document that selects a field the API does not have and a result used in
 * another shape; this checks what the types do not: arguments (their names and the types of the
 * variables given to them), variables declared and used, fragments spread where their type fits,
 * directives. A page asking for something the API refuses fails here, at `npm test`, not in a
 * person's browser.
 *
 * The documents are the console's `graphql(`...`, [fragments])` calls: the literal, with the
 * fragments it names (consts of the same file, themselves `graphql(...)` calls). A `graphql(` call
 * whose document is not a literal, or an operation written outside `graphql(`, fails.
 */
const CONSOLE = path.join(__dirname, '..', 'console', 'src');
const schema = apiSchemaOf(fs.readFileSync(path.join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8'));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const LOOKS_LIKE_OPERATION = /^\s*(query|mutation|subscription|fragment)\b[^{]*\{|^\s*\{\s*[A-Za-z_]/;

interface Found {
  line: number;
  document?: DocumentNode;
  /** Why the call could not be read as a document. */
  problem?: string;
}

/** The `graphql(...)` documents of one source file (with their fragments), and the operations written outside them. */
function documents(fileName: string, text: string): Found[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const calls = new Map<ts.CallExpression, { literal?: string; fragments: string[]; problem?: string }>();
  const byName = new Map<string, ts.CallExpression>();
  const inCall = new Set<ts.Node>();
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'graphql') {
      const [first, second] = node.arguments;
      const literal = first && (ts.isNoSubstitutionTemplateLiteral(first) || ts.isStringLiteral(first)) ? first.text : undefined;
      const fragments: string[] = [];
      let problem = literal === undefined ? 'the document is not a string literal (gql.tada reads the literal: write it out)' : undefined;
      if (second) {
        if (ts.isArrayLiteralExpression(second) && second.elements.every(ts.isIdentifier))
          fragments.push(...second.elements.map((e) => (e as ts.Identifier).text));
        else problem = 'the fragments are not a list of names';
      }
      if (first) inCall.add(first);
      calls.set(node, { literal, fragments, problem });
      if (ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) byName.set(node.parent.name.text, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  const found: Found[] = [];
  for (const [call, c] of calls) {
    if (c.problem) {
      found.push({ line: lineOf(call), problem: c.problem });
      continue;
    }
    // The document and, transitively, the fragments it is given.
    const texts = [c.literal!];
    const seen = new Set<string>();
    const queue = [...c.fragments];
    let problem: string | undefined;
    while (queue.length) {
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const fragment = byName.get(name);
      const f = fragment && calls.get(fragment);
      if (!f?.literal) {
        problem = `fragment ${name} is not a graphql(...) document of this file`;
        break;
      }
      texts.push(f.literal);
      queue.push(...f.fragments);
    }
    if (problem) {
      found.push({ line: lineOf(call), problem });
      continue;
    }
    try {
      found.push({ line: lineOf(call), document: parse(texts.join('\n')) });
    } catch (err) {
      found.push({ line: lineOf(call), problem: `not GraphQL: ${(err as Error).message}` });
    }
  }
  // An operation outside graphql(...) would escape both tsc and this test.
  const stray = (node: ts.Node) => {
    if ((ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node) || ts.isTemplateExpression(node)) && !inCall.has(node)) {
      const t = ts.isTemplateExpression(node) ? node.head.text : node.text;
      if (LOOKS_LIKE_OPERATION.test(t)) {
        let parses = true;
        try {
          parse(ts.isTemplateExpression(node) ? node.getText().slice(1, -1) : t);
        } catch {
          parses = ts.isTemplateExpression(node); // prose that starts like an operation; a template may be one with interpolations
        }
        if (parses) found.push({ line: lineOf(node), problem: 'an operation written outside graphql(`...`)' });
      }
    }
    ts.forEachChild(node, stray);
  };
  stray(sf);
  return found;
}

/** A fragment on its own is checked as written (its uses, with the operations that spread it). */
const FRAGMENT_RULES = specifiedRules.filter((r) => r !== NoUnusedFragmentsRule);

/** What the API schema finds wrong with a document (nothing: valid). */
function problemsOf(f: Found): string[] {
  if (f.problem) return [f.problem];
  const operation = f.document!.definitions.some((d) => d.kind === 'OperationDefinition');
  return validate(schema, f.document!, operation ? specifiedRules : FRAGMENT_RULES).map((e) => e.message);
}

const all = sources(CONSOLE).flatMap((file) =>
  documents(file, fs.readFileSync(file, 'utf8')).map((d) => ({ ...d, where: `${path.relative(CONSOLE, file)}:${d.line}` })),
);

describe('the console’s GraphQL documents', () => {
  test('there are documents to check (the extraction works)', () => {
    expect(all.length).toBeGreaterThan(60);
    expect(all.some((d) => d.where.startsWith('app.tsx') || d.where.startsWith('routes.tsx'))).toBe(true);
    // Fragments are checked with the operations that spread them.
    expect(all.some((d) => d.document?.definitions.length === 2)).toBe(true);
  });

  test.each(all.map((d) => [d.where, d] as const))('%s is valid against the API schema', (_where, d) => {
    expect(problemsOf(d)).toEqual([]);
  });

  // The bank's private screening client (services/), which the console's private screening page runs as it is.
  test.each(Object.entries(PRIVATE_SCREENING_OPERATIONS))('the private screening client’s %s is valid against the API schema', (_name, text) => {
    expect(validate(schema, parse(text)).map((e) => e.message)).toEqual([]);
  });

  test('a document the types let through but the API refuses fails here', () => {
    const source = `
      import { graphql } from './gql';
      const F = graphql(\`fragment F on User { displayName }\`);
      const WRONG_ARGUMENT = graphql(\`query A($id: ID!) { case(key: $id) { id } }\`);
      const WRONG_VARIABLE_TYPE = graphql(\`query B($id: String!) { case(id: $id) { id } }\`);
      const UNUSED_VARIABLE = graphql(\`query C($id: ID!) { me { ...F } }\`, [F]);
      const FRAGMENT_ON_ANOTHER_TYPE = graphql(\`query D { permissions { ...F } }\`, [F]);
      const INTERPOLATED = graphql(\`query E { me { \${'displayName'} } }\`);
      const STRAY = \`query G { me { displayName } }\`;
      const FINE = graphql(\`query H($id: ID!) { case(id: $id) { id } me { ...F } }\`, [F]);
    `;
    const found = documents('probe.ts', source).map((d) => problemsOf(d));
    const [fragment, ...rest] = found;
    expect(fragment).toEqual([]); // a fragment alone is a valid document
    const [wrongArgument, wrongVariableType, unusedVariable, fragmentOnAnotherType, interpolated, fine, stray] = rest;
    expect(wrongArgument!.join()).toMatch(/Unknown argument "key"/);
    expect(wrongVariableType!.join()).toMatch(/Variable "\$id" of type "String!" used in position expecting type "ID!"/);
    expect(unusedVariable!.join()).toMatch(/Variable "\$id" is never used/);
    expect(fragmentOnAnotherType!.join()).toMatch(/Fragment "F" cannot be spread here/);
    expect(interpolated!.join()).toMatch(/not a string literal/);
    expect(fine).toEqual([]);
    expect(stray!.join()).toMatch(/outside graphql/);
  });
});
