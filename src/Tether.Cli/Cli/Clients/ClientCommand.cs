using System.CommandLine;

namespace Tether.Cli;

/// <summary><c>tether client list | add CLIENT NAME | remove CLIENT NAME</c>: wire a workload into an MCP client's own config.</summary>
internal static class ClientCommand
{
    public static Command Create()
    {
        var command = new Command("client", $"Add workloads to MCP clients' config files ({string.Join(", ", ClientCatalog.Ids)}).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Change("add", "Add a workload to a client's config file (Claude Desktop through 'tether stdio NAME', the others by URL)."));
        command.Subcommands.Add(Change("remove", "Remove a workload from a client's config file."));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Show the MCP clients found here and the workloads each has.");
        command.SetAction(_ =>
        {
            var paths = ClientPaths.FromEnvironment();
            var table = new TextTable();
            table.AddRow("CLIENT", "INSTALLED", "WORKLOADS", "FILE");
            foreach (var client in ClientCatalog.All)
            {
                var file = client.File(paths);
                var installed = Directory.Exists(client.Marker(paths)) || File.Exists(file);
                string workloads;
                try
                {
                    workloads = ClientConfigFile.TethersEntries(client, paths) is { Count: > 0 } names ? string.Join(",", names) : "-";
                }
                catch (CliException ex)
                {
                    workloads = $"(unreadable: {ex.Message})";
                }

                table.AddRow(client.Id, installed ? "yes" : "no", workloads, file);
            }

            table.Write(ConsoleText.Out);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Change(string verb, string description)
    {
        var clientId = new Argument<string>("CLIENT") { Description = string.Join(", ", ClientCatalog.Ids) };
        clientId.AcceptOnlyFromAmong([.. ClientCatalog.Ids]);
        var name = new Argument<string>("NAME") { Description = "The workload." };
        var command = new Command(verb, description) { clientId, name };
        command.SetAction(async (parse, ct) =>
        {
            var client = ClientCatalog.Find(parse.GetValue(clientId)!)!;
            var workload = parse.GetValue(name)!;
            var paths = ClientPaths.FromEnvironment();
            var file = client.File(paths);
            if (verb == "remove")
            {
                var removed = ClientConfigFile.Remove(client, paths, workload);
                Console.Out.WriteLine(removed == ClientChange.Removed
                    ? $"Removed {workload} from {client.DisplayName} ({file})."
                    : $"{client.DisplayName} has no entry for {workload} ({file}).");
                return ExitCodes.Ok;
            }

            using var host = await HostClient.ConnectRequiredAsync(ct);
            var view = (await host.GetAsync(workload, ct)).Workload;
            var url = view.Url ?? $"http://127.0.0.1:{view.Port}{new Uri(view.RemoteUrl).AbsolutePath}";
            var change = ClientConfigFile.Add(client, paths, Entry(workload, url));
            Console.Out.WriteLine(change switch
            {
                ClientChange.Unchanged => $"{client.DisplayName} already has {workload} ({file}).",
                ClientChange.Updated => $"Updated {workload} in {client.DisplayName} ({file}); restart {client.DisplayName} to use it.",
                _ => $"Added {workload} to {client.DisplayName} ({file}); restart {client.DisplayName} to use it.",
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The entry for this installation: <c>tether stdio NAME</c> as <see cref="InstalledCommand"/> starts it.</summary>
    internal static ClientEntry Entry(string name, string url)
    {
        var words = InstalledCommand.With("stdio", name);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Environment.GetEnvironmentVariable("TETHER_HOME") is { Length: > 0 } home)
        {
            // A client starts the bridge with its own environment: a moved home has to travel with the entry.
            environment["TETHER_HOME"] = Path.GetFullPath(home);
        }

        return new ClientEntry(name, url, words[0], [.. words.Skip(1)], environment);
    }
}
