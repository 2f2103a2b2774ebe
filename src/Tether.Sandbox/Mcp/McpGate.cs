using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using Tether.Sandbox.Authorization;

namespace Tether.Sandbox.Mcp;

/// <summary>
/// In front of the MCP endpoints: counts requests and lets through only a bearer this authorization server issued
/// for this resource and not revoked since; anything else gets 401 with the RFC 9728 challenge.
/// </summary>
internal sealed class McpGate(SandboxServer sandbox)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/mcp", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        sandbox.Counters.CountMcp();
        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal || principal.GetClaim(TokenLedger.GenerationClaim) != sandbox.Ledger.Generation)
        {
            var error = context.Request.Headers.Authorization.Count == 0 ? "" : ", error=\"invalid_token\"";
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = $"Bearer resource_metadata=\"{sandbox.ResourceMetadataUrl}\", scope=\"{SandboxServer.Scope}\"{error}";
            await context.Response.WriteAsJsonAsync(new OAuthError("invalid_token", "a bearer token issued by the sandbox for this resource is required"), SandboxJson.Default.OAuthError);
            return;
        }

        sandbox.RecordBearer(context.Request.Headers.Authorization.ToString());
        context.User = principal;
        await next(context);
    }
}
