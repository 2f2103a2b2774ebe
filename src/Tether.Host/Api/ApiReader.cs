using System.Text.Json;

namespace Tether.Api;

/// <summary>
/// Reads the API's JSON (the names <see cref="ApiJson"/> writes) through a <see cref="JsonDocument"/>. Each CLI
/// command is a new process, and building <see cref="ApiJson"/>'s metadata there costs more than the request itself.
/// </summary>
/// <remarks>
/// Throws <see cref="KeyNotFoundException"/> for a missing field, <see cref="InvalidOperationException"/> for a field
/// of another JSON kind and <see cref="FormatException"/> for a malformed time.
/// </remarks>
internal static class ApiReader
{
    public static HostInfo HostInfo(JsonElement json) =>
        new(Text(json, "url"), json.GetProperty("pid").GetInt32(), Text(json, "api_key"), Text(json, "version"));

    public static IReadOnlyList<WorkloadView> Workloads(JsonElement json) => [.. json.EnumerateArray().Select(Workload)];

    public static WorkloadDetailView WorkloadDetail(JsonElement json) =>
        new(Workload(json.GetProperty("workload")), [.. json.GetProperty("history").EnumerateArray().Select(Transition)]);

    public static WorkloadView Workload(JsonElement json) => new()
    {
        Name = Text(json, "name"),
        Status = Text(json, "status"),
        StatusReason = Text(json, "status_reason"),
        Health = Text(json, "health"),
        Url = OptionalText(json, "url"),
        RemoteUrl = Text(json, "remote_url"),
        Transport = Text(json, "transport"),
        Port = json.GetProperty("port").GetInt32(),
        CreatedAt = json.GetProperty("created_at").GetDateTimeOffset(),
        UpdatedAt = json.GetProperty("updated_at").GetDateTimeOffset(),
        Auth = Text(json, "auth"),
        Issuer = OptionalText(json, "issuer"),
        ClientId = OptionalText(json, "client_id"),
        SignInUrl = OptionalText(json, "sign_in_url"),
        SignInDeadline = OptionalTime(json, "sign_in_deadline"),
        NextAttemptAt = OptionalTime(json, "next_attempt_at"),
        TokenExpiresAt = OptionalTime(json, "token_expires_at"),
    };

    public static TransitionView Transition(JsonElement json) =>
        new(json.GetProperty("at").GetDateTimeOffset(), Text(json, "from"), Text(json, "to"), Text(json, "reason"));

    public static ApiError Error(JsonElement json) => new(Text(json, "error"), Text(json, "message"));

    private static string Text(JsonElement json, string name) =>
        OptionalText(json, name) ?? throw new InvalidOperationException($"'{name}' is null");

    private static string? OptionalText(JsonElement json, string name) => json.GetProperty(name).GetString();

    private static DateTimeOffset? OptionalTime(JsonElement json, string name) =>
        json.GetProperty(name) is { ValueKind: JsonValueKind.Null } ? null : json.GetProperty(name).GetDateTimeOffset();
}
