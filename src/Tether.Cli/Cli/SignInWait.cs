using Tether.Api;
using Tether.Configuration;

namespace Tether.Cli;

/// <summary>Follows a workload through <c>starting</c> and <c>authenticating</c>: opens the browser, shows the time left.</summary>
internal static class SignInWait
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CancelBudget = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Polls until the workload settles. Ctrl-C (<paramref name="cancellationToken"/>) while it waits tells the host to
    /// stop waiting for the sign-in, and fails with a line saying so.
    /// </summary>
    public static async Task<WorkloadView> UntilSettledAsync(HostClient client, WorkloadView view, bool skipBrowser, CancellationToken cancellationToken)
    {
        string? shownUrl = null;
        var lastProgress = DateTimeOffset.MinValue;
        try
        {
            while (StatusText.IsSettling(view.Status))
            {
                if (view.SignInUrl is { } url && url != shownUrl)
                {
                    shownUrl = url;
                    Open(url, skipBrowser);
                }

                var now = TimeProvider.System.GetUtcNow();
                if (view.SignInDeadline is { } deadline && now - lastProgress >= ProgressInterval)
                {
                    lastProgress = now;
                    var left = TimeSpan.FromSeconds(Math.Max(0, Math.Ceiling((deadline - now).TotalSeconds)));
                    await Console.Error.WriteLineAsync(
                        $"Waiting for sign-in to {view.Issuer ?? view.RemoteUrl} in the browser ({DurationParser.Format(left)} left; Ctrl-C cancels)...");
                }

                await Task.Delay(PollInterval, cancellationToken);
                view = (await client.GetAsync(view.Name, cancellationToken)).Workload;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            using var budget = new CancellationTokenSource(CancelBudget);
            var cancelled = await client.CancelSignInAsync(view.Name, budget.Token);
            throw new CliException(
                $"sign-in cancelled; {view.Name} is {cancelled.Status}. 'tether reauth {view.Name}' signs in, 'tether rm {view.Name}' removes it");
        }

        return view;
    }

    private static void Open(string url, bool skipBrowser)
    {
        if (skipBrowser)
        {
            Console.Error.WriteLine($"Open this URL in a browser to sign in:\n  {url}");
            return;
        }

        Console.Error.WriteLine($"Opening the browser to sign in. If it does not open, visit:\n  {url}");
        if (!SystemBrowser.TryOpen(url, out var error))
        {
            Console.Error.WriteLine($"Could not open a browser ({error}); open the URL above by hand.");
        }
    }
}
