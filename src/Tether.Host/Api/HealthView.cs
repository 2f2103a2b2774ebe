namespace Tether.Api;

/// <summary>The host's own health: <c>GET /api/v1/health</c>.</summary>
/// <param name="Status">Always <c>ok</c> while the host answers.</param>
/// <param name="Version">Tether's version.</param>
/// <param name="Workloads">How many workloads the host holds.</param>
public sealed record HealthView(string Status, string Version, int Workloads);
