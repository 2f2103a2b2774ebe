using System.Text.Json;
using Tether.Api;

namespace Tether.Tests.Api;

public sealed class ApiReaderTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(1));

    private static readonly WorkloadView Signing = new()
    {
        Name = "docs",
        Status = "authenticating",
        StatusReason = "waiting for the browser",
        Health = "unhealthy",
        Url = "http://127.0.0.1:41234/mcp",
        RemoteUrl = "https://mcp.example.com/mcp",
        Transport = "streamable-http",
        Port = 41234,
        CreatedAt = At,
        UpdatedAt = At.AddSeconds(3),
        Auth = "oauth",
        Issuer = "https://auth.example.com/",
        ClientId = "client-1",
        SignInUrl = "https://auth.example.com/authorize?x=1",
        SignInDeadline = At.AddMinutes(5),
        NextAttemptAt = At.AddSeconds(30),
        TokenExpiresAt = At.AddHours(1),
    };

    private static readonly WorkloadView Stopped = new()
    {
        Name = "tickets",
        Status = "stopped",
        Health = "unhealthy",
        RemoteUrl = "https://tickets.example.com/mcp",
        Transport = "sse",
        CreatedAt = At,
        UpdatedAt = At,
    };

    private static JsonElement Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonDocument.Parse(JsonSerializer.Serialize(value, type)).RootElement;

    [Fact]
    public void Workload_WhatApiJsonWrites_TheSameViewWithAndWithoutOptionalFields()
    {
        Assert.Equal(Signing, ApiReader.Workload(Json(Signing, ApiJson.Default.WorkloadView)));
        Assert.Equal(Stopped, ApiReader.Workload(Json(Stopped, ApiJson.Default.WorkloadView)));
    }

    [Fact]
    public void Workloads_WhatApiJsonWrites_TheSameListInOrder()
    {
        IReadOnlyList<WorkloadView> list = [Signing, Stopped];

        Assert.Equal(list, ApiReader.Workloads(Json(list, ApiJson.Default.IReadOnlyListWorkloadView)));
    }

    [Fact]
    public void WorkloadDetail_WhatApiJsonWrites_TheSameWorkloadAndHistory()
    {
        var detail = new WorkloadDetailView(Stopped,
        [
            new TransitionView(At, "starting", "running", "signed in"),
            new TransitionView(At.AddMinutes(1), "running", "stopped", "stopped by the user"),
        ]);

        var read = ApiReader.WorkloadDetail(Json(detail, ApiJson.Default.WorkloadDetailView));

        Assert.Equal(detail.Workload, read.Workload);
        Assert.Equal(detail.History, read.History);
    }

    [Fact]
    public void HostInfoAndError_WhatApiJsonWrites_TheSameRecords()
    {
        var info = new HostInfo("http://127.0.0.1:40000/", 4242, "key+/=", "0.1.0");
        var error = new ApiError("not_found", "no workload named 'x'");

        Assert.Equal(info, ApiReader.HostInfo(Json(info, ApiJson.Default.HostInfo)));
        Assert.Equal(error, ApiReader.Error(Json(error, ApiJson.Default.ApiError)));
    }

    [Fact]
    public void Workload_MissingRequiredField_Throws()
    {
        using var json = JsonDocument.Parse("""{"name":"docs"}""");

        Assert.Throws<KeyNotFoundException>(() => ApiReader.Workload(json.RootElement));
    }
}
