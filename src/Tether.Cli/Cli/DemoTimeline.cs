using Tether.Api;
using Tether.Workloads;

namespace Tether.Cli;

/// <summary>Prints a workload's status transitions as they happen, from the host's own history.</summary>
internal sealed class DemoTimeline(WorkloadApi workloads, string name, DemoConsole console) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _printed;

    public void Start() => _loop = Task.Run(() => LoopAsync(_stop.Token));

    /// <summary>Prints what is new at once (before a step that depends on it).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var detail = await workloads.GetAsync(name, cancellationToken);
        lock (_stop)
        {
            foreach (var t in detail.History.Skip(_printed))
            {
                console.Transition(t.At, t.From, t.To, t.Reason);
            }

            _printed = Math.Max(_printed, detail.History.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await FlushAsync(cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (WorkloadException)
            {
                return;
            }
        }
    }
}
