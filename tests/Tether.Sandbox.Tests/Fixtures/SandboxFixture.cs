using Tether.Sandbox;

namespace Tether.Tests.Fixtures;

/// <summary>One sandbox shared by a test class (its tests run one at a time and leave no fault behind).</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public SandboxServer Sandbox { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromMinutes(5) }, CancellationToken.None);

    public async ValueTask DisposeAsync() => await Sandbox.DisposeAsync();
}
