using System.Text.Json.Serialization;

namespace Tether.Store;

/// <summary>Source-generated JSON for the workload config column.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkloadConfig))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
