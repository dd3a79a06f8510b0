import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openNote, parseCheckpointText, parseVerifierKey } from '../../services/audit/signed-note';
import { loadConfig } from '../../services/kernel/config';
import { SUBGRAPHS } from '../../services/registry';
import { codes, startTestHub, type TestHub } from '../support/hub';

/**
 * The signed checkpoints through the API: every member (any agency type, any role) reads them and
 * the hub's public key, and can check a checkpoint with nothing but what the API gave it (a witness).
 */

const QUERY = `{
  latestAuditCheckpoint { note origin treeSize headSeq headHash signedAt }
  auditCheckpoints(last: 5) { treeSize signedAt }
  auditCheckpointKey { name keyId publicKey verifierKey }
}`;

interface Answer {
  latestAuditCheckpoint: { note: string; origin: string; treeSize: string; headSeq: string; headHash: string; signedAt: string } | null;
  auditCheckpoints: Array<{ treeSize: string; signedAt: string }>;
  auditCheckpointKey: { name: string; keyId: string; publicKey: string; verifierKey: string };
}

describe('audit checkpoints through the API', () => {
  let hub: TestHub;
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-api-checkpoints-'));
  beforeAll(async () => {
    // This worker's hub serves (and its audit subgraph signs into) a store of its own.
    process.env.TESSERA_AUDIT_CHECKPOINT_DIR = store;
    hub = await startTestHub('in-process');
  }, 60_000);
  afterAll(async () => {
    await hub.stop();
    delete process.env.TESSERA_AUDIT_CHECKPOINT_DIR;
    fs.rmSync(store, { recursive: true, force: true });
  });

  test('before the first checkpoint there is none, and the key is already published', async () => {
    const r = await hub.gql<Answer>('albion-bank', QUERY);
    expect(r.errors).toBeUndefined();
    expect(r.data!.latestAuditCheckpoint).toBeNull();
    expect(r.data!.auditCheckpoints).toEqual([]);
    expect(r.data!.auditCheckpointKey.verifierKey).toMatch(/^tessera\.hub\/audit\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
  });

  test("the audit subgraph's background signer checkpoints the chain when stopped, and every member reads it and verifies it alone", async () => {
    // Something to sign: a consultation of personal data appends events.
    const consult = await hub.gql(
      'met-police',
      `query($id: ID!) { case(id: $id) { persons { fullName } } }`,
      { id: hub.demo.ids['case:lanterna'] },
      {
        purpose: 'Case review',
      },
    );
    expect(consult.errors).toBeUndefined();
    const audit = SUBGRAPHS.find((d) => d.name === 'audit')!;
    await audit.startBackground!(hub.appDb, loadConfig()).stop();
    const [events] = await hub.db.query<{ n: string; seq: string; hash: string }>(
      `SELECT count(*)::text AS n, (array_agg(seq::text ORDER BY seq DESC))[1] AS seq, (array_agg(hash ORDER BY seq DESC))[1] AS hash FROM audit.events`,
    );
    for (const persona of ['met-police', 'albion-bank:VIEWER', 'safe-passage', 'lumina-ro', 'tessera-admin', 'met-police:SUPERVISOR']) {
      const r = await hub.gql<Answer>(persona, QUERY);
      expect(r.errors).toBeUndefined();
      const latest = r.data!.latestAuditCheckpoint!;
      expect(latest).toMatchObject({ origin: 'tessera.hub/audit', treeSize: events!.n, headSeq: events!.seq, headHash: events!.hash });
      expect(r.data!.auditCheckpoints).toEqual([{ treeSize: latest.treeSize, signedAt: latest.signedAt }]);
      // A witness: the note and the verifier key from the API, checked with the signed-note rules alone.
      const text = openNote(latest.note, parseVerifierKey(r.data!.auditCheckpointKey.verifierKey));
      expect(parseCheckpointText(text)).toEqual({
        origin: latest.origin,
        treeSize: Number(latest.treeSize),
        rootHash: latest.headHash,
        headSeq: latest.headSeq,
        signedAt: latest.signedAt,
      });
      const key = r.data!.auditCheckpointKey;
      expect(key.verifierKey).toBe(`${key.name}+${key.keyId}+${Buffer.concat([Buffer.from([1]), Buffer.from(key.publicKey, 'base64')]).toString('base64')}`);
    }
  });

  test('a note in the store that the hub did not sign is never served as a checkpoint', async () => {
    const before = (await hub.gql<Answer>('met-police', QUERY)).data!.latestAuditCheckpoint!;
    const forged = before.note.replace(`\n${before.treeSize}\n`, `\n${Number(before.treeSize) + 1000}\n`);
    fs.writeFileSync(path.join(store, `${String(Number(before.treeSize) + 1000).padStart(16, '0')}-20990101T000000000Z.checkpoint`), forged);
    const r = await hub.gql<Answer>('met-police', QUERY);
    expect(r.data!.latestAuditCheckpoint?.treeSize).toBe(before.treeSize);
  });

  test('at most 100 checkpoints per query', async () => {
    const r = await hub.gql('met-police', `{ auditCheckpoints(last: 101) { treeSize } }`);
    expect(codes(r)).toContain('BAD_USER_INPUT');
  });
});
