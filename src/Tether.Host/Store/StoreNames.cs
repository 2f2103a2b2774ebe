using System.Globalization;
using Tether.Workloads;

namespace Tether.Store;

/// <summary>The strings the store writes for enums and timestamps (stable: they are on disk).</summary>
internal static class StoreNames
{
    public static string ToWire(this DesiredState state) => state switch
    {
        DesiredState.Running => "running",
        DesiredState.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static DesiredState ParseDesiredState(string value) =>
        value == "stopped" ? DesiredState.Stopped : DesiredState.Running;

    public static string ToWire(this SecretKind kind) => kind switch
    {
        SecretKind.AccessToken => "access_token",
        SecretKind.RefreshToken => "refresh_token",
        SecretKind.BearerToken => "bearer_token",
        SecretKind.ClientSecret => "client_secret",
        SecretKind.Headers => "headers",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string ToWire(this RegistrationKind kind) => kind switch
    {
        RegistrationKind.PreRegistered => "pre-registered",
        RegistrationKind.Dynamic => "dcr",
        RegistrationKind.MetadataDocument => "cimd",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static RegistrationKind ParseRegistrationKind(string value) => value switch
    {
        "pre-registered" => RegistrationKind.PreRegistered,
        "cimd" => RegistrationKind.MetadataDocument,
        _ => RegistrationKind.Dynamic,
    };

    public static WorkloadStatus ParseStatus(string value) =>
        WorkloadStatusNames.TryParse(value, out var status) ? status : WorkloadStatus.Error;

    public static string ToWire(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
