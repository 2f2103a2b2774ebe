using System.Text.Json.Serialization;
using Tether.Sandbox.Authorization;
using Tether.Sandbox.Control;
using Tether.Sandbox.Mcp;

namespace Tether.Sandbox;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegistrationRequest))]
[JsonSerializable(typeof(RegistrationResponse))]
[JsonSerializable(typeof(OAuthError))]
[JsonSerializable(typeof(FaultRequest))]
[JsonSerializable(typeof(TokenLifetimeRequest))]
[JsonSerializable(typeof(CountersView))]
[JsonSerializable(typeof(FaultView))]
[JsonSerializable(typeof(ProtectedResourceMetadata))]
[JsonSerializable(typeof(SandboxDescription))]
internal sealed partial class SandboxJson : JsonSerializerContext;
