namespace Tether.Tests.Fixtures;

/// <summary>A bounded wait for something the host does in the background.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not reached within {within.TotalSeconds:0}s: {what}");
            }

            await Task.Delay(200);
        }
    }
}
