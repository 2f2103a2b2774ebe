using Tether.Cli;

if (QuickCommands.TryRun(args) is { } done)
{
    return done;
}

// tether stdio NAME: the client's initialize answered here when the workload serves, the rest of the session there.
// tether serve: the host's runtime settings, as the CLI gives them to the host it starts (the runtime reads them
// from the environment only, before any code runs).
IReadOnlyList<KeyValuePair<string, string>> handOver =
    StdioQuickStart.TryStart(args, toHandOver: true) is { } started ? [.. StdioHandOver.Variables(started)]
    : args is ["serve", ..] ? HostRuntimeSettings.Resolve()
    : [];
return FullCommandLine.Run(args, handOver);
