using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tether.Cli;

/// <summary>
/// Reads and rewrites one client's JSON config: only Tether's entry changes; the user's other entries, their order and
/// the file's indentation and line ends stay; one backup is made before the first change; a file that is not valid
/// JSON is refused and left as it is.
/// </summary>
internal static class ClientConfigFile
{
    /// <summary>The suffix of the one backup made before Tether first changes a file.</summary>
    public const string BackupSuffix = ".tether-backup";

    public static ClientChange Add(ClientDefinition client, ClientPaths paths, ClientEntry entry)
    {
        var file = client.File(paths);
        var (root, layout, existed) = Read(client, file);
        var servers = Servers(client, root, file, create: true)!;
        var wanted = client.Entry(entry);
        var change = ClientChange.Added;
        if (servers[entry.Name] is { } current)
        {
            if (current is not JsonObject existing || !client.IsTethers(existing))
            {
                throw new CliException($"{file} already has a server named '{entry.Name}' that Tether did not write; remove it there first, or give the workload another name");
            }

            if (JsonNode.DeepEquals(existing, wanted))
            {
                return ClientChange.Unchanged;
            }

            change = ClientChange.Updated;
        }

        servers[entry.Name] = wanted;
        Write(file, root, layout, existed);
        return change;
    }

    public static ClientChange Remove(ClientDefinition client, ClientPaths paths, string name)
    {
        var file = client.File(paths);
        if (!File.Exists(file))
        {
            return ClientChange.Absent;
        }

        var (root, layout, existed) = Read(client, file);
        if (Servers(client, root, file, create: false) is not { } servers || servers[name] is not { } current)
        {
            return ClientChange.Absent;
        }

        if (current is not JsonObject existing || !client.IsTethers(existing))
        {
            throw new CliException($"the server '{name}' in {file} was not written by Tether; it was left as it is");
        }

        servers.Remove(name);
        Write(file, root, layout, existed);
        return ClientChange.Removed;
    }

    /// <summary>The names of Tether's entries in the client's file (none when there is no file).</summary>
    public static IReadOnlyList<string> TethersEntries(ClientDefinition client, ClientPaths paths)
    {
        var file = client.File(paths);
        if (!File.Exists(file))
        {
            return [];
        }

        var (root, _, _) = Read(client, file);
        return Servers(client, root, file, create: false) is { } servers
            ? [.. servers.Where(p => p.Value is JsonObject o && client.IsTethers(o)).Select(p => p.Key)]
            : [];
    }

    private static (JsonObject Root, JsonFileLayout Layout, bool Existed) Read(ClientDefinition client, string file)
    {
        string text;
        try
        {
            if (!File.Exists(file))
            {
                return (new JsonObject(), JsonFileLayout.Default, false);
            }

            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {file}: {ex.Message}");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return (new JsonObject(), JsonFileLayout.Default, true);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new CliException(IsJsonWithComments(text)
                ? $"{file} has comments or trailing commas, which a rewrite would lose; {client.DisplayName}'s file was not changed: add the entry by hand"
                : $"{file} is not valid JSON ({ex.Message}); fix it first: {client.DisplayName}'s file was not changed");
        }

        return root is JsonObject obj
            ? (obj, JsonFileLayout.Of(text), true)
            : throw new CliException($"{file} is not a JSON object; {client.DisplayName}'s file was not changed");
    }

    private static JsonObject? Servers(ClientDefinition client, JsonObject root, string file, bool create)
    {
        switch (root[client.ServersKey])
        {
            case JsonObject servers:
                return servers;
            case null when !root.ContainsKey(client.ServersKey) && create:
                var added = new JsonObject();
                root[client.ServersKey] = added;
                return added;
            case null when !root.ContainsKey(client.ServersKey):
                return null;
            default:
                throw new CliException($"\"{client.ServersKey}\" in {file} is not a JSON object; {client.DisplayName}'s file was not changed");
        }
    }

    private static bool IsJsonWithComments(string text)
    {
        try
        {
            JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void Write(string file, JsonObject root, JsonFileLayout layout, bool existed)
    {
        var options = new JsonWriterOptions
        {
            Indented = true,
            IndentCharacter = layout.IndentCharacter,
            IndentSize = layout.IndentSize,
            NewLine = layout.NewLine,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            root.WriteTo(writer);
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray()) + (layout.FinalNewLine ? layout.NewLine : "");
        var directory = Path.GetDirectoryName(file)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(file)}.{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            if (existed && !File.Exists(file + BackupSuffix))
            {
                File.Copy(file, file + BackupSuffix);
            }

            File.WriteAllText(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            if (existed && !OperatingSystem.IsWindows())
            {
                // The user's file may be private (~/.claude.json is): the new one keeps its mode.
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(file));
            }

            // Replaced in one step: a client reading the file never sees half of it.
            File.Move(temporary, file, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new CliException($"cannot write {file}: {ex.Message}");
        }
    }
}
