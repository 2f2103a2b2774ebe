namespace Tether.Cli;

/// <summary>What a client needs to reach one workload: its local URL, and the command that bridges it over stdio.</summary>
/// <param name="Name">The workload's name, also the entry's key in the client's file.</param>
/// <param name="Url">The workload's local endpoint.</param>
/// <param name="Command">The absolute path of the program that runs <c>tether</c>.</param>
/// <param name="Arguments">Its arguments, ending with <c>stdio NAME</c>.</param>
/// <param name="Environment">Variables the bridge needs (<c>TETHER_HOME</c> when the user moved it).</param>
internal sealed record ClientEntry(string Name, string Url, string Command, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment);
