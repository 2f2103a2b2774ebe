using Tether.Cli;

return QuickCommands.TryRun(args) ?? await TetherCommandLine.RunAsync(args, StdioQuickStart.TryStart(args));
