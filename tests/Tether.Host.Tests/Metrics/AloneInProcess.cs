namespace Tether.Tests.Metrics;

/// <summary>
/// Tests that read a host's <c>/metrics</c> run with no other test: a Tether process holds one host, and its meters are
/// named alike in every host, so another host made or disposed in the same test process meanwhile changes what this
/// host's exporter lists (a disposed host's <c>Tether.Workloads</c> meter takes the same-named series of the live one
/// with it).
/// </summary>
[CollectionDefinition(nameof(AloneInProcess), DisableParallelization = true)]
public sealed class AloneInProcess;
