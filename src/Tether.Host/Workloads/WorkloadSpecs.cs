using System.Text.RegularExpressions;
using Tether.Api;
using Tether.Store;

namespace Tether.Workloads;

/// <summary>Turns a <c>tether run</c> request into a checked workload record, and a record into what each part needs.</summary>
internal static partial class WorkloadSpecs
{
    public static readonly TimeSpan DefaultAuthTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxAuthTimeout = TimeSpan.FromHours(1);

    /// <summary>Checks a <c>tether run</c> request; every problem is a <c>bad_request</c> naming the option.</summary>
    public static WorkloadRecord ToRecord(string name, RunWorkloadRequest request, int port)
    {
        var remote = AbsoluteHttpUrl(request.Url, "URL");
        var transport = request.Transport ?? "streamable-http";
        if (transport is not ("streamable-http" or "sse"))
        {
            throw WorkloadException.BadRequest($"--transport {transport}: expected streamable-http or sse");
        }

        if (request.ClientSecret is not null && request.ClientId is null)
        {
            throw WorkloadException.BadRequest("--client-secret needs --client-id");
        }


        if ((request.AuthorizeUrl is null) != (request.TokenUrl is null))
        {
            throw WorkloadException.BadRequest("--authorize-url and --token-url go together");
        }

        foreach (var (value, option) in new[] { (request.AuthorizeUrl, "--authorize-url"), (request.TokenUrl, "--token-url"), (request.Issuer, "--issuer"), (request.ClientMetadataUrl, "--client-metadata-url") })
        {
            if (value is not null && AbsoluteHttpUrl(value, option) is { Scheme: "http", IsLoopback: false })
            {
                throw WorkloadException.BadRequest($"{option} must be an https URL (http only on 127.0.0.1 / localhost)");
            }
        }

        if (request.CallbackPort is < 1 or > 65535)
        {
            throw WorkloadException.BadRequest($"--callback-port {request.CallbackPort} is not a port (1-65535)");
        }

        var timeout = request.AuthTimeout ?? DefaultAuthTimeout;
        if (timeout < TimeSpan.FromSeconds(1) || timeout > MaxAuthTimeout)
        {
            throw WorkloadException.BadRequest("--auth-timeout must be between 1s and 1h");
        }

        var headers = ParseHeaders(request.Headers ?? []);
        var config = new WorkloadConfig
        {
            Scopes = request.Scopes ?? [],
            RefreshScope = string.IsNullOrWhiteSpace(request.RefreshScope) ? null : request.RefreshScope.Trim(),
            Resource = string.IsNullOrEmpty(request.Resource) ? null : request.Resource,
            SendResource = request.Resource != "",
            Issuer = request.Issuer,
            IssuerGiven = request.Issuer is not null,
            AuthorizeUrl = request.AuthorizeUrl,
            TokenUrl = request.TokenUrl,
            ClientId = request.ClientId,
            ClientMetadataUrl = request.ClientMetadataUrl,
            CallbackPort = request.CallbackPort,
            AuthTimeout = timeout,
            HeaderNames = headers.Select(h => h.Name).ToList(),
            UsesBearerToken = request.BearerToken is not null,
        };
        return new WorkloadRecord(name, remote.ToString(), transport, port, config);
    }

    /// <summary>Parses <c>Name=Value</c> headers; Authorization is Tether's own and cannot be set.</summary>
    public static IReadOnlyList<(string Name, string Value)> ParseHeaders(IEnumerable<string> headers)
    {
        var parsed = new List<(string, string)>();
        foreach (var header in headers)
        {
            var eq = header.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? header[..eq].Trim() : "";
            if (!HeaderName().IsMatch(name) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || header.AsSpan(eq + 1).ContainsAny('\r', '\n'))
            {
                throw WorkloadException.BadRequest($"--header {header}: expected Name=Value with a valid header name other than Authorization");
            }

            parsed.Add((name, header[(eq + 1)..].Trim()));
        }

        return parsed;
    }

    /// <summary>A name from the URL's host: <c>mcp.example.com</c> → <c>mcp-example-com</c>.</summary>
    public static string NameFrom(string remoteUrl)
    {
        var host = new Uri(remoteUrl).Host.Trim('[', ']');
        var name = NotNameChars().Replace(host.ToLowerInvariant(), "-").Trim('-');
        return name.Length == 0 ? "mcp" : name;
    }

    public static void ValidateName(string name)
    {
        if (!ValidName().IsMatch(name))
        {
            throw WorkloadException.BadRequest($"--name {name}: use 1-63 letters, digits, '-' or '_', starting with a letter or digit");
        }
    }

    public static string LocalUrl(WorkloadRecord record) =>
        $"http://127.0.0.1:{record.Port}/{(record.Transport == "sse" ? "sse" : "mcp")}";

    /// <summary>How the workload authenticates, as the API shows it.</summary>
    public static string Auth(WorkloadConfig config) =>
        config.UsesBearerToken ? "bearer" : config.NoAuth ? "none" : config.ClientAuthMethod is not null ? "oauth" : "unknown";

    private static Uri AbsoluteHttpUrl(string value, string what)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw WorkloadException.BadRequest($"{what} '{value}' is not an http(s) URL");
        }

        return uri;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")]
    private static partial Regex ValidName();

    [GeneratedRegex("[^a-z0-9_-]+")]
    private static partial Regex NotNameChars();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderName();
}
