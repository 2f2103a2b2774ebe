namespace Tether.Cli;

/// <summary>What <c>tether client add|remove</c> did to a client's file.</summary>
internal enum ClientChange
{
    Added,
    Updated,
    Unchanged,
    Removed,
    Absent,
}
