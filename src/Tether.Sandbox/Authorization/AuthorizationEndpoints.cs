using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Tether.Sandbox.Authorization;

/// <summary>The authorization and token endpoints (OpenIddict passthrough), consent page and dynamic registration.</summary>
internal static class AuthorizationEndpoints
{
    public const string Subject = "sandbox-user";

    public static void Map(IEndpointRouteBuilder app, SandboxServer sandbox)
    {
        app.MapMethods("/authorize", ["GET", "POST"], (Delegate)((HttpContext context) => AuthorizeAsync(context, sandbox)));
        app.MapPost("/token", (Delegate)((HttpContext context) => TokenAsync(context, sandbox)));
        app.MapPost("/register", (Delegate)((HttpContext context) => RegisterAsync(context, sandbox)));
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, SandboxServer sandbox)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenIddict request");
        if (sandbox.Options.RequireConsentClick && !(HttpMethods.IsPost(context.Request.Method) && context.Request.Form["consent"] == "approve"))
        {
            return Results.Content(ConsentPage(request), "text/html; charset=utf-8");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, Subject).SetClaim(Claims.Name, "Sandbox User").SetClaim(TokenLedger.GenerationClaim, sandbox.Ledger.Generation);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(request.GetScopes());
        var resources = request.GetResources();
        principal.SetResources(resources.IsDefaultOrEmpty ? [sandbox.McpUrl.AbsoluteUri] : resources);
        principal.SetAccessTokenLifetime(sandbox.AccessTokenLifetime);
        principal.SetRefreshTokenLifetime(sandbox.Options.RefreshTokenLifetime);
        await Task.CompletedTask;
        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, SandboxServer sandbox)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenIddict request");
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal)
        {
            return Refuse(Errors.InvalidGrant, "the grant is not valid");
        }

        if (request.IsRefreshTokenGrantType() && !sandbox.Ledger.TrySpend(request.RefreshToken!))
        {
            return Refuse(Errors.InvalidGrant, "the refresh token was already used");
        }

        if (principal.GetClaim(TokenLedger.GenerationClaim) != sandbox.Ledger.Generation)
        {
            return Refuse(Errors.InvalidGrant, "the grant was revoked");
        }

        principal.SetAccessTokenLifetime(sandbox.AccessTokenLifetime);
        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static async Task<IResult> RegisterAsync(HttpContext context, SandboxServer sandbox)
    {
        RegistrationRequest? body;
        try
        {
            body = await context.Request.ReadFromJsonAsync(SandboxJson.Default.RegistrationRequest, context.RequestAborted);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return RegistrationError("invalid_client_metadata", "the body must be a JSON client metadata document");
        }

        if (body?.RedirectUris is not { Count: > 0 } uris)
        {
            return RegistrationError("invalid_redirect_uri", "redirect_uris must list at least one URI");
        }

        var parsed = new List<Uri>();
        foreach (var uri in uris)
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var redirect) || !(redirect.Scheme == Uri.UriSchemeHttps || (redirect.Scheme == Uri.UriSchemeHttp && redirect.IsLoopback)) || redirect.Fragment.Length > 0)
            {
                return RegistrationError("invalid_redirect_uri", $"'{uri}' is not an https or loopback http redirect URI");
            }

            parsed.Add(redirect);
        }

        var method = body.TokenEndpointAuthMethod ?? "none";
        if (method is not ("none" or "client_secret_post" or "client_secret_basic"))
        {
            return RegistrationError("invalid_client_metadata", $"token_endpoint_auth_method '{method}' is not supported");
        }

        var secret = method == "none" ? null : Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var client = sandbox.Clients.Register(null, secret, parsed);
        var response = new RegistrationResponse(
            client.ClientId,
            secret,
            sandbox.Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
            uris,
            body.GrantTypes ?? ["authorization_code", "refresh_token"],
            ["code"],
            method,
            body.ClientName);
        return Results.Json(response, SandboxJson.Default.RegistrationResponse, statusCode: StatusCodes.Status201Created);
    }

    private static IResult RegistrationError(string error, string description) =>
        Results.Json(new OAuthError(error, description), SandboxJson.Default.OAuthError, statusCode: StatusCodes.Status400BadRequest);

    private static string ConsentPage(OpenIddictRequest request)
    {
        var fields = new StringBuilder();
        foreach (var (name, value) in request.GetParameters())
        {
            fields.Append(CultureInfoInvariant($"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(name)}\" value=\"{WebUtility.HtmlEncode(value.ToString())}\">"));
        }

        return "<!DOCTYPE html><html><head><title>Sandbox sign-in</title></head><body>" +
               $"<h1>Allow {WebUtility.HtmlEncode(request.ClientId)} to use the sandbox MCP server?</h1>" +
               $"<form method=\"post\" action=\"/authorize\">{fields}<button type=\"submit\" name=\"consent\" value=\"approve\">Approve</button></form>" +
               "</body></html>";
    }

    private static string CultureInfoInvariant(FormattableString value) => FormattableString.Invariant(value);
}
