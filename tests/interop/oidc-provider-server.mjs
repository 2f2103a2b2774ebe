// node oidc-provider as a real authorization server for the interop tests: OIDC discovery only, an issuer with a
// path (/oidc), dynamic registration, PKCE, resource indicators with JWT access tokens for the MCP server at /mcp,
// refresh-token rotation, sign-in approved at once (no login page), and the /control switches of common.mjs.
//   node oidc-provider-server.mjs [--access-token-ttl SECONDS]
import express from 'express';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair, createLocalJWKSet, jwtVerify } from 'jose';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { announce, controlRouter, listen, mcpRoute, newState, resourceMetadata, tokenGate } from './common.mjs';

const state = newState();
const { server, origin } = await listen();
const issuer = `${origin}/oidc`;
const resource = `${origin}/mcp`;

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'interop-es256', alg: 'ES256', use: 'sig' };
const { d: _private, ...publicKey } = signingKey;
const keySet = createLocalJWKSet({ keys: [publicKey] });
const grants = new Set();

const provider = new Provider(issuer, {
  jwks: { keys: [signingKey] },
  cookies: { keys: ['interop-cookie-key'] },
  scopes: ['openid', 'offline_access', 'mcp:tools'],
  clientDefaults: { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'ES256' },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== resource) {
          throw new Provider.errors.InvalidTarget();
        }

        return { scope: 'mcp:tools', audience: resource, accessTokenTTL: state.accessTokenTtl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      },
    },
  },
  pkce: { required: () => true },
  // offline_access only survives an authorization request with prompt=consent (OIDC Core 11), which MCP clients do
  // not send; MCP deployments issue refresh tokens to every client allowed the grant instead.
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  ttl: { RefreshToken: 14 * 24 * 3600, Grant: 14 * 24 * 3600, Session: 14 * 24 * 3600, Interaction: 600, AuthorizationCode: 60 },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.on('grant.success', (ctx) => {
  const grantId = ctx.oidc.entities.Grant?.jti ?? ctx.oidc.entities.AuthorizationCode?.grantId ?? ctx.oidc.entities.RefreshToken?.grantId;
  if (grantId) grants.add(grantId);
  if (ctx.oidc.params.grant_type === 'refresh_token') state.counters.refreshes_granted += 1;
  else if (ctx.oidc.params.grant_type === 'authorization_code') state.counters.codes_exchanged += 1;
});
provider.on('grant.error', (ctx, error) => {
  if (ctx.oidc?.params?.grant_type === 'refresh_token') state.counters.refreshes_refused += 1;
  process.stderr.write(`token endpoint refused: ${error.error} ${error.error_description ?? ''}\n`);
});

// Revoking a grant is what a user does at the provider ("remove access"): its refresh tokens stop working.
async function revoke() {
  let count = 0;
  for (const grantId of grants) {
    const grant = await provider.Grant.find(grantId);
    if (grant) {
      await grant.destroy();
      count += 1;
    }

    await provider.RefreshToken.adapter.revokeByGrantId(grantId);
  }

  grants.clear();
  return count;
}

const app = express();
app.disable('x-powered-by');
app.use(tokenGate(state, '/oidc/token', false));
app.use('/control', controlRouter(state, revoke));
app.get('/.well-known/oauth-protected-resource/mcp', resourceMetadata(origin, issuer, ['mcp:tools']));

// The user signs in and approves everything asked for, without a page: login, then consent, then back to /oidc.
app.get('/interaction/:uid', async (req, res, next) => {
  try {
    const { prompt, params, session } = await provider.interactionDetails(req, res);
    if (prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: 'interop-user' } }, { mergeWithLastSubmission: false });
      return;
    }

    const grant = new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }

    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (error) {
    next(error);
  }
});

app.use('/oidc', provider.callback());

mcpRoute(app, origin, state, async (token) => {
  const { payload } = await jwtVerify(token, keySet, { issuer, audience: resource }).catch(() => {
    throw new InvalidTokenError('invalid access token');
  });
  return { token, clientId: payload.client_id, scopes: String(payload.scope ?? '').split(' ').filter(Boolean), expiresAt: payload.exp, resource: new URL(resource) };
});

server.on('request', app);
announce(server, { issuer, mcp: resource, control: `${origin}/control` });
