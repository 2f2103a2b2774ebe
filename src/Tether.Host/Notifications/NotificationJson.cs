using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tether.Notifications;

/// <summary>The hook's JSON: the API's snake_case names.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(StatusNotice))]
internal sealed partial class NotificationJson : JsonSerializerContext;
