using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Proxy;
using Tether.Workloads;

namespace Tether.LoadDriver;

/// <summary>
/// A long SSE stream (1 KiB events) through a local endpoint: throughput, and whether memory stays flat (measured after
/// a warm-up stream a tenth as long, so that pools and JIT are not counted as growth).
/// </summary>
internal static class SseLoad
{
    private const int EventPayload = 1024;

    public static async Task<int> RunAsync(int megabytes, CancellationToken cancellationToken)
    {
        var total = (long)megabytes * 1024 * 1024;
        await using var upstream = await StartUpstreamAsync(total, cancellationToken);
        var tokens = new WorkloadTokenSource("sse");
        tokens.UseStatic("load-token");
        var remote = new Uri(upstream.Urls.First() + "/events");
        await using var endpoint = await LocalEndpoint.StartAsync(new LocalEndpointOptions("sse", remote, 0, []), tokens, NullLoggerFactory.Instance, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        await ReadAllAsync(http, new Uri(endpoint.Url + "?warmup=1"), cancellationToken);

        var before = Figures.SettledWorkingSet();
        long peak = before;
        using var sampler = new Timer(_ =>
        {
            using var self = Process.GetCurrentProcess();
            var now = self.WorkingSet64;
            long seen;
            while (now > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
            {
            }
        }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));

        var clock = Stopwatch.StartNew();
        var (bytes, events) = await ReadAllAsync(http, endpoint.Url, cancellationToken);
        var elapsed = clock.Elapsed;
        await sampler.DisposeAsync();
        var after = Figures.SettledWorkingSet();
        Figures.Line($"== {Figures.Megabytes(bytes):0} MiB of SSE through the local endpoint ({events:N0} events of {EventPayload} B)");
        Figures.Line($"throughput {Figures.Megabytes(bytes) / elapsed.TotalSeconds:0} MiB/s in {elapsed.TotalSeconds:0.00} s");
        Figures.Line($"working set: before {Figures.Megabytes(before):0.0} MB, peak during {Figures.Megabytes(Interlocked.Read(ref peak)):0.0} MB (+{Figures.Megabytes(Interlocked.Read(ref peak) - before):0.0} MB), after {Figures.Megabytes(after):0.0} MB");
        return bytes >= total ? 0 : 1;
    }

    private static async Task<(long Bytes, long Events)> ReadAllAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[64 * 1024];
        long bytes = 0, events = 0;
        var endedWithNewLine = false;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            bytes += read;
            events += chunk.Count("\n\n"u8) + (endedWithNewLine && chunk[0] == (byte)'\n' ? 1 : 0);
            endedWithNewLine = chunk[^1] == (byte)'\n' && !chunk.EndsWith("\n\n"u8);
        }

        return (bytes, events);
    }

    private static async Task<WebApplication> StartUpstreamAsync(long total, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var sseEvent = Encoding.ASCII.GetBytes("data: " + new string('x', EventPayload - 8) + "\n\n");
        app.MapGet("/events", async context =>
        {
            context.Response.ContentType = "text/event-stream";
            var chunk = new byte[sseEvent.Length * 32];
            for (var i = 0; i < 32; i++)
            {
                sseEvent.CopyTo(chunk, i * sseEvent.Length);
            }

            var length = context.Request.Query.ContainsKey("warmup") ? total / 10 : total;
            for (long sent = 0; sent < length; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        await app.StartAsync(cancellationToken);
        return app;
    }
}
