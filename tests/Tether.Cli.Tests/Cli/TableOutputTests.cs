using System.Text.RegularExpressions;
using Tether.Api;
using Tether.Cli;

namespace Tether.Tests.Cli;

public sealed class TableOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static WorkloadView Workload(string name, string status, string reason, string remote, TimeSpan age) => new()
    {
        Name = name,
        Status = status,
        StatusReason = reason,
        Health = status == "running" ? "healthy" : "unhealthy",
        Url = "http://127.0.0.1:41234/some/deep/path/mcp",
        RemoteUrl = remote,
        Transport = "streamable-http",
        CreatedAt = Now - age,
        UpdatedAt = Now,
    };

    private static string[] Lines(Action<ConsoleText> write)
    {
        using var output = new StringWriter();
        write(ConsoleText.Plain(output));
        return output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void ListWrite_LongUrlsAndReasons_OneLinePerWorkloadAlignedUnderTheHeader()
    {
        IReadOnlyList<WorkloadView> workloads =
        [
            Workload("docs", "running", "signed in", "https://mcp.example-with-a-rather-long-host-name.com/a/deep/path/to/the/mcp", TimeSpan.FromMinutes(5)),
            Workload("tickets", "stopped", "stopped by the user", "https://tickets.example.com/mcp", TimeSpan.FromHours(3)),
        ];

        var lines = Lines(output => ListOutput.Write(workloads, Now, output));

        Assert.Equal(3, lines.Length);
        var header = lines[0];
        Assert.Equal(["NAME", "STATUS", "URL", "REMOTE", "AGE"], header.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("docs ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("tickets ", lines[2], StringComparison.Ordinal);
        Assert.Equal(header.IndexOf("STATUS", StringComparison.Ordinal), lines[1].IndexOf("running", StringComparison.Ordinal));
        Assert.Equal(header.IndexOf("STATUS", StringComparison.Ordinal), lines[2].IndexOf("stopped (stopped by the user)", StringComparison.Ordinal));
        Assert.DoesNotContain("signed in", lines[1], StringComparison.Ordinal);
        Assert.Equal(header.IndexOf("REMOTE", StringComparison.Ordinal), lines[1].IndexOf("https://mcp.example-with", StringComparison.Ordinal));
        Assert.EndsWith(" 5m", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(" 3h", lines[2], StringComparison.Ordinal);
        Assert.All(lines, line => Assert.Equal(line.TrimEnd(), line));
    }

    [Fact]
    public void ListWrite_ReasonWithLineBreaks_StillOneLinePerWorkload()
    {
        IReadOnlyList<WorkloadView> workloads =
        [
            Workload("docs", "error", "the server answered:\n502 Bad Gateway\r\nretry later", "https://docs.example.com/mcp", TimeSpan.FromSeconds(9)),
        ];

        var lines = Lines(output => ListOutput.Write(workloads, Now, output));

        Assert.Equal(2, lines.Length);
        Assert.Contains("error (the server answered: 502 Bad Gateway retry later)", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ListWrite_NoWorkloads_SaysHowToStartOne()
    {
        Assert.Equal(["No workloads. Start one with: tether run URL"], Lines(output => ListOutput.Write([], Now, output)));
    }

    [Fact]
    public void StatusWrite_Detail_OneLinePerFieldThenTheHistory()
    {
        var workload = Workload("tickets", "auth_retrying", "token endpoint answered 503", "https://tickets.example.com/mcp", TimeSpan.FromHours(1));
        var detail = new WorkloadDetailView(workload,
        [
            new TransitionView(Now.AddMinutes(-60), "starting", "running", "signed in"),
            new TransitionView(Now.AddMinutes(-1), "running", "auth_retrying", "token endpoint answered 503"),
        ]);

        var lines = Lines(output => StatusCommand.Write(detail, output));

        Assert.Contains(lines, line => line.StartsWith("Status:", StringComparison.Ordinal) && line.EndsWith("auth_retrying (token endpoint answered 503)", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Remote:", StringComparison.Ordinal) && line.EndsWith("https://tickets.example.com/mcp", StringComparison.Ordinal));
        var history = Array.IndexOf(lines, "History");
        Assert.True(history > 0, "a History heading after the fields");
        Assert.Equal(["TIME", "FROM", "TO", "REASON"], lines[history + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(history + 4, lines.Length);
        Assert.Equal(["running", "auth_retrying", "token endpoint answered 503"], Regex.Split(lines[^1], " {3,}")[1..]);
    }
}
