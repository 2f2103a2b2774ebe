using Tether.Cli;

return QuickCommands.TryRun(args) ?? FullCommandLine.Run(args);
