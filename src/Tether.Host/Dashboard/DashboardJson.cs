using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tether.Dashboard;

/// <summary>The dashboard's JSON: the API's snake_case names.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(DashboardSnapshot))]
[JsonSerializable(typeof(DashboardLink))]
internal sealed partial class DashboardJson : JsonSerializerContext;
