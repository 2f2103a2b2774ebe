using System.Text.Json;
using System.Text.RegularExpressions;
using Tether.Api;

namespace Tether.Workloads;

/// <summary>Turns a <c>tether run</c> request into a checked <see cref="WorkloadSpec"/>, and a spec into what each part needs.</summary>
internal static partial class WorkloadSpecs
{
    private static readonly TimeSpan MaxAuthTimeout = TimeSpan.FromHours(1);

    public static WorkloadSpec FromRequest(RunWorkloadRequest request)
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

        if (request.ClientMetadataUrl is { } metadata && AbsoluteHttpUrl(metadata, "--client-metadata-url").Scheme != Uri.UriSchemeHttps)
        {
            throw WorkloadException.BadRequest("--client-metadata-url must be an https URL");
        }

        if ((request.AuthorizeUrl is null) != (request.TokenUrl is null))
        {
            throw WorkloadException.BadRequest("--authorize-url and --token-url go together");
        }

        if (request.AuthorizeUrl is not null)
        {
            AbsoluteHttpUrl(request.AuthorizeUrl, "--authorize-url");
            AbsoluteHttpUrl(request.TokenUrl!, "--token-url");
        }

        if (request.Issuer is not null)
        {
            AbsoluteHttpUrl(request.Issuer, "--issuer");
        }

        if (request.CallbackPort is < 1 or > 65535)
        {
            throw WorkloadException.BadRequest($"--callback-port {request.CallbackPort} is not a port (1-65535)");
        }

        var timeout = request.AuthTimeout ?? TimeSpan.FromMinutes(5);
        if (timeout <= TimeSpan.Zero || timeout > MaxAuthTimeout)
        {
            throw WorkloadException.BadRequest("--auth-timeout must be between 1s and 1h");
        }

        var headers = request.Headers ?? [];
        foreach (var header in headers)
        {
            var eq = header.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !HeaderName().IsMatch(header[..eq]) || header[..eq].Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                throw WorkloadException.BadRequest($"--header {header}: expected Name=Value with a valid header name other than Authorization");
            }
        }

        return new WorkloadSpec
        {
            RemoteUrl = remote.ToString(),
            Transport = transport,
            ClientId = request.ClientId,
            ClientMetadataUrl = request.ClientMetadataUrl,
            Scopes = request.Scopes,
            Resource = request.Resource,
            Issuer = request.Issuer,
            AuthorizeUrl = request.AuthorizeUrl,
            TokenUrl = request.TokenUrl,
            CallbackPort = request.CallbackPort,
            AuthTimeout = timeout,
            Headers = headers,
            Auth = request.BearerToken is not null ? "bearer" : null,
        };
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

    public static string LocalUrl(WorkloadSpec spec, int port) =>
        $"http://127.0.0.1:{port}/{(spec.Transport == "sse" ? "sse" : "mcp")}";

    public static string Write(WorkloadSpec spec) => JsonSerializer.Serialize(spec, WorkloadSpecJson.Default.WorkloadSpec);

    public static WorkloadSpec Parse(string json) =>
        JsonSerializer.Deserialize(json, WorkloadSpecJson.Default.WorkloadSpec) ?? throw new JsonException("empty workload spec");

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
