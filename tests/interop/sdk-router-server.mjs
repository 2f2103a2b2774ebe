// The MCP TypeScript SDK's mcpAuthRouter as a real authorization server for the interop tests, with a small
// in-memory provider: dynamic registration, PKCE (checked by the SDK), sign-in approved at once, refresh-token
// rotation with reuse rejected (a replayed refresh token revokes its whole family, as the OAuth 2.0 Security BCP
// asks), and the /control switches of common.mjs. The MCP server at /mcp checks tokens with the same provider.
//   node sdk-router-server.mjs [--access-token-ttl SECONDS]
import { randomBytes } from 'node:crypto';
import express from 'express';
import { mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { InvalidGrantError, InvalidScopeError, InvalidTargetError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { announce, controlRouter, listen, mcpRoute, newState, tokenGate } from './common.mjs';

const state = newState();
const { server, origin } = await listen();
const resource = `${origin}/mcp`;
const scopes = ['mcp:tools'];
const secret = () => randomBytes(24).toString('base64url');

const clients = new Map();
const codes = new Map();
const refreshTokens = new Map(); // token → { family, clientId, scopes, spent }
const accessTokens = new Map(); // token → { clientId, scopes, expiresAt, family }
const revokedFamilies = new Set();

function checkResource(asked) {
  if (asked && asked.href.replace(/\/$/, '') !== resource) {
    throw new InvalidTargetError(`unknown resource ${asked.href}`);
  }
}

function issue(clientId, granted, family) {
  const access = secret();
  const refresh = secret();
  const expiresAt = Math.floor(Date.now() / 1000) + state.accessTokenTtl;
  accessTokens.set(access, { clientId, scopes: granted, expiresAt, family });
  refreshTokens.set(refresh, { family, clientId, scopes: granted, spent: false });
  return { access_token: access, token_type: 'bearer', expires_in: state.accessTokenTtl, refresh_token: refresh, scope: granted.join(' ') };
}

const provider = {
  clientsStore: {
    getClient: async (clientId) => clients.get(clientId),
    registerClient: async (client) => {
      clients.set(client.client_id, client);
      return client;
    },
  },
  async authorize(client, params, res) {
    checkResource(params.resource);
    const code = secret();
    codes.set(code, { clientId: client.client_id, params });
    const target = new URL(params.redirectUri);
    target.searchParams.set('code', code);
    if (params.state !== undefined) target.searchParams.set('state', params.state);
    res.redirect(302, target.href);
  },
  async challengeForAuthorizationCode(client, code) {
    const entry = codes.get(code);
    if (!entry || entry.clientId !== client.client_id) throw new InvalidGrantError('unknown authorization code');
    return entry.params.codeChallenge;
  },
  async exchangeAuthorizationCode(client, code, _verifier, redirectUri, asked) {
    const entry = codes.get(code);
    codes.delete(code);
    if (!entry || entry.clientId !== client.client_id) throw new InvalidGrantError('unknown authorization code');
    if (redirectUri !== undefined && redirectUri !== entry.params.redirectUri) throw new InvalidGrantError('redirect_uri does not match');
    checkResource(asked);
    const granted = entry.params.scopes?.length ? entry.params.scopes : scopes;
    return issue(client.client_id, granted, secret());
  },
  async exchangeRefreshToken(client, refreshToken, asked, askedResource) {
    const entry = refreshTokens.get(refreshToken);
    if (!entry || entry.clientId !== client.client_id || revokedFamilies.has(entry.family)) {
      throw new InvalidGrantError('refresh token is not valid');
    }

    if (entry.spent) {
      revokedFamilies.add(entry.family);
      throw new InvalidGrantError('refresh token was already used; the grant is revoked');
    }

    const missing = (asked ?? []).filter((scope) => !entry.scopes.includes(scope));
    if (missing.length) throw new InvalidScopeError(`refresh token missing requested scope ${missing.join(' ')}`);
    checkResource(askedResource);
    entry.spent = true;
    return issue(client.client_id, asked?.length ? asked : entry.scopes, entry.family);
  },
  async verifyAccessToken(token) {
    const entry = accessTokens.get(token);
    if (!entry || revokedFamilies.has(entry.family)) throw new InvalidTokenError('invalid access token');
    return { token, clientId: entry.clientId, scopes: entry.scopes, expiresAt: entry.expiresAt, resource: new URL(resource) };
  },
};

// Revoking every grant, as a user removing access at the provider: refresh and access tokens stop working.
async function revoke() {
  const families = new Set([...refreshTokens.values()].map((entry) => entry.family));
  for (const family of families) revokedFamilies.add(family);
  return families.size;
}

const app = express();
app.disable('x-powered-by');
app.use(tokenGate(state, '/token'));
app.use('/control', controlRouter(state, revoke));
app.use(mcpAuthRouter({ provider, issuerUrl: new URL(`${origin}/`), resourceServerUrl: new URL(resource), scopesSupported: scopes, resourceName: 'interop MCP server' }));
mcpRoute(app, origin, state, (token) => provider.verifyAccessToken(token));

server.on('request', app);
announce(server, { issuer: `${origin}/`, mcp: resource, control: `${origin}/control` });
