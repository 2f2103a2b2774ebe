namespace Tether.LoadDriver;

/// <summary>One MCP session that load can be run against, from this process or from a generator in another.</summary>
internal interface ILoadTarget : IDisposable
{
    string Name { get; }

    Task InitializeAsync(CancellationToken cancellationToken);

    Task<LoadResult> RunAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken);
}
