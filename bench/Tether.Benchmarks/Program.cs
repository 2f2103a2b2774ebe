using BenchmarkDotNet.Running;
using Tether.Benchmarks;

if (args.Length > 0 && args[0] == "scenarios")
{
    return await Scenarios.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
