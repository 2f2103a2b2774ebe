namespace Tether.Api;

/// <summary>What a running host writes to <c>TETHER_HOME/host.json</c> (user-only) so that the CLI can reach it.</summary>
/// <param name="Url">The REST API's base URL on loopback.</param>
/// <param name="Pid">The host's process id.</param>
/// <param name="ApiKey">A random key every API call must carry: only the user can read this file.</param>
/// <param name="Version">The host's version.</param>
public sealed record HostInfo(string Url, int Pid, string ApiKey, string Version);
