using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Tether.Sandbox.Authorization;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Tether.Sandbox;

public sealed partial class SandboxServer
{
    /// <summary>
    /// OpenIddict in degraded mode (no database): the client and redirect URI checks are ours, as are the spent refresh
    /// tokens and revocation (see <see cref="TokenLedger"/>). PKCE S256 only; dynamic registration and client ID metadata documents advertised.
    /// </summary>
    private static void ConfigureOpenIddict(IServiceCollection services, SandboxServer sandbox)
    {
        services.AddOpenIddict()
            .AddServer(o =>
            {
                o.SetIssuer(sandbox.Issuer);
                o.SetAuthorizationEndpointUris("authorize")
                    .SetTokenEndpointUris("token")
                    .SetConfigurationEndpointUris(".well-known/openid-configuration", ".well-known/oauth-authorization-server");
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes("mcp:tools", Scopes.OfflineAccess);

                // RFC 8707: the MCP server, and a second resource it does not serve (a token for it must be refused there).
                o.RegisterResources(sandbox.McpUrl, sandbox.OtherResource);
                // Keys of its own per sandbox, made at once: an ECDSA P-256 signing key and a 256-bit symmetric
                // encryption key (for codes and refresh tokens). OpenIddict's ephemeral keys are RSA-2048 pairs made
                // on the first request, which costs a test process full of sandboxes seconds of CPU on a busy machine.
                o.AddEncryptionKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)))
                    .AddSigningKey(new ECDsaSecurityKey(sandbox._signingKey))
                    .DisableAccessTokenEncryption();
                o.EnableDegradedMode();
                o.UseAspNetCore()
                    .DisableTransportSecurityRequirement()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough();
                o.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                });
                o.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(async context =>
                {
                    var client = sandbox.Clients.Find(context.ClientId);
                    if (client is null && ClientMetadataDocuments.IsDocumentUrl(context.ClientId, out var document))
                    {
                        var (resolved, error) = await sandbox.Documents.ResolveAsync(document, context.CancellationToken);
                        if (resolved is null)
                        {
                            context.Reject(Errors.InvalidClient, error);
                            return;
                        }

                        client = sandbox.Clients.Register(resolved.ClientId, null, resolved.RedirectUris);
                    }

                    if (client is null)
                    {
                        context.Reject(Errors.InvalidClient, "the client is not known");
                    }
                    else if (context.RedirectUri is null || !client.Allows(new Uri(context.RedirectUri)))
                    {
                        context.Reject(Errors.InvalidRequest, "the redirect_uri is not registered for this client");
                    }
                }));
                o.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
                {
                    sandbox.RecordSignInSecret(context.Request.Code);
                    sandbox.RecordSignInSecret(context.Request.CodeVerifier);
                    sandbox.RecordSignInSecret(context.Request.RefreshToken);
                    if (sandbox.Clients.Find(context.ClientId) is not { } client || !ClientRegistry.SecretMatches(client, context.ClientSecret))
                    {
                        context.Reject(Errors.InvalidClient, "the client is not known or its credentials are wrong");
                    }

                    return default;
                }));
                o.AddEventHandler<ApplyAuthorizationResponseContext>(handler => handler.UseInlineHandler(context =>
                {
                    sandbox.RecordSignInSecret(context.Response.Code);
                    sandbox.RecordSignInSecret(context.Response.State);
                    return default;
                }));
                o.AddEventHandler<ApplyTokenResponseContext>(handler => handler.UseInlineHandler(context =>
                {
                    sandbox.RecordSignInSecret(context.Response.RefreshToken);
                    return default;
                }));
                o.AddEventHandler<HandleConfigurationRequestContext>(handler => handler.UseInlineHandler(context =>
                {
                    context.Metadata["registration_endpoint"] = new Uri(sandbox.Issuer, "register").AbsoluteUri;
                    context.Metadata["client_id_metadata_document_supported"] = true;
                    context.TokenEndpointAuthenticationMethods.Add("none");
                    return default;
                }));
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
                o.AddAudiences(sandbox.McpUrl.AbsoluteUri);
            });
    }
}
