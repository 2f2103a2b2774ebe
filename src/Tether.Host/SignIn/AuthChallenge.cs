namespace Tether.SignIn;

/// <summary>What a server's 401 said: <c>WWW-Authenticate: Bearer resource_metadata="…", scope="…", error="…"</c>.</summary>
/// <param name="ResourceMetadata">The RFC 9728 metadata URL, when given.</param>
/// <param name="Scope">The scopes the server wants, when given.</param>
/// <param name="Error">The error, when given.</param>
public sealed record AuthChallenge(Uri? ResourceMetadata, string? Scope, string? Error)
{
    /// <summary>Reads the Bearer challenge among <paramref name="headerValues"/> (auth-params, quoted strings, commas).</summary>
    public static AuthChallenge? Parse(IEnumerable<string> headerValues)
    {
        foreach (var value in headerValues)
        {
            var text = value.Trim();
            if (!text.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var parameters = Parameters(text["Bearer".Length..]);
            Uri? metadata = parameters.TryGetValue("resource_metadata", out var m) && Uri.TryCreate(m, UriKind.Absolute, out var uri) ? uri : null;
            return new AuthChallenge(metadata, parameters.GetValueOrDefault("scope"), parameters.GetValueOrDefault("error"));
        }

        return null;
    }

    private static Dictionary<string, string> Parameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var name = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    sb.Append(text[i++]);
                }

                i++;
                value = sb.ToString();
            }
            else
            {
                var end = text.IndexOf(',', i);
                end = end < 0 ? text.Length : end;
                value = text[i..end].Trim();
                i = end;
            }

            result[name] = value;
        }

        return result;
    }
}
