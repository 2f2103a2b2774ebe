namespace Tether.LoadDriver;

/// <summary>
/// <c>warm</c>: the first seconds after Tether's background host starts, under runtime settings that change how its
/// code is compiled. Every run starts one host per setting, in a rotating order, and drives one caller through it for
/// 2 s at once and again for 2 s after 10 s of load (warm); the figures are the medians over the runs.
/// </summary>
internal static class WarmStart
{
    private static readonly (string Name, Dictionary<string, string> Environment)[] Settings =
    [
        ("as built (ReadyToRun, tiered, no PGO)", new()),
        ("DOTNET_TieredPGO=1 (the runtime's default)", new() { ["DOTNET_TieredPGO"] = "1" }),
        ("DOTNET_TC_CallCountingDelayMs=0", new() { ["DOTNET_TC_CallCountingDelayMs"] = "0" }),
        ("DOTNET_TieredCompilation=0", new() { ["DOTNET_TieredCompilation"] = "0" }),
        ("DOTNET_ReadyToRun=0 (no precompiled code, framework too)", new() { ["DOTNET_ReadyToRun"] = "0" }),
    ];

    public static async Task<int> RunAsync(int runs, CancellationToken cancellationToken)
    {
        using var upstream = await ChildServer.StartAsync(cancellationToken, "upstream-child");
        Figures.Line($"== first 2 s after a host start, 1 caller, JSON tools/call: {Environment.ProcessorCount} cores, load average {CompareLoad.LoadAverage()}; {runs} runs, settings in rotating order");
        var results = Settings.Select(_ => new List<(LoadResult Cold, LoadResult Warm)>()).ToArray();
        for (var run = 0; run < runs; run++)
        {
            for (var i = 0; i < Settings.Length; i++)
            {
                var index = (run + i) % Settings.Length;
                var (name, environment) = Settings[index];
                await using var host = await TetherHostChild.StartAsync(upstream.Url, BenchUpstream.Token, cancellationToken, environment);
                using var target = new McpTarget("tether", host.Url, null);
                await target.InitializeAsync(cancellationToken);
                var cold = await target.RunAsync(1, TimeSpan.FromSeconds(2), cancellationToken);
                await target.RunAsync(1, TimeSpan.FromSeconds(10), cancellationToken);
                var warm = await target.RunAsync(1, TimeSpan.FromSeconds(2), cancellationToken);
                results[index].Add((cold, warm));
                Figures.Line($"  run {run + 1}: {name,-58} first 2 s: {cold.LatenciesMs.Length,6} calls p50 {cold.P50:0.000} ms p99 {cold.P99:0.000} ms; warm: p50 {warm.P50:0.000} ms; load {CompareLoad.LoadAverage()}");
            }
        }

        Figures.Line($"== summary (medians over {runs} runs; load average at the end {CompareLoad.LoadAverage()})");
        for (var i = 0; i < Settings.Length; i++)
        {
            double Median(Func<(LoadResult Cold, LoadResult Warm), double> pick) => results[i].Select(pick).Order().ElementAt(results[i].Count / 2);
            Figures.Line($"{Settings[i].Name,-58} first 2 s: {Median(r => r.Cold.LatenciesMs.Length),6:0} calls, p50 {Median(r => r.Cold.P50):0.000} ms, p99 {Median(r => r.Cold.P99):0.000} ms; warm p50 {Median(r => r.Warm.P50):0.000} ms, first-2-s p50 / warm p50 {Median(r => r.Cold.P50 / r.Warm.P50):0.00}");
        }

        return 0;
    }
}
