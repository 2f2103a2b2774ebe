using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tether.Api;

/// <summary>The REST API's JSON shape: snake_case, shared by the host and the CLI.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(WorkloadView))]
[JsonSerializable(typeof(IReadOnlyList<WorkloadView>))]
[JsonSerializable(typeof(WorkloadDetailView))]
[JsonSerializable(typeof(RunWorkloadRequest))]
[JsonSerializable(typeof(ReauthRequest))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(HostInfo))]
[JsonSerializable(typeof(HealthView))]
[JsonSerializable(typeof(WorkloadHealthView))]
[JsonSerializable(typeof(IReadOnlyList<TransitionView>))]
public sealed partial class ApiJson : JsonSerializerContext;
