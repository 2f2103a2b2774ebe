using Tether.LoadDriver;

return await LoadCommands.RunAsync(args);
