using System.Net;
using Microsoft.AspNetCore.Http;
using Tether.SignIn;

namespace Tether.Proxy;

/// <summary>
/// Step-up (MCP authorization 2025-11-25): an upstream 403 with <c>WWW-Authenticate: Bearer error="insufficient_scope",
/// scope="…"</c> is not a token failure. The scopes are handed to the workload (the next sign-in asks for them too) and
/// the request is answered with a JSON-RPC error naming them and the command; the challenge itself is not passed on,
/// so that the MCP client does not start OAuth against the local endpoint.
/// </summary>
internal static class StepUpAnswer
{
    /// <summary>The scopes a step-up challenge asks for, or <see langword="null"/> when the answer is no such challenge.</summary>
    public static IReadOnlyList<string>? Scopes(HttpResponseMessage? response)
    {
        if (response?.StatusCode != HttpStatusCode.Forbidden
            || AuthChallenge.Parse(response.Headers.WwwAuthenticate.Select(h => h.ToString())) is not { Error: "insufficient_scope" } challenge)
        {
            return null;
        }

        return (challenge.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Records the scopes with the workload, then answers 403 with the JSON-RPC error.</summary>
    public static async Task WriteAsync(HttpContext context, IReadOnlyList<string> scopes, string workload, Func<IReadOnlyList<string>, Task>? record)
    {
        if (record is not null)
        {
            await record(scopes);
        }

        var asked = scopes.Count > 0 ? $" ({string.Join(' ', scopes)})" : "";
        await ProxyAnswers.WriteAsync(context, StatusCodes.Status403Forbidden, null,
            $"the MCP server asks for more access{asked} than {workload} was granted: run 'tether reauth {workload}' to sign in with it");
    }
}
