using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Store;
using Tether.Tests.Store;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Workloads;

/// <summary>
/// The controller's transitions as a table: what the remote server answers, what the user does, and the statuses the
/// workload goes through (with the real store and a real local endpoint; the remote server's answers are scripted).
/// </summary>
public sealed class WorkloadControllerTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);
    private readonly StoreTestHome _home = new();
    private readonly Channel<StatusTransition> _transitions = Channel.CreateUnbounded<StatusTransition>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public enum Remote
    {
        McpAnswer,
        McpEventStream,
        Html404,
        NotImplemented501,
        Challenge401,
        Refused,
    }

    public enum Step
    {
        None,
        Stop,
        StartAfterStop,
        Start,
        Retry,
        Remove,
    }

    public static TheoryData<Remote, bool, Step, WorkloadStatus[], string> Table => new()
    {
        { Remote.McpAnswer, true, Step.None, [WorkloadStatus.Running], "the server asks for no sign-in" },
        { Remote.McpEventStream, true, Step.None, [WorkloadStatus.Running], "the server asks for no sign-in" },
        { Remote.Html404, true, Step.None, [WorkloadStatus.Error], "http 404 Not Found, text/html" },
        { Remote.NotImplemented501, true, Step.None, [WorkloadStatus.Error], "http 501" },
        { Remote.Refused, true, Step.None, [WorkloadStatus.Error], "cannot reach" },
        { Remote.Challenge401, false, Step.None, [WorkloadStatus.Unauthenticated], "tether reauth w" },
        { Remote.McpAnswer, true, Step.Stop, [WorkloadStatus.Running, WorkloadStatus.Stopping, WorkloadStatus.Stopped], "stopped by the user" },
        {
            Remote.McpAnswer, true, Step.StartAfterStop,
            [WorkloadStatus.Running, WorkloadStatus.Stopping, WorkloadStatus.Stopped, WorkloadStatus.Starting, WorkloadStatus.Running],
            "the server asks for no sign-in"
        },
        { Remote.Html404, true, Step.Retry, [WorkloadStatus.Error, WorkloadStatus.Starting, WorkloadStatus.Error], "http 404" },
        { Remote.Challenge401, false, Step.Start, [WorkloadStatus.Unauthenticated, WorkloadStatus.Starting, WorkloadStatus.Unauthenticated], "tether reauth w" },
        { Remote.Html404, true, Step.Remove, [WorkloadStatus.Error, WorkloadStatus.Stopping, WorkloadStatus.Stopped, WorkloadStatus.Removing], "removed by the user" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Controller_RemoteAnswerAndStep_GoesThroughTheStatuses(Remote remote, bool interactive, Step step, WorkloadStatus[] expected, string reason)
    {
        using var http = new HttpClient(new ScriptedRemote(remote));
        var store = await _home.OpenAsync();
        var record = TestWorkloads.New("w", port: 0) with { Config = new WorkloadConfig() };
        await store.AddWorkloadAsync(record, Ct);
        await using var controller = NewController(store, http, (await store.GetWorkloadAsync("w", Ct))!);

        await controller.LaunchAsync(interactive, Ct);
        var seen = await SettledAsync();
        switch (step)
        {
            case Step.Stop:
                await controller.StopAsync(Ct);
                seen.AddRange(await SettledAsync());
                break;
            case Step.StartAfterStop:
                await controller.StopAsync(Ct);
                seen.AddRange(await SettledAsync());
                await controller.StartAsync(Ct);
                seen.AddRange(await SettledAsync());
                break;
            case Step.Start:
                await controller.StartAsync(Ct);
                seen.AddRange(await SettledAsync());
                break;
            case Step.Retry:
                await controller.RetryAsync(Ct);
                seen.AddRange(await SettledAsync());
                break;
            case Step.Remove:
                await controller.RemoveAsync(Ct);
                seen.AddRange(await SettledAsync());
                seen.AddRange(await SettledAsync());
                break;
        }

        Assert.Equal(expected, seen.Select(t => t.To));
        Assert.Contains(reason, controller.Snapshot().Reason, StringComparison.Ordinal);
        await store.FlushTransitionsAsync();
        if (step != Step.Remove)
        {
            Assert.Equal(expected, (await store.GetTransitionsAsync("w", 100, Ct)).Select(t => t.To));
            Assert.Equal(controller.Status, (await store.GetWorkloadAsync("w", Ct))!.Status);
        }
        else
        {
            Assert.Null(await store.GetWorkloadAsync("w", Ct));
        }
    }

    [Theory]
    [InlineData(Remote.Html404, HttpStatusCode.ServiceUnavailable, "w is in error: https://mcp.example.test/w does not answer like an MCP server")]
    [InlineData(Remote.Challenge401, HttpStatusCode.ServiceUnavailable, "tether reauth w")]
    public async Task Controller_NotServing_LocalEndpointAnswersTheTruth(Remote remote, HttpStatusCode status, string message)
    {
        using var http = new HttpClient(new ScriptedRemote(remote));
        var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("w", port: 0) with { Config = new WorkloadConfig() }, Ct);
        await using var controller = NewController(store, http, (await store.GetWorkloadAsync("w", Ct))!);

        await controller.LaunchAsync(interactive: false, Ct);
        await SettledAsync();

        using var client = new HttpClient();
        using var response = await client.PostAsync(
            controller.Snapshot().LocalUrl, new StringContent("""{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", Encoding.UTF8, "application/json"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, body, StringComparison.Ordinal);
        Assert.DoesNotContain("starting", body, StringComparison.Ordinal);
        Assert.Contains("\"id\":3", body, StringComparison.Ordinal);
    }

    public void Dispose() => _home.Dispose();

    private WorkloadController NewController(TetherStore store, HttpClient http, WorkloadRecord record)
    {
        var services = new WorkloadServices(
            store, new TokenLifecycleOptions(), http, new Tether.SignIn.SignInService(http, store, _home.Time),
            new LocalEndpointFactory(NullLoggerFactory.Instance), _home.Time, NullLoggerFactory.Instance, Tether.Hosting.HostSettings.DefaultServerAnswerWait);
        return new WorkloadController(record, record.Status, portMayMove: false, services, (_, t) => _transitions.Writer.TryWrite(t));
    }

    /// <summary>The transitions up to the next status that is not on the way somewhere (starting, stopping).</summary>
    private async Task<List<StatusTransition>> SettledAsync()
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(Bound);
        var seen = new List<StatusTransition>();
        while (true)
        {
            var transition = await _transitions.Reader.ReadAsync(bound.Token);
            seen.Add(transition);
            if (transition.To is not (WorkloadStatus.Starting or WorkloadStatus.Authenticating or WorkloadStatus.Stopping))
            {
                return seen;
            }
        }
    }

    /// <summary>The remote server's answer to the MCP check, scripted.</summary>
    private sealed class ScriptedRemote(Remote remote) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (remote == Remote.Refused)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (mcp.example.test:443)");
            }

            var response = remote switch
            {
                Remote.McpAnswer => Answer(HttpStatusCode.OK, """{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"s","version":"1"}}}""", "application/json"),
                Remote.McpEventStream => Answer(HttpStatusCode.OK, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}\n\n", "text/event-stream"),
                Remote.Html404 => Answer(HttpStatusCode.NotFound, "<html><body>Not Found</body></html>", "text/html"),
                Remote.NotImplemented501 => Answer(HttpStatusCode.NotImplemented, "", "text/plain"),
                _ => Answer(HttpStatusCode.Unauthorized, "", "text/plain"),
            };
            if (remote == Remote.Challenge401)
            {
                response.Headers.WwwAuthenticate.ParseAdd("Bearer resource_metadata=\"https://mcp.example.test/.well-known/oauth-protected-resource\"");
            }

            return Task.FromResult(response);
        }

        private static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType) =>
            new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
    }
}
