using System.Text;
using System.Text.Json;

namespace Tether.Cli;

/// <summary>
/// What the native front end did for <c>tether stdio NAME</c> before it handed the process to the full command line
/// (<c>execve</c>): the client's bytes it read and did not answer, and the session its relayed <c>initialize</c>
/// opened. They travel in the environment, which <c>execve</c> keeps and nothing else shares.
/// </summary>
internal static class StdioHandOver
{
    private const string UnreadVariable = "TETHER_STDIO_UNREAD";
    private const string SessionVariable = "TETHER_STDIO_SESSION";

    /// <summary>The most a hand-over carries: one environment string must stay under 128 KiB on Linux, base64 included.</summary>
    internal const int MaxUnread = 64 * 1024;

    /// <summary>The variables that hand <paramref name="started"/> over.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Variables(StdioStart started)
    {
        yield return new(UnreadVariable, Convert.ToBase64String(started.Unread));
        if (started.Session is { } session)
        {
            using var json = new MemoryStream();
            using (var writer = new Utf8JsonWriter(json))
            {
                writer.WriteStartObject();
                writer.WriteString("id", session.Id);
                writer.WriteString("protocolVersion", session.ProtocolVersion);
                writer.WriteEndObject();
            }

            yield return new(SessionVariable, Encoding.UTF8.GetString(json.ToArray()));
        }
    }

    /// <summary>
    /// What the front end handed over for <c>stdio <paramref name="name"/></c>, or <see langword="null"/> when it
    /// handed nothing over. The variables are removed, so that nothing this process starts inherits them.
    /// </summary>
    public static StdioStart? TryTake(string name)
    {
        var unread = Environment.GetEnvironmentVariable(UnreadVariable);
        var session = Environment.GetEnvironmentVariable(SessionVariable);
        Environment.SetEnvironmentVariable(UnreadVariable, null);
        Environment.SetEnvironmentVariable(SessionVariable, null);
        if (unread is null)
        {
            return null;
        }

        try
        {
            StdioSession? opened = null;
            if (session is not null)
            {
                using var json = JsonDocument.Parse(session);
                var root = json.RootElement;
                opened = new StdioSession(root.GetProperty("id").GetString(), root.GetProperty("protocolVersion").GetString());
            }

            return new StdioStart(name, Console.OpenStandardInput(), Convert.FromBase64String(unread), opened);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Only set by hand: the front end writes what it reads back. The bridge starts afresh.
            Console.Error.WriteLine($"tether: ignoring a malformed {UnreadVariable} or {SessionVariable} in the environment");
            return null;
        }
    }
}
