namespace Tether.Store;

/// <summary>What the user asked for a workload: the host brings back every workload not stopped by the user.</summary>
public enum DesiredState
{
    /// <summary>Should run whenever the host runs.</summary>
    Running,

    /// <summary>Stopped by the user (<c>tether stop</c>); stays stopped across host restarts.</summary>
    Stopped,
}
