using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tether.Interop.Servers;

/// <summary>
/// One of the Node authorization servers of <c>tests/interop</c> (installed there by <c>npm ci</c>), run as a child
/// process on 127.0.0.1 with a port it picks; its first stdout line says where it listens. Disposing closes its stdin
/// (it exits on that, also when this process dies) and kills it if it has not gone within a few seconds.
/// </summary>
public sealed class NodeInteropServer : IInteropServer
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(5);
    private readonly Process _process;
    private readonly StringBuilder _stderr;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
    private readonly Uri _control;

    private NodeInteropServer(string name, Process process, StringBuilder stderr, Uri issuer, Uri mcpUrl, Uri control)
    {
        Name = name;
        _process = process;
        _stderr = stderr;
        Issuer = issuer;
        McpUrl = mcpUrl;
        _control = control;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public Uri Issuer { get; }

    /// <inheritdoc/>
    public Uri McpUrl { get; }

    /// <summary>node oidc-provider: OIDC discovery only, issuer <c>/oidc</c>, resource indicators, JWT access tokens.</summary>
    public static Task<NodeInteropServer> StartOidcProviderAsync(TimeSpan accessTokenLifetime, CancellationToken cancellationToken) =>
        StartAsync("node oidc-provider", "oidc-provider-server.mjs", accessTokenLifetime, cancellationToken);

    /// <summary>The MCP TypeScript SDK's <c>mcpAuthRouter</c> with a small in-memory provider.</summary>
    public static Task<NodeInteropServer> StartSdkRouterAsync(TimeSpan accessTokenLifetime, CancellationToken cancellationToken) =>
        StartAsync("MCP TypeScript SDK router", "sdk-router-server.mjs", accessTokenLifetime, cancellationToken);

    /// <inheritdoc/>
    public async Task SetWafAsync(bool on, CancellationToken cancellationToken) =>
        await PostAsync("fault", new Dictionary<string, object> { ["fault"] = on ? "waf-403" : "none" }, cancellationToken);

    /// <inheritdoc/>
    public async Task RevokeGrantsAsync(CancellationToken cancellationToken) =>
        await PostAsync("revoke", new Dictionary<string, object>(), cancellationToken);

    /// <inheritdoc/>
    public async Task SetAccessTokenLifetimeAsync(TimeSpan lifetime, CancellationToken cancellationToken) =>
        await PostAsync("lifetime", new Dictionary<string, object> { ["seconds"] = (int)Math.Ceiling(lifetime.TotalSeconds) }, cancellationToken);

    /// <inheritdoc/>
    public async Task<ServerCounters> CountersAsync(CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri(_control, "control/counters"), cancellationToken));
        var root = json.RootElement;
        return new ServerCounters(root.GetProperty("token_requests").GetInt32(), root.GetProperty("refreshes_refused").GetInt32(), root.GetProperty("bearers_accepted").GetInt32());
    }

    /// <summary>What the server wrote to stderr so far (its warnings and the errors its token endpoint answered).</summary>
    public string Diagnostics
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var bound = new CancellationTokenSource(StopBound);
            await _process.WaitForExitAsync(bound.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            KillQuietly(_process);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task<NodeInteropServer> StartAsync(string name, string script, TimeSpan accessTokenLifetime, CancellationToken cancellationToken)
    {
        var folder = InteropFolder.Locate();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--access-token-ttl");
        start.ArgumentList.Add(((int)Math.Ceiling(accessTokenLifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"the interop tests need Node.js 20 or later on PATH to run {name} ({ex.Message}); .ci/run expects it installed", ex);
        }

        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (stderr)
                {
                    stderr.AppendLine(line);
                }
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(StartBound);
            var line = await process.StandardOutput.ReadLineAsync(bound.Token);
            if (line is null)
            {
                await process.WaitForExitAsync(bound.Token);
                throw new InvalidOperationException($"{name} ({script}) exited with code {process.ExitCode} before listening: {Tail(stderr)}");
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Uri Read(string property) => new(root.GetProperty(property).GetString()!);
            return new NodeInteropServer(name, process, stderr, Read("issuer"), Read("mcp"), new Uri(Read("control"), "/"));
        }
        catch (Exception ex) when (ex is OperationCanceledException or JsonException or KeyNotFoundException)
        {
            KillQuietly(process);
            process.Dispose();
            throw new InvalidOperationException($"{name} ({script}) did not say where it listens within {StartBound.TotalSeconds:0}s: {Tail(stderr)}", ex);
        }
        catch
        {
            KillQuietly(process);
            process.Dispose();
            throw;
        }
    }

    private async Task PostAsync(string path, Dictionary<string, object> body, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(_control, "control/" + path), body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static string Tail(StringBuilder stderr)
    {
        lock (stderr)
        {
            var text = stderr.ToString().Trim();
            return text.Length > 2000 ? text[^2000..] : text;
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
