using System.Text.Json.Nodes;
using Tether.Cli;

namespace Tether.Tests.Clients;

/// <summary>The config writer of every client on a temporary home: add twice, remove, foreign entries and layout kept, bad JSON refused, one backup.</summary>
public sealed class ClientConfigFileTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tether-clients-").FullName;
    private readonly ClientPaths _paths;

    public ClientConfigFileTests()
    {
        _paths = new ClientPaths(_home, Path.Combine(_home, "AppData", "Roaming"), Path.Combine(_home, ".config"), ClientPlatform.Linux);
    }

    public static TheoryData<string> Clients => [.. ClientCatalog.Ids];

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Theory]
    [MemberData(nameof(Clients))]
    public void Add_Twice_OneEntryAndTheSecondChangesNothing(string id)
    {
        var client = ClientCatalog.Find(id)!;
        Assert.Equal(ClientChange.Added, ClientConfigFile.Add(client, _paths, Entry("docs", 4100)));
        var file = client.File(_paths);
        var first = File.ReadAllText(file);
        var modified = File.GetLastWriteTimeUtc(file);

        Assert.Equal(ClientChange.Unchanged, ClientConfigFile.Add(client, _paths, Entry("docs", 4100)));
        Assert.Equal(first, File.ReadAllText(file));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(file));
        Assert.Equal(["docs"], ClientConfigFile.TethersEntries(client, _paths));
        var server = Servers(client)["docs"]!.AsObject();
        if (id == "claude-desktop")
        {
            Assert.Equal(["/opt/tether/tether", "stdio", "docs"], [server["command"]!.GetValue<string>(), .. server["args"]!.AsArray().Select(a => a!.GetValue<string>())]);
        }
        else
        {
            Assert.Contains("http://127.0.0.1:4100/mcp", server.ToJsonString(), StringComparison.Ordinal);
        }

        // Not there yet: no backup, nothing to keep.
        Assert.False(File.Exists(file + ClientConfigFile.BackupSuffix));
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public void AddThenRemove_ForeignEntriesKeysAndLayoutKept_FileAsBefore(string id)
    {
        var client = ClientCatalog.Find(id)!;
        var file = client.File(_paths);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var original = $$"""
            {
                "theme": "dark",
                "{{client.ServersKey}}": {
                    "mine": {
                        "command": "npx",
                        "args": [
                            "-y",
                            "my-server"
                        ]
                    }
                },
                "note": "ünïcode & <kept>"
            }

            """.Replace("\r\n", "\n", StringComparison.Ordinal);
        File.WriteAllText(file, original);

        Assert.Equal(ClientChange.Added, ClientConfigFile.Add(client, _paths, Entry("docs", 4100)));
        var added = File.ReadAllText(file);
        Assert.Contains("\n        \"docs\": {", added, StringComparison.Ordinal);
        Assert.Contains("\"note\": \"ünïcode & <kept>\"", added, StringComparison.Ordinal);
        var servers = Servers(client);
        Assert.Equal(["mine", "docs"], servers.Select(p => p.Key));
        Assert.Equal("dark", JsonNode.Parse(added)!["theme"]!.GetValue<string>());

        Assert.Equal(ClientChange.Removed, ClientConfigFile.Remove(client, _paths, "docs"));
        Assert.Equal(original, File.ReadAllText(file));
        Assert.Equal(ClientChange.Absent, ClientConfigFile.Remove(client, _paths, "docs"));
        Assert.Equal(original, File.ReadAllText(file + ClientConfigFile.BackupSuffix));
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public void Add_BackupMadeOnceBeforeTheFirstChange(string id)
    {
        var client = ClientCatalog.Find(id)!;
        var file = client.File(_paths);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var original = $$$"""{"{{{client.ServersKey}}}": {}}""";
        File.WriteAllText(file, original);

        ClientConfigFile.Add(client, _paths, Entry("one", 4100));
        ClientConfigFile.Add(client, _paths, Entry("two", 4101));
        ClientConfigFile.Add(client, _paths, Entry("one", 4102));
        ClientConfigFile.Remove(client, _paths, "two");

        Assert.Equal(original, File.ReadAllText(file + ClientConfigFile.BackupSuffix));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(file)!), f => f.Contains(".tether-backup", StringComparison.Ordinal));
        Assert.Equal(["one"], ClientConfigFile.TethersEntries(client, _paths));
        Assert.Contains(id == "claude-desktop" ? "\"stdio\",\"one\"" : "4102", Servers(client)["one"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public void Add_InvalidJson_RefusedAndFileUntouched(string id)
    {
        var client = ClientCatalog.Find(id)!;
        var file = client.File(_paths);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        const string broken = """{"mcpServers": {"mine": {"command": "npx",}""";
        File.WriteAllText(file, broken);

        var error = Assert.Throws<CliException>(() => ClientConfigFile.Add(client, _paths, Entry("docs", 4100)));
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(broken, File.ReadAllText(file));
        Assert.False(File.Exists(file + ClientConfigFile.BackupSuffix));
        Assert.Throws<CliException>(() => ClientConfigFile.Remove(client, _paths, "docs"));
        Assert.Equal(broken, File.ReadAllText(file));
    }

    [Fact]
    public void Add_CommentedVsCodeFile_RefusedSayingCommentsWouldBeLost()
    {
        var file = ClientCatalog.VsCode.File(_paths);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        const string commented = "{\n  // my servers\n  \"servers\": {}\n}\n";
        File.WriteAllText(file, commented);

        var error = Assert.Throws<CliException>(() => ClientConfigFile.Add(ClientCatalog.VsCode, _paths, Entry("docs", 4100)));
        Assert.Contains("comments", error.Message, StringComparison.Ordinal);
        Assert.Equal(commented, File.ReadAllText(file));
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public void AddAndRemove_ForeignServerOfTheSameName_Refused(string id)
    {
        var client = ClientCatalog.Find(id)!;
        var file = client.File(_paths);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var foreign = $$$$"""{"{{{{client.ServersKey}}}}": {"docs": {"url": "https://docs.example.com/mcp"}}}""";
        File.WriteAllText(file, foreign);

        Assert.Contains("did not write", Assert.Throws<CliException>(() => ClientConfigFile.Add(client, _paths, Entry("docs", 4100))).Message, StringComparison.Ordinal);
        Assert.Contains("not written by Tether", Assert.Throws<CliException>(() => ClientConfigFile.Remove(client, _paths, "docs")).Message, StringComparison.Ordinal);
        Assert.Equal(foreign, File.ReadAllText(file));
        Assert.Empty(ClientConfigFile.TethersEntries(client, _paths));
    }

    [Fact]
    public void File_PerPlatform_WhereEachClientsDocumentationSaysItIs()
    {
        var mac = _paths with { Platform = ClientPlatform.MacOS };
        var windows = _paths with { Platform = ClientPlatform.Windows };
        Assert.Equal(Path.Combine(_home, ".config", "Claude", "claude_desktop_config.json"), ClientCatalog.ClaudeDesktop.File(_paths));
        Assert.Equal(Path.Combine(_home, "Library", "Application Support", "Claude", "claude_desktop_config.json"), ClientCatalog.ClaudeDesktop.File(mac));
        Assert.Equal(Path.Combine(_home, "AppData", "Roaming", "Claude", "claude_desktop_config.json"), ClientCatalog.ClaudeDesktop.File(windows));
        Assert.Equal(Path.Combine(_home, ".config", "Code", "User", "mcp.json"), ClientCatalog.VsCode.File(_paths));
        Assert.Equal(Path.Combine(_home, "Library", "Application Support", "Code", "User", "mcp.json"), ClientCatalog.VsCode.File(mac));
        Assert.Equal(Path.Combine(_home, ".claude.json"), ClientCatalog.ClaudeCode.File(windows));
        Assert.Equal(Path.Combine(_home, ".cursor", "mcp.json"), ClientCatalog.Cursor.File(mac));
        Assert.Equal(Path.Combine(_home, ".codeium", "windsurf", "mcp_config.json"), ClientCatalog.Windsurf.File(_paths));
    }

    private static ClientEntry Entry(string name, int port) =>
        new(name, $"http://127.0.0.1:{port}/mcp", "/opt/tether/tether", ["stdio", name], new Dictionary<string, string>());

    private JsonObject Servers(ClientDefinition client) =>
        JsonNode.Parse(File.ReadAllText(client.File(_paths)))![client.ServersKey]!.AsObject();
}
