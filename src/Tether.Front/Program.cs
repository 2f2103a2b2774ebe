using Tether.Cli;

if (QuickCommands.TryRun(args) is { } done)
{
    return done;
}

// tether stdio NAME: the client's initialize answered here when the workload serves, the rest of the session there.
var handOver = StdioQuickStart.TryStart(args, toHandOver: true) is { } started ? StdioHandOver.Variables(started) : [];
return FullCommandLine.Run(args, handOver);
