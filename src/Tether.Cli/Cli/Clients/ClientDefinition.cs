using System.Text.Json.Nodes;

namespace Tether.Cli;

/// <summary>One MCP client: where its user-level config file is, under which key its servers sit, and Tether's entry in it.</summary>
/// <param name="Id">The CLIENT word of <c>tether client add CLIENT NAME</c>.</param>
/// <param name="DisplayName">The client's name for people.</param>
/// <param name="File">The config file for these paths.</param>
/// <param name="Marker">A folder whose presence says the client is installed.</param>
/// <param name="ServersKey">The top-level object that maps server names to servers.</param>
/// <param name="Entry">Tether's server object for a workload.</param>
/// <param name="IsTethers">Whether a server object is one Tether wrote (so that add may replace it and remove may delete it).</param>
internal sealed record ClientDefinition(
    string Id,
    string DisplayName,
    Func<ClientPaths, string> File,
    Func<ClientPaths, string> Marker,
    string ServersKey,
    Func<ClientEntry, JsonObject> Entry,
    Func<JsonObject, bool> IsTethers);
