import fs from 'node:fs';
import path from 'node:path';
import { type DocumentNode, parse, validate } from 'graphql';
import ts from 'typescript';
import { apiSchemaOf } from './schema-changes';

/**
 * Every GraphQL operation the console sends is valid against the API the gateway serves
 * (schema/supergraph.graphql): a page asking for a field that was renamed or removed fails here,
 * at `npm test`, not in a person's browser. The operations are the string and template literals in
 * console/src that parse as GraphQL documents; in a template, each `${NAME}` is replaced by the
 * string or number constant NAME of the same file (the console interpolates shared selections and
 * limits that way).
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

const LOOKS_LIKE_OPERATION = /^\s*(query|mutation|subscription)\b[^{]*\{|^\s*\{\s*[A-Za-z_]/;

function operations(file: string): Array<{ line: number; text: string; document: DocumentNode }> {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Array<{ line: number; text: string; document: DocumentNode }> = [];
  // The file's string constants, for the selections its templates interpolate.
  const constants = new Map<string, string>();
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (
        ts.isIdentifier(d.name) &&
        d.initializer &&
        (ts.isStringLiteral(d.initializer) || ts.isNoSubstitutionTemplateLiteral(d.initializer) || ts.isNumericLiteral(d.initializer))
      ) {
        constants.set(d.name.text, d.initializer.text);
      }
    }
  }
  // What a `${...}` may be: a string constant of the file, or a condition between two string literals (both are checked).
  const alternatives = (e: ts.Expression): string[] | undefined => {
    if (ts.isIdentifier(e) && constants.has(e.text)) return [constants.get(e.text)!];
    if (ts.isParenthesizedExpression(e)) return alternatives(e.expression);
    if (ts.isConditionalExpression(e)) {
      const a = alternatives(e.whenTrue);
      const b = alternatives(e.whenFalse);
      return a && b ? [...a, ...b] : undefined;
    }
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
    return undefined;
  };
  const visit = (node: ts.Node) => {
    let texts: string[] | undefined;
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)) texts = [node.text];
    else if (ts.isTemplateExpression(node)) {
      texts = [node.head.text];
      for (const span of node.templateSpans) {
        const values = alternatives(span.expression) ?? [`\u0000${span.expression.getText()}\u0000`];
        texts = texts.flatMap((t) => values.map((v) => `${t}${v}${span.literal.text}`));
      }
    }
    for (const text of texts ?? []) {
      if (!LOOKS_LIKE_OPERATION.test(text)) continue;
      const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      if (text.includes('\u0000')) throw new Error(`${file}:${line}: an operation interpolates something other than a string constant of its file`);
      let document: DocumentNode | undefined;
      try {
        document = parse(text);
      } catch {
        document = undefined; // prose that happens to start like an operation
      }
      if (document) found.push({ line, text, document });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const all = sources(CONSOLE).flatMap((file) => operations(file).map((op) => ({ ...op, where: `${path.relative(CONSOLE, file)}:${op.line}` })));

describe('the console’s GraphQL operations', () => {
  test('there are operations to check (the extraction works)', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.some((op) => op.where.startsWith('app.tsx'))).toBe(true);
  });

  test.each(all.map((op) => [op.where, op] as const))('%s is valid against the API schema', (_where, op) => {
    expect(validate(schema, op.document).map((e) => e.message)).toEqual([]);
  });
});
