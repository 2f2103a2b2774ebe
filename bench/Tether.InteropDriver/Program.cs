using System.Globalization;
using Tether.Configuration;
using Tether.Interop.Servers;
using Tether.InteropDriver;

// Recovery figures against every server of the interop matrix, side by side, with default Tether settings.
//   dotnet run -c Release --project bench/Tether.InteropDriver -- [--runs 3] [--outage 60s] [--pace 2s] [--lifetime 20s]
var options = new Dictionary<string, string>(StringComparer.Ordinal) { ["runs"] = "1", ["outage"] = "60s", ["pace"] = "2s", ["lifetime"] = "20s" };
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || !options.ContainsKey(args[i][2..]))
    {
        Console.Error.WriteLine($"error: unknown option {args[i]}; expected --runs N, --outage DURATION, --pace DURATION, --lifetime DURATION");
        return 2;
    }

    options[args[i][2..]] = args[i + 1];
}

if (!int.TryParse(options["runs"], CultureInfo.InvariantCulture, out var runs) || runs < 1
    || !DurationParser.TryParse(options["outage"], out var outage)
    || !DurationParser.TryParse(options["pace"], out var pace)
    || !DurationParser.TryParse(options["lifetime"], out var lifetime))
{
    Console.Error.WriteLine("error: --runs takes a positive number; --outage, --pace and --lifetime take durations such as 2s or 1m");
    return 2;
}

if (lifetime >= outage)
{
    Console.Error.WriteLine("error: --lifetime must be shorter than --outage, so that the access token expires during the outage");
    return 2;
}

var servers = new (string Name, Func<TimeSpan, CancellationToken, Task<IInteropServer>> Start)[]
{
    ("OpenIddict sandbox", async (l, ct) => await SandboxInteropServer.StartAsync(l, ct)),
    ("node oidc-provider", async (l, ct) => await NodeInteropServer.StartOidcProviderAsync(l, ct)),
    ("MCP TypeScript SDK router", async (l, ct) => await NodeInteropServer.StartSdkRouterAsync(l, ct)),
};

Console.WriteLine($"WAF outage of {outage.TotalSeconds:0}s across expiry (access tokens live {lifetime.TotalSeconds:0}s), a call every {pace.TotalSeconds:0.#}s, default Tether settings; the servers one after the other");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var all = new List<RecoveryFigures>();
for (var run = 1; run <= runs; run++)
{
    // One server after the other within a run: three hosts and servers at once would measure the machine's load.
    foreach (var s in servers)
    {
        RecoveryFigures f;
        try
        {
            f = await RecoveryRun.RunAsync(s.Start, lifetime, outage, pace, cancel.Token);
        }
        catch (InvalidOperationException ex)
        {
            f = new RecoveryFigures(s.Name, null, -1, -1, -1, ex.Message);
        }

        Console.WriteLine($"run {run}  {f.Server,-26}  healing→first success {Seconds(f.HealToFirstSuccess),7}  failed after healing {f.FailedAfterHealing,3}  token requests in the outage {f.TokenRequestsInOutage,3} ({f.CallsInOutage} calls){(f.Note is null ? "" : "  " + f.Note)}");
        all.Add(f);
    }
}

Console.WriteLine();
Console.WriteLine("| server | healing → first success | failed calls after healing | token requests during the outage |");
Console.WriteLine("|---|---|---|---|");
foreach (var group in all.GroupBy(f => f.Server))
{
    Console.WriteLine($"| {group.Key} | {string.Join(", ", group.Select(f => Seconds(f.HealToFirstSuccess)))} | {string.Join(", ", group.Select(f => f.FailedAfterHealing))} | {string.Join(", ", group.Select(f => f.TokenRequestsInOutage))} |");
}

return 0;

static string Seconds(TimeSpan? span) => span is { } s ? $"{s.TotalSeconds:0.0} s" : "none";
