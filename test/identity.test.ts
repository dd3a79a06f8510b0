import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { devIssuerUrl, devSubject, signDevToken } from '../gateway/dev-idp';
import { serveSubgraph } from '../gateway/hub';
import { loadGatewayKeys, signActorToken } from '../services/kernel/actor-token';
import { codes, dataDir, postGraphQL, startTestHub, type TestHub, tokenFor } from './support/hub';

/** Identity at the gateway and at the subgraphs: only trusted issuers' valid tokens get in. */
describe('identity', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('http');
  });
  afterAll(() => hub.stop());

  const ME = '{ me { id role } }';
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const expectRefused = async (authorization: string | undefined) => {
    const r = await hub.gql({ authorization }, ME);
    expect(r.data?.me ?? null).toBeNull();
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.status).toBe(401);
  };

  async function foreignKey(): Promise<CryptoKey> {
    return (await generateKeyPair('ES256')).privateKey;
  }

  function claims(slug = 'met-police', role = 'CONTRIBUTOR') {
    return new SignJWT({}).setIssuer(devIssuerUrl(slug)).setSubject(devSubject(slug, role)).setAudience('tessera').setIssuedAt();
  }

  test('a demo user with a valid token is recognised with the role the hub registered', async () => {
    const r = await hub.gql<{ me: { role: string } }>('met-police:SUPERVISOR', ME);
    expect(r.errors).toBeUndefined();
    expect(r.data?.me.role).toBe('SUPERVISOR');
  });

  test('a person learns the agency they act for and its type (the console shows the pages for that type)', async () => {
    for (const [persona, type] of [
      ['met-police', 'LAW_ENFORCEMENT'],
      ['albion-bank', 'FINANCIAL_INSTITUTION'],
      ['safe-passage', 'NGO'],
    ] as const) {
      const r = await hub.gql<{ me: { agency: { slug: string; type: string } } }>(persona, '{ me { agency { slug type } } }');
      expect(r.errors).toBeUndefined();
      expect(r.data?.me.agency).toEqual({ slug: persona, type });
    }
  });

  test('a person learns what their agency type and role may do, by record type, as the policies say', async () => {
    const may = async (persona: string) => {
      const r = await hub.gql<{ permissions: Array<{ action: string; subject: string }> }>(persona, '{ permissions { action subject } }');
      expect(r.errors).toBeUndefined();
      return new Set(r.data!.permissions.map((p) => `${p.action} ${p.subject}`));
    };
    const bank = await may('albion-bank');
    expect(bank).toContain('create TransactionReport');
    expect(bank).not.toContain('read Narrative');
    expect(bank).not.toContain('create Case');
    const ngo = await may('safe-passage');
    expect(ngo).toContain('withdraw Narrative');
    expect(ngo).not.toContain('create TransactionReport');
    expect(await may('met-police')).toContain('create Case');
    expect(await may('met-police:VIEWER')).not.toContain('create Case');
  });

  test('no token, or not a bearer token', async () => {
    await expectRefused(undefined);
    await expectRefused('Basic Zm9vOmJhcg==');
    await expectRefused('Bearer not-a-jwt');
  });

  test('a token from an unknown issuer', async () => {
    const t = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('https://idp.unknown.example')
      .setSubject('x')
      .setAudience('tessera')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(await foreignKey());
    await expectRefused(`Bearer ${t}`);
  });

  test('a token for another audience', async () => {
    await expectRefused(`Bearer ${await signDevToken(dataDir(), 'met-police', devSubject('met-police', 'CONTRIBUTOR'), { audience: 'some-other-app' })}`);
  });

  test('an expired token', async () => {
    await expectRefused(
      `Bearer ${await signDevToken(dataDir(), 'met-police', devSubject('met-police', 'CONTRIBUTOR'), { audience: 'tessera', expiresIn: '-5m' })}`,
    );
  });

  test('a token without expiry', async () => {
    const t = await claims()
      .setProtectedHeader({ alg: 'ES256' })
      .sign(await foreignKey());
    await expectRefused(`Bearer ${t}`);
  });

  test('an unsigned token (alg: none)', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const t = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: devIssuerUrl('met-police'), sub: devSubject('met-police', 'CONTRIBUTOR'), aud: 'tessera', iat: now, exp: now + 300 })}.`;
    await expectRefused(`Bearer ${t}`);
  });

  test("a token signed with one issuer's key claiming another issuer", async () => {
    // Signed by the bank's IdP key, but claiming to come from the Met's IdP.
    const bankToken = await signDevToken(dataDir(), 'albion-bank', devSubject('met-police', 'CONTRIBUTOR'), { audience: 'tessera' });
    const [h, , s] = bankToken.split('.');
    const payload = JSON.parse(Buffer.from(bankToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    payload.iss = devIssuerUrl('met-police');
    await expectRefused(`Bearer ${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`);
  });

  test('a token that carries its own key (embedded jwk) is refused even if it verifies with it', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const t = await claims()
      .setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(publicKey) })
      .setExpirationTime('5m')
      .sign(privateKey);
    await expectRefused(`Bearer ${t}`);
  });

  test('a deactivated user is refused', async () => {
    await hub.db.query(`UPDATE agencies.users SET active = false WHERE subject = $1`, [devSubject('lumina-ro', 'VIEWER')]);
    await expectRefused(`Bearer ${await tokenFor('lumina-ro:VIEWER')}`);
  });

  describe('subgraphs accept only the gateway', () => {
    const q = '{ cases { totalCount } }';
    test('called directly without a token, with a user token, or with the user token as actor token', async () => {
      for (const headers of [{}, bearer(await tokenFor('met-police'))]) {
        const r = await postGraphQL(hub.subgraphUrls.cases!, headers, q);
        expect(codes(r)).toEqual(['UNAUTHENTICATED']);
        expect(r.data ?? null).toBeNull();
      }
    });

    test('_service and _entities are closed too', async () => {
      const service = await postGraphQL(hub.subgraphUrls.cases!, {}, '{ _service { sdl } }');
      expect(codes(service)).toEqual(['UNAUTHENTICATED']);
      const entities = await postGraphQL(hub.subgraphUrls.cases!, {}, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { summary } } }', {
        r: [{ __typename: 'Case', id: hub.demo.ids['case:lanterna'] }],
      });
      expect(codes(entities)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(entities)).not.toContain('Constanța');
    });

    test('a gateway token minted for another subgraph is refused', async () => {
      const keys = await loadGatewayKeys(dataDir());
      const actor = {
        userId: hub.demo.agencies['met-police']!.users.CONTRIBUTOR!,
        agencyId: hub.demo.agencies['met-police']!.id,
        agencyType: 'LAW_ENFORCEMENT' as const,
        role: 'CONTRIBUTOR' as const,
        groupIds: [],
      };
      const forRoutes = await signActorToken(keys, actor, 'routes', 'test-request', { query: q });
      expect(codes(await postGraphQL(hub.subgraphUrls.cases!, bearer(forRoutes), q))).toEqual(['UNAUTHENTICATED']);
      const forCases = await signActorToken(keys, actor, 'cases', 'test-request', { query: q });
      const ok = await postGraphQL<{ cases: { totalCount: number } }>(hub.subgraphUrls.cases!, bearer(forCases), q);
      expect(ok.errors).toBeUndefined();
      expect(ok.data?.cases.totalCount).toBeGreaterThan(0);
    });

    /**
     * Puts a recorder on the cases subgraph's port for one gateway request: it keeps the actor token
     * and the body the gateway sent, and answers 503 (so the token is never used), then the real
     * subgraph is back on its port.
     */
    async function captureCasesCall(
      persona: string,
      query: string,
    ): Promise<{ token: string; body: { query: string; variables?: Record<string, unknown>; operationName?: string } }> {
      const port = hub.subgraphs.cases!.port;
      await hub.subgraphs.cases!.close();
      let captured: { token: string; body: { query: string } } | undefined;
      const recorder = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          captured ??= {
            token: String(req.headers.authorization).replace(/^Bearer /, ''),
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string },
          };
          res.writeHead(503).end();
        });
      });
      await new Promise<void>((resolve) => recorder.listen(port, '127.0.0.1', resolve));
      try {
        await hub.gql(persona, query);
      } finally {
        recorder.closeAllConnections();
        await new Promise<void>((resolve) => recorder.close(() => resolve()));
        hub.subgraphs.cases = await serveSubgraph('cases', {
          db: hub.appDb,
          keys: await loadGatewayKeys(dataDir()),
          port,
          host: '127.0.0.1',
          development: false,
        });
      }
      if (!captured) throw new Error('the gateway did not call the cases subgraph');
      return captured;
    }

    test("a captured actor token runs neither another query (victims' full names) nor its own query twice", async () => {
      const { token, body } = await captureCasesCall('met-police', '{ cases(first: 1) { nodes { reference } } }');
      const stolen = bearer(token);
      // The attacker's own query, straight to the cases subgraph with the captured token: refused.
      const names = '{ cases(first: 50) { nodes { reference persons { role fullName dateOfBirth } } } }';
      const other = await postGraphQL(hub.subgraphUrls.cases!, stolen, names);
      expect(codes(other)).toEqual(['UNAUTHENTICATED']);
      expect(other.data ?? null).toBeNull();
      // The same document with other variables, or another operation name: refused too.
      expect(codes(await postGraphQL(hub.subgraphUrls.cases!, stolen, body.query, { ...body.variables, extra: 1 }))).toEqual(['UNAUTHENTICATED']);
      // Exactly what the gateway signed it for: runs once (the token was never used) ...
      const replay = () =>
        fetch(hub.subgraphUrls.cases!, { method: 'POST', headers: { 'content-type': 'application/json', ...stolen }, body: JSON.stringify(body) });
      const first = (await (await replay()).json()) as { data?: { cases?: { nodes: unknown[] } }; errors?: unknown[] };
      expect(first.errors).toBeUndefined();
      expect(first.data?.cases?.nodes).toHaveLength(1);
      // ... and never again: a token is good for one request.
      const second = (await (await replay()).json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
      expect(second.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(second.data ?? null).toBeNull();
    });

    test('the gateway still answers through the subgraphs over HTTP, every fetch with its own token', async () => {
      const r = await hub.gql<{ cases: { nodes: Array<{ reference: string; events: unknown[] }> } }>(
        'met-police',
        '{ cases(first: 3) { nodes { reference events { type location { name } } } } }',
      );
      expect(r.errors).toBeUndefined();
      expect(r.data?.cases.nodes.length).toBeGreaterThan(0);
    });

    test('an actor token signed by any key but the gateway’s is refused', async () => {
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const forged = await signActorToken(
        { privateKey, publicKey: privateKey },
        {
          userId: hub.demo.agencies['tessera-hub']!.users.CONTRIBUTOR!,
          agencyId: hub.demo.agencies['tessera-hub']!.id,
          agencyType: 'HUB_ANALYST',
          role: 'SUPERVISOR',
          groupIds: [],
        },
        'cases',
        'forged',
        { query: q },
      );
      expect(codes(await postGraphQL(hub.subgraphUrls.cases!, bearer(forged), q))).toEqual(['UNAUTHENTICATED']);
    });
  });
});
