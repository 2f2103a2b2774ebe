using System.Text;
using Tether.Cli;

namespace Tether.Tests.Stdio;

/// <summary>What the native front end hands the full command line for <c>tether stdio NAME</c>, through the environment.</summary>
[Collection(nameof(StdioHandOverTests))]
[CollectionDefinition(nameof(StdioHandOverTests), DisableParallelization = true)]
public sealed class StdioHandOverTests
{
    [Fact]
    public void TryTake_WhatVariablesCarry_TheSameBytesAndSessionAndTheVariablesAreGone()
    {
        var unread = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{\"cursor\":\"é ✓\"}}\n{\"partial\":");
        Set(StdioHandOver.Variables(new StdioStart("docs", Stream.Null, unread, new StdioSession("session-1", "2025-06-18"))));

        var taken = StdioHandOver.TryTake("docs");

        Assert.NotNull(taken);
        Assert.Equal("docs", taken.Name);
        Assert.Equal(unread, taken.Unread);
        Assert.Equal(new StdioSession("session-1", "2025-06-18"), taken.Session);
        Assert.Null(Environment.GetEnvironmentVariable("TETHER_STDIO_UNREAD"));
        Assert.Null(Environment.GetEnvironmentVariable("TETHER_STDIO_SESSION"));
        Assert.Null(StdioHandOver.TryTake("docs"));
    }

    [Fact]
    public void TryTake_NoSessionOpened_BytesOnlyAndNoSession()
    {
        Set(StdioHandOver.Variables(new StdioStart("docs", Stream.Null, "{\"id\":1}\n"u8.ToArray(), new StdioSession(null, null))));
        var withNulls = StdioHandOver.TryTake("docs");
        Assert.Equal(new StdioSession(null, null), withNulls!.Session);

        Set(StdioHandOver.Variables(new StdioStart("docs", Stream.Null, [], null)));
        var none = StdioHandOver.TryTake("docs");
        Assert.Empty(none!.Unread);
        Assert.Null(none.Session);
    }

    [Fact]
    public void TryTake_MalformedVariables_IgnoredWithoutAnException()
    {
        Environment.SetEnvironmentVariable("TETHER_STDIO_UNREAD", "not base64 !");
        Environment.SetEnvironmentVariable("TETHER_STDIO_SESSION", "{");

        Assert.Null(StdioHandOver.TryTake("docs"));
        Assert.Null(Environment.GetEnvironmentVariable("TETHER_STDIO_UNREAD"));
    }

    private static void Set(IEnumerable<KeyValuePair<string, string>> variables)
    {
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
