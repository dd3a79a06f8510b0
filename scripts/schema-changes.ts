import fs from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';

/**
 * Breaking changes of the schema clients see, between two composed supergraphs, found by
 * graphql-inspector's diff of their API schemas (the supergraph without federation's join and link
 * machinery). A breaking change is one that can fail a query a client sends today: a removed field,
 * type or enum value, a narrowed argument, a nullable result made non-null's opposite, and so on.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

export async function breakingChanges(previousSupergraph: string, nextSupergraph: string): Promise<string[]> {
  const changes = await diff(apiSchemaOf(previousSupergraph), apiSchemaOf(nextSupergraph));
  return changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking).map((c) => c.message);
}

/**
 * The breaking changes announced in schema/BREAKING.md: each is a list item whose first code span
 * holds graphql-inspector's exact description of the change, e.g.
 *
 *   - `Field 'reference' was removed from object type 'Case'` (2026-12-06): replaced by `caseReference`.
 */
export function announcedChanges(markdown: string): Set<string> {
  const announced = new Set<string>();
  for (const line of markdown.split('\n')) {
    const m = /^\s*[-*]\s+`([^`]+)`/.exec(line);
    if (m) announced.add(m[1]!);
  }
  return announced;
}

export function readAnnounced(file: string): Set<string> {
  return fs.existsSync(file) ? announcedChanges(fs.readFileSync(file, 'utf8')) : new Set();
}

/** The breaking changes from `previous` to `next` that `announced` does not list. */
export async function unannouncedBreakingChanges(
  previous: string,
  next: string,
  announced: Set<string>,
): Promise<{ breaking: string[]; unannounced: string[] }> {
  const breaking = await breakingChanges(previous, next);
  return { breaking, unannounced: breaking.filter((m) => !announced.has(m)) };
}
