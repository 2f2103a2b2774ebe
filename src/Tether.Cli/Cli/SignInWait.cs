using Tether.Api;
using Tether.SignIn;

namespace Tether.Cli;

/// <summary>Follows a workload through <c>starting</c> and <c>authenticating</c>: opens the browser, shows the time left.</summary>
internal static class SignInWait
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(15);

    public static async Task<WorkloadView> UntilSettledAsync(HostClient client, WorkloadView view, bool skipBrowser, CancellationToken cancellationToken)
    {
        string? shownUrl = null;
        var lastProgress = DateTimeOffset.MinValue;
        while (view.Status is "starting" or "authenticating")
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
                var left = deadline - now;
                await Console.Error.WriteLineAsync(
                    $"Waiting for sign-in to {view.Issuer ?? view.RemoteUrl} in the browser ({(int)Math.Max(0, left.TotalMinutes)}m{Math.Max(0, left.Seconds):00}s left)...");
            }

            await Task.Delay(PollInterval, cancellationToken);
            view = (await client.GetAsync(view.Name, cancellationToken)).Workload;
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
