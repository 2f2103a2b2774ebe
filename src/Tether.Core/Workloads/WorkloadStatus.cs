namespace Tether.Workloads;

/// <summary>The status of one workload, as the CLI, the REST API, the store and the logs show it.</summary>
/// <remarks>The wire form is lower-case snake (<c>auth_retrying</c>); see <see cref="WorkloadStatusNames"/>.</remarks>
public enum WorkloadStatus
{
    /// <summary>Being set up.</summary>
    Starting,

    /// <summary>Waiting for the user to finish sign-in in a browser.</summary>
    Authenticating,

    /// <summary>Holds a usable access token; the local endpoint proxies.</summary>
    Running,

    /// <summary>The access token is unusable and refresh fails transiently; retrying in the background.</summary>
    AuthRetrying,

    /// <summary>A permanent verdict, or transient failures past the ceiling: needs <c>tether reauth NAME</c>.</summary>
    Unauthenticated,

    /// <summary>Being stopped.</summary>
    Stopping,

    /// <summary>Stopped by the user; makes no calls.</summary>
    Stopped,

    /// <summary>Being removed with its secrets.</summary>
    Removing,

    /// <summary>The workload itself broke (port taken, bad config); the reason says what.</summary>
    Error,
}
