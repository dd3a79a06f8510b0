import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import type { SubgraphOperation } from './actor-token';
import { inServerSpan } from './tracing';

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface HttpHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('Request body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The operation a request asks for, as Apollo will read it: from a POST's JSON body, or a GET's query string. */
function operationOf(method: string, body: unknown, search: URLSearchParams): SubgraphOperation {
  if (method !== 'GET') {
    const b = (body ?? {}) as Record<string, unknown>;
    return { query: b.query as string, operationName: b.operationName as string, variables: b.variables as Record<string, unknown> };
  }
  let variables: Record<string, unknown> | undefined;
  try {
    variables = search.has('variables') ? (JSON.parse(search.get('variables')!) as Record<string, unknown>) : undefined;
  } catch {
    variables = { unreadable: search.get('variables') };
  }
  return { query: search.get('query'), operationName: search.get('operationName'), variables };
}

/** Serves a request for a path other than /graphql and /healthz (the gateway's console and development IdP); false if it is not its own. */
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** Who is at the other end of the connection: only the gateway's public intake reads it (to budget, never to store). */
export interface Peer {
  address?: string;
}

/**
 * Serves an Apollo server on plain node:http at /graphql, with /healthz. Used by the gateway and by
 * every subgraph, so tests start real servers on random ports through the same code. The context
 * builder is given the request's headers, the operation it asks for and the peer. `routes()` (read at
 * each request, so it may be set once the port is known) serves any other path it claims.
 */
export async function serveHttp<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  context: (headers: HeaderMap, operation: SubgraphOperation, peer: Peer) => Promise<TContext>,
  port: number,
  host = '0.0.0.0',
  routes?: () => RouteHandler | undefined,
): Promise<HttpHandle> {
  const httpServer = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      if (url.pathname !== '/graphql' && routes?.()?.(req, res)) return;
      if (url.pathname !== '/graphql') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      await inServerSpan(req.headers, req.method ?? 'GET', async (span) => {
        try {
          const headers = new HeaderMap();
          for (const [k, v] of Object.entries(req.headers)) {
            if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          }
          const raw = req.method === 'POST' ? await readBody(req) : '';
          let body: unknown;
          if (raw) {
            try {
              body = JSON.parse(raw);
            } catch {
              res
                .writeHead(400, { 'content-type': 'application/json' })
                .end('{"errors":[{"message":"Body is not valid JSON","extensions":{"code":"BAD_REQUEST"}}]}');
              return;
            }
          }
          // One operation per request: a JSON array (a batch) is refused before authentication or parsing,
          // whatever its length (Apollo's allowBatchedHttpRequests stays false as a second line).
          if (Array.isArray(body)) {
            res
              .writeHead(400, { 'content-type': 'application/json' })
              .end('{"errors":[{"message":"Batched requests are not accepted: send one operation per request","extensions":{"code":"BATCHING_NOT_ALLOWED"}}]}');
            return;
          }
          const result = await server.executeHTTPGraphQLRequest({
            httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
            context: () => context(headers, operationOf(req.method ?? 'GET', body, url.searchParams), { address: req.socket.remoteAddress }),
          });
          const outHeaders: Record<string, string> = {};
          for (const [k, v] of result.headers) outHeaders[k] = v;
          res.writeHead(result.status ?? 200, outHeaders);
          if (result.body.kind === 'complete') res.end(result.body.string);
          else {
            for await (const chunk of result.body.asyncIterator) res.write(chunk);
            res.end();
          }
        } catch (err) {
          const status = (err as { status?: number }).status ?? 500;
          if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              errors: [
                {
                  message: status === 413 ? 'Request body too large' : 'Internal server error',
                  extensions: { code: status === 413 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' },
                },
              ],
            }),
          );
        }
        span.setAttribute('http.response.status_code', res.statusCode);
      });
    })();
  });
  httpServer.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
  const actualPort = (httpServer.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}

/** Waits until a server started as a child process answers its /healthz (or the child exits). */
export async function waitHealthy(url: string, child: ChildProcess, attempts = 600): Promise<void> {
  const health = url.replace(/\/graphql$/, '/healthz');
  for (let i = 0; i < attempts; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: subgraph process exited with ${child.exitCode}`);
    try {
      if ((await fetch(health)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become healthy`);
}
