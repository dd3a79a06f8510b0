import fs from 'node:fs';
import path from 'node:path';
import { announcedChanges, unannouncedBreakingChanges } from './schema-changes';

const SCHEMA_DIR = path.join(__dirname, '..', 'schema');
const current = fs.readFileSync(path.join(SCHEMA_DIR, 'supergraph.graphql'), 'utf8');
/** The checked-in supergraph without Case.reference: a field clients select today. */
const withoutCaseReference = current.replace(/\n  reference: String[^\n]*/, '');
const REMOVAL = "Field 'reference' was removed from object type 'Case'";

describe('breaking changes of the API', () => {
  it('finds a removed field, unannounced', async () => {
    expect(withoutCaseReference).not.toBe(current);
    const r = await unannouncedBreakingChanges(current, withoutCaseReference, announcedChanges('# Announced\n\nnothing yet\n'));
    expect(r.breaking).toEqual([REMOVAL]);
    expect(r.unannounced).toEqual([REMOVAL]);
  });

  it('lets an announced removal through', async () => {
    const md = `# Announced\n\n- \`${REMOVAL}\` (2026-12-06): read \`caseReference\` instead.\n`;
    const r = await unannouncedBreakingChanges(current, withoutCaseReference, announcedChanges(md));
    expect(r.breaking).toEqual([REMOVAL]);
    expect(r.unannounced).toEqual([]);
  });

  it('does not count an announcement of another change, nor one in a comment', async () => {
    const md = `- \`Field 'summary' was removed from object type 'Case'\`\n<!-- - \`${REMOVAL}\` -->\n`;
    expect((await unannouncedBreakingChanges(current, withoutCaseReference, announcedChanges(md))).unannounced).toEqual([REMOVAL]);
  });

  it('needs no announcement for an added field', async () => {
    const r = await unannouncedBreakingChanges(withoutCaseReference, current, new Set());
    expect(r.breaking).toEqual([]);
  });
});
