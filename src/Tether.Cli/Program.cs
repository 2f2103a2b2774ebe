using Tether.Cli;

return await TetherCommandLine.RunAsync(args);
