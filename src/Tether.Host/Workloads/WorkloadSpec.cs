using System.Text.Json.Serialization;

namespace Tether.Workloads;

/// <summary>What a workload was asked to be (from <c>tether run</c>) plus what sign-in learnt. No secret in here.</summary>
internal sealed record WorkloadSpec
{
    public required string RemoteUrl { get; init; }

    public string Transport { get; init; } = "streamable-http";

    public string? ClientId { get; init; }

    public string? ClientMetadataUrl { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }

    public string? Resource { get; init; }

    public string? Issuer { get; init; }

    public string? AuthorizeUrl { get; init; }

    public string? TokenUrl { get; init; }

    public int? CallbackPort { get; init; }

    public TimeSpan AuthTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<string> Headers { get; init; } = [];

    /// <summary><c>oauth</c>, <c>bearer</c> or <c>none</c>; <see langword="null"/> until the server said.</summary>
    public string? Auth { get; init; }

    /// <summary>What the token engine needs after sign-in, so that a restart needs no discovery and no browser.</summary>
    public OAuthSession? Session { get; init; }
}

/// <summary>The OAuth client and endpoints a sign-in settled on (the client secret is stored encrypted, apart).</summary>
internal sealed record OAuthSession(
    string TokenEndpoint,
    string ClientId,
    [property: JsonPropertyName("auth_method")] string AuthMethod,
    string? Issuer,
    string? Resource,
    string? Scope,
    bool ClientFromRegistration);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkloadSpec))]
internal sealed partial class WorkloadSpecJson : JsonSerializerContext;
