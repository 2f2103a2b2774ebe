using Tether.Api;
using Tether.Store;
using Tether.Tests.Store;
using Tether.Workloads;

namespace Tether.Tests.Workloads;

/// <summary>Which scopes a sign-in asks for after a step-up, and which scope a refresh sends.</summary>
public sealed class WorkloadScopeTests : IDisposable
{
    private readonly StoreTestHome _home = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _home.Dispose();

    [Fact]
    public void SignInScopes_NoStepUp_TheScopesGivenOrNoneForDiscovery()
    {
        Assert.Equal(["read"], WorkloadController.SignInScopes(new WorkloadConfig { Scopes = ["read"], GrantedScope = "read offline_access" }));
        Assert.Empty(WorkloadController.SignInScopes(new WorkloadConfig { GrantedScope = "mcp:tools offline_access" }));
    }

    [Fact]
    public void SignInScopes_AfterAStepUp_TheUnionOfTheGrantedAndTheAskedFor()
    {
        var config = new WorkloadConfig { GrantedScope = "mcp:tools offline_access", StepUpScopes = ["files:write", "mcp:tools"] };

        Assert.Equal(["mcp:tools", "offline_access", "files:write"], WorkloadController.SignInScopes(config));
    }

    [Fact]
    public void SignInScopes_AfterAStepUpWithScopesGiven_TheUnionOfTheGivenAndTheAskedFor()
    {
        var config = new WorkloadConfig { Scopes = ["read"], GrantedScope = "read", StepUpScopes = ["write"] };

        Assert.Equal(["read", "write"], WorkloadController.SignInScopes(config));
    }

    [Fact]
    public async Task UpdateWorkloadAsync_StepUpScopesAndRefreshScope_KeptWithTheConfig()
    {
        using var store = await _home.OpenAsync();
        var record = TestWorkloads.New("w");
        await store.AddWorkloadAsync(record, _ct);

        await store.UpdateWorkloadAsync(record with { Config = record.Config with { StepUpScopes = ["files:write"], RefreshScope = "mcp:tools" } }, _ct);
        var stored = await store.GetWorkloadAsync("w", _ct);

        Assert.Equal(["files:write"], stored!.Config.StepUpScopes);
        Assert.Equal("mcp:tools", stored.Config.RefreshScope);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("  ", null)]
    [InlineData("mcp:tools", "mcp:tools")]
    public void ToRecord_RefreshScope_KeptOnlyWhenTheUserSetsOne(string? given, string? kept)
    {
        var record = WorkloadSpecs.ToRecord("w", new RunWorkloadRequest { Url = "https://mcp.example.com/mcp", RefreshScope = given }, 0);

        Assert.Equal(kept, record.Config.RefreshScope);
    }
}
