using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tether.Dashboard;

/// <summary>
/// The page's server-sent events: a <c>snapshot</c> at once, then again whenever anything shown changed (at a
/// transition at once; reasons and next attempts are compared each second in memory), and a comment now and then so
/// that a quiet stream is not taken for a dead one. One stream per open page; the page never polls.
/// </summary>
internal sealed class DashboardEvents(DashboardFeed feed, TimeProvider time, CancellationToken hostStopping)
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public async Task StreamAsync(HttpContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, hostStopping);
        var cancellationToken = stop.Token;
        var response = context.Response;
        DashboardAssets.SetSecurityHeaders(response);
        response.ContentType = "text/event-stream";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(cancellationToken);

        var last = "";
        var quietSince = time.GetUtcNow();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var changed = feed.Changed;
                var json = await feed.SnapshotJsonAsync(cancellationToken);
                if (json != last)
                {
                    await WriteAsync(response, $"event: snapshot\ndata: {json}\n\n", cancellationToken);
                    last = json;
                    quietSince = time.GetUtcNow();
                }
                else if (time.GetUtcNow() - quietSince >= KeepAlive)
                {
                    await WriteAsync(response, ": still here\n\n", cancellationToken);
                    quietSince = time.GetUtcNow();
                }

                await ((Task)Task.WhenAny(changed, Task.Delay(Tick, time, cancellationToken))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page went away or the host is stopping.
        }
        catch (IOException)
        {
            // The connection broke under a write.
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
