using Tether.Workloads;

namespace Tether.Tests.Workloads;

public sealed class WorkloadStatusNamesTests
{
    [Theory]
    [InlineData(WorkloadStatus.Starting, "starting", "unknown")]
    [InlineData(WorkloadStatus.Authenticating, "authenticating", "unknown")]
    [InlineData(WorkloadStatus.Running, "running", "healthy")]
    [InlineData(WorkloadStatus.AuthRetrying, "auth_retrying", "degraded")]
    [InlineData(WorkloadStatus.Unauthenticated, "unauthenticated", "unauthenticated")]
    [InlineData(WorkloadStatus.Stopping, "stopping", "unhealthy")]
    [InlineData(WorkloadStatus.Stopped, "stopped", "unhealthy")]
    [InlineData(WorkloadStatus.Removing, "removing", "unhealthy")]
    [InlineData(WorkloadStatus.Error, "error", "unhealthy")]
    public void ToWire_EachStatus_SnakeNameAndAggregatorHealth(WorkloadStatus status, string wire, string health)
    {
        Assert.Equal(wire, status.ToWire());
        Assert.Equal(health, status.ToHealth().ToWire());
        Assert.True(WorkloadStatusNames.TryParse(wire, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Fact]
    public void TryParse_EveryStatusTheEnumHas_RoundTrips()
    {
        foreach (var status in Enum.GetValues<WorkloadStatus>())
        {
            Assert.True(WorkloadStatusNames.TryParse(status.ToWire(), out var parsed), status.ToString());
            Assert.Equal(status, parsed);
        }
    }

    [Theory]
    [InlineData("AuthRetrying")]
    [InlineData("auth-retrying")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotAWireName_False(string? value) => Assert.False(WorkloadStatusNames.TryParse(value, out _));
}
