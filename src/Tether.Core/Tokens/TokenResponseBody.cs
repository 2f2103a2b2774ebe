using System.Text.Json;

namespace Tether.Tokens;

/// <summary>The fields of a token endpoint's JSON answer that classification needs; all absent when it is not a JSON object.</summary>
internal readonly record struct TokenResponseBody(string? AccessToken, string? RefreshToken, TimeSpan? Lifetime, string? Scope, string? Error, string? Description)
{
    private const int MaxDescription = 200;
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);

    public static TokenResponseBody Parse(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            return new TokenResponseBody(
                NonEmpty(root, "access_token"),
                NonEmpty(root, "refresh_token"),
                ReadLifetime(root),
                root.TryGetProperty("scope", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null,
                NonEmpty(root, "error"),
                OneLine(NonEmpty(root, "error_description")));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? NonEmpty(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static TimeSpan? ReadLifetime(JsonElement root)
    {
        if (!root.TryGetProperty("expires_in", out var expiresIn))
        {
            return null;
        }

        long seconds;
        var ok = expiresIn.ValueKind == JsonValueKind.Number ? expiresIn.TryGetInt64(out seconds)
            : long.TryParse(expiresIn.ValueKind == JsonValueKind.String ? expiresIn.GetString() : null, out seconds);
        return ok && seconds > 0 ? TimeSpan.FromSeconds(Math.Min(seconds, (long)MaxLifetime.TotalSeconds)) : null;
    }

    /// <summary>A server's description goes into reasons and logs: one line, control characters out, bounded.</summary>
    private static string? OneLine(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return clean.Length == 0 ? null : clean.Length <= MaxDescription ? clean : clean[..MaxDescription] + "…";
    }
}
