using ModelContextProtocol;

namespace Tether.Tests.Fixtures;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; posts, and may report after the call returned).</summary>
public sealed class SyncProgressOf(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
{
    public void Report(ProgressNotificationValue value) => report(value);
}
