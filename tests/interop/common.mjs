// What both authorization servers share: a loopback listener on a port chosen at run time, the fault and revoke
// switches the tests drive through /control, an MCP server (SDK, stateless streamable HTTP) with an `echo` tool behind
// bearer auth, and the one JSON line on stdout that tells the test fixture where everything is.
import http from 'node:http';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { z } from 'zod';

const WAF_PAGE = '<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>Access denied</h1>'
  + '<p>The request was blocked by the web application firewall.</p></body></html>';

/** Reads `--name value` arguments. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** Mutable state the control endpoint changes and the authorization server reads. */
export function newState() {
  return {
    accessTokenTtl: Number(arg('access-token-ttl', '3600')),
    fault: 'none',
    counters: { token_requests: 0, faulted: 0, codes_exchanged: 0, refreshes_granted: 0, refreshes_refused: 0, bearers_accepted: 0 },
    bearers: new Set(),
  };
}

/** Listens on 127.0.0.1 with a port the OS picks; the app is attached once the port (and so the issuer) is known. */
export async function listen() {
  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/**
 * Counts every token request and, while a fault is on, answers it as a WAF would (403, HTML) without reaching the
 * authorization server. Mounted before the authorization server's own routes.
 */
export function tokenGate(state, tokenPath, countOutcomes = true) {
  return (req, res, next) => {
    if (req.method !== 'POST' || req.path !== tokenPath) {
      next();
      return;
    }

    state.counters.token_requests += 1;
    if (state.fault === 'waf-403') {
      state.counters.faulted += 1;
      res.status(403).type('text/html; charset=utf-8').set('Cache-Control', 'no-store').send(WAF_PAGE);
      return;
    }

    // What the authorization server answered, for the counters (its own parser has read the body by then).
    res.on('finish', () => {
      if (!countOutcomes) return;
      const grant = req.body?.grant_type;
      if (grant === 'refresh_token') {
        if (res.statusCode === 200) state.counters.refreshes_granted += 1;
        else state.counters.refreshes_refused += 1;
      } else if (grant === 'authorization_code' && res.statusCode === 200) {
        state.counters.codes_exchanged += 1;
      }
    });
    next();
  };
}

/** /control: fault on or off, revoke every grant, token lifetime, counters. */
export function controlRouter(state, revoke) {
  const router = express.Router();
  router.use(express.json());
  router.get('/counters', (_req, res) => res.json({ ...state.counters, fault: state.fault, access_token_ttl: state.accessTokenTtl }));
  router.post('/fault', (req, res) => {
    const fault = req.body?.fault ?? 'none';
    if (fault !== 'none' && fault !== 'waf-403') {
      res.status(400).json({ error: `fault '${fault}' is not one of: none, waf-403` });
      return;
    }

    state.fault = fault;
    res.json({ fault });
  });
  router.post('/lifetime', (req, res) => {
    const seconds = Number(req.body?.seconds);
    if (!Number.isInteger(seconds) || seconds < 1) {
      res.status(400).json({ error: 'seconds must be a positive integer' });
      return;
    }

    state.accessTokenTtl = seconds;
    res.json({ seconds });
  });
  router.post('/revoke', async (_req, res, next) => {
    try {
      res.json({ revoked: await revoke() });
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** The protected resource metadata (RFC 9728) of the MCP server at `${origin}/mcp`. */
export function resourceMetadata(origin, issuer, scopes) {
  return (_req, res) => res.json({
    resource: `${origin}/mcp`,
    authorization_servers: [issuer],
    scopes_supported: scopes,
    bearer_methods_supported: ['header'],
    resource_name: 'interop MCP server',
  });
}

/** The MCP server at /mcp: stateless streamable HTTP, an `echo` tool, bearer tokens checked by `verifier`. */
export function mcpRoute(app, origin, state, verifier) {
  const auth = requireBearerAuth({
    verifier: {
      async verifyAccessToken(token) {
        const info = await verifier(token);
        if (!state.bearers.has(token)) {
          state.bearers.add(token);
          state.counters.bearers_accepted = state.bearers.size;
        }

        return info;
      },
    },
    resourceMetadataUrl: `${origin}/.well-known/oauth-protected-resource/mcp`,
  });
  app.post('/mcp', auth, express.json(), async (req, res) => {
    const server = new McpServer({ name: 'interop-mcp', version: '1.0.0' });
    server.registerTool('echo', { description: 'Returns the message it is given', inputSchema: { message: z.string() } }, async ({ message }) => ({
      content: [{ type: 'text', text: message }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  app.all('/mcp', auth, (_req, res) => res.status(405).set('Allow', 'POST').end());
}

/** Prints where everything is, and ends the process when the fixture closes stdin or stops it. */
export function announce(server, description) {
  process.stdout.write(`${JSON.stringify(description)}\n`);
  const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 2000).unref();
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
