namespace Tether.Tests.Fixtures;

/// <summary>Bounded waits for background work (the engine's monitor runs on the thread pool).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromMinutes(1));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not reached in time: {what}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Lets queued continuations run (after advancing a fake clock) without waiting on real time for long.</summary>
    public static async Task SettleAsync()
    {
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(2);
        }
    }
}
