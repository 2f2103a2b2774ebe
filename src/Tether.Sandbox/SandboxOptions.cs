namespace Tether.Sandbox;

/// <summary>How the sandbox runs.</summary>
public sealed record SandboxOptions
{
    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>How long access tokens live (down to a second); changeable at run time.</summary>
    /// <value>The default value is one hour.</value>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long refresh tokens live.</summary>
    /// <value>The default value is 14 days.</value>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Show a consent page with an Approve button instead of approving at once.</summary>
    public bool RequireConsentClick { get; init; }

    /// <summary>The clock for fault durations; the system's when absent.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
