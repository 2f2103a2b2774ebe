using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tether.Configuration;
using Tether.Api;
using Tether.Workloads;

namespace Tether.Notifications;

/// <summary>
/// A word when it matters: every status transition goes to the user's hook, in order, one at a time; a workload
/// becoming <c>unauthenticated</c>, or a refused refresh starting the countdown to it, also shows a desktop
/// notification, once. Nothing here can change a workload: a failing, hanging or missing hook is logged and skipped.
/// </summary>
internal sealed partial class StatusNotifier : IAsyncDisposable
{
    /// <summary>
    /// How often reasons are looked at for a refused refresh (a reason change is not a transition). Each look builds
    /// every workload's view: once a second that was most of an idle host's CPU with 100 workloads, while the countdown
    /// it announces lasts at least a minute (the refresh ahead of expiry comes 60 s or more before it).
    /// </summary>
    private static readonly TimeSpan ReasonCheck = TimeSpan.FromSeconds(10);

    private readonly Channel<StatusNotice> _queue = Channel.CreateUnbounded<StatusNotice>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<string> _refusedShown = new(StringComparer.Ordinal);
    private readonly StatusHook? _hook;
    private readonly DesktopNotifier _desktop;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private WorkloadApi? _workloads;
    private Task _running = Task.CompletedTask;

    public StatusNotifier(NotificationSettings settings, DesktopNotifier desktop, TimeProvider time, ILogger<StatusNotifier> logger)
    {
        _hook = settings.Hook is { } command ? new StatusHook(command, settings.HookTimeout, time) : null;
        _desktop = desktop;
        _time = time;
        _logger = logger;
    }

    /// <summary>Registers the notifier; its settings are read when the host attaches it, so a bad one stops the start.</summary>
    public static void AddTo(WebApplicationBuilder builder, TetherPaths paths)
    {
        builder.Services.AddSingleton(_ => NotificationSettings.Load(paths.ConfigPath));
        builder.Services.AddSingleton(_ => DesktopNotifier.ForThisMachine());
        builder.Services.AddSingleton<StatusNotifier>();
    }

    /// <summary>Starts listening to <paramref name="workloads"/>.</summary>
    public void Attach(WorkloadApi workloads)
    {
        _workloads = workloads;
        workloads.Registry.Transitioned += OnTransitioned;
        _running = Task.WhenAll(Task.Run(DeliverAsync), Task.Run(WatchReasonsAsync));
    }

    public async ValueTask DisposeAsync()
    {
        if (_workloads is { } workloads)
        {
            workloads.Registry.Transitioned -= OnTransitioned;
        }

        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private void OnTransitioned(string workload, StatusTransition transition)
    {
        var needsUser = transition.To == WorkloadStatus.Unauthenticated;
        _queue.Writer.TryWrite(new StatusNotice(
            "status_change", workload, transition.From.ToWire(), transition.To.ToWire(), transition.Reason, transition.At,
            transition.To.ToHealth().ToWire(), needsUser, needsUser ? $"tether reauth {workload}" : null));
    }

    private async Task WatchReasonsAsync()
    {
        using var timer = new PeriodicTimer(ReasonCheck, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                foreach (var view in _workloads!.List(all: true))
                {
                    // The engine's words for a refused refresh while the access token still works (token-lifecycle.md).
                    var refused = view.Status == "running" && view.StatusReason.Contains("sign in again before", StringComparison.OrdinalIgnoreCase);
                    if (!refused)
                    {
                        _refusedShown.Remove(view.Name);
                    }
                    else if (_refusedShown.Add(view.Name))
                    {
                        _queue.Writer.TryWrite(new StatusNotice(
                            "refresh_refused", view.Name, view.Status, view.Status, view.StatusReason, _time.GetUtcNow(), view.Health, true, $"tether reauth {view.Name}"));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping.
        }
    }

    private async Task DeliverAsync()
    {
        try
        {
            await foreach (var notice in _queue.Reader.ReadAllAsync(_stopping.Token))
            {
                if (notice.NeedsUser && _desktop.Available)
                {
                    var title = notice.Event == "refresh_refused" ? $"Tether: {notice.Workload} will need you soon" : $"Tether: {notice.Workload} needs you";
                    await _desktop.ShowAsync(title, $"{notice.Reason}\nFix: {notice.Fix}", _stopping.Token);
                }

                if (_hook is not null)
                {
                    await RunHookAsync(_hook, notice);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping: notices not yet delivered are dropped.
        }
    }

    private async Task RunHookAsync(StatusHook hook, StatusNotice notice)
    {
        var outcome = await hook.RunAsync(notice, _stopping.Token);
        switch (outcome)
        {
            case HookOutcome.Failed:
                Log.HookFailed(_logger, notice.Workload, hook.Command[0], hook.LastExitCode ?? -1, hook.LastError ?? "");
                break;
            case HookOutcome.TimedOut:
                Log.HookTimedOut(_logger, notice.Workload, hook.Command[0]);
                break;
            case HookOutcome.NotStarted:
                Log.HookNotStarted(_logger, notice.Workload, hook.Command[0], hook.LastError ?? "");
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5001, LogLevel.Warning, "{workload}: the on_status_change hook {hook} exited with {exit_code}: {hook_error}")]
        public static partial void HookFailed(ILogger logger, string workload, string hook, int exit_code, string hook_error);

        [LoggerMessage(5002, LogLevel.Warning, "{workload}: the on_status_change hook {hook} did not finish in time and was killed")]
        public static partial void HookTimedOut(ILogger logger, string workload, string hook);

        [LoggerMessage(5003, LogLevel.Warning, "{workload}: the on_status_change hook {hook} could not be started: {hook_error}")]
        public static partial void HookNotStarted(ILogger logger, string workload, string hook, string hook_error);
    }
}
