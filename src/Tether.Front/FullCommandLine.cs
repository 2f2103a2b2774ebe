using System.Collections;
using System.Runtime.InteropServices;

namespace Tether.Cli;

/// <summary>
/// Every command the quick path does not answer: replaces this process with the full command line
/// (<c>tether-cli</c>, installed beside this executable) and the same arguments, standard streams and environment, so
/// that clients, pipes and exit codes see one process, as if it had started directly.
/// </summary>
internal static partial class FullCommandLine
{
    /// <summary>The full command line's file name, beside the front end in the tool package.</summary>
    internal const string FileName = "tether-cli";

    /// <summary>
    /// Tells the full command line the path people and clients start Tether by (this front end, or the tool's shim that
    /// leads to it), for what it writes down to run later: a client's MCP entry, the login service's command.
    /// </summary>
    internal const string CommandVariable = "TETHER_COMMAND"; // InstalledCommand.FrontEndVariable in the full command line

    /// <summary>Hands the process over, with <paramref name="handOver"/> set in its environment (replacing any value there).</summary>
    public static int Run(string[] args, IReadOnlyList<KeyValuePair<string, string>> handOver)
    {
        var self = Environment.ProcessPath;
        var full = self is null ? null : Path.Combine(Path.GetDirectoryName(self)!, FileName);
        if (full is null || !File.Exists(full))
        {
            Console.Error.WriteLine($"tether: the full command line ({FileName}) is missing beside {self}; reinstall the tool ('dotnet tool update -g tether').");
            return ExitCodes.Failed;
        }

        var set = handOver.Append(new(CommandVariable, InvokedAs(self!))).ToList();
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Where(e => !set.Exists(s => s.Key == (string)e.Key))
            .Select(e => $"{e.Key}={e.Value}")
            .Concat(set.Select(s => $"{s.Key}={s.Value}"));
        var error = Execute(full, [FileName, .. args], [.. environment]);
        Console.Error.WriteLine($"tether: cannot start {full}: {Marshal.GetPInvokeErrorMessage(error)}");
        return ExitCodes.Failed;
    }

    /// <summary>
    /// The path this command was started by, before symbolic links are followed: the tool's shim, which stays when the
    /// tool is updated, rather than the versioned folder it points into.
    /// </summary>
    internal static string InvokedAs(string processPath)
    {
        var first = Environment.GetCommandLineArgs() is [var zero, ..] ? zero : "";
        if (first.Contains('/', StringComparison.Ordinal))
        {
            return Path.GetFullPath(first);
        }

        if (first.Length > 0)
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, first);
                if (Path.IsPathRooted(candidate) && File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return processPath;
    }

    /// <summary>execve(2): returns only when it failed, with the error number.</summary>
    private static int Execute(string path, string[] argv, string[] environment)
    {
        var strings = new List<nint>();
        try
        {
            nint[] Terminated(string[] values)
            {
                var pointers = new nint[values.Length + 1];
                for (var i = 0; i < values.Length; i++)
                {
                    pointers[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
                    strings.Add(pointers[i]);
                }

                return pointers;
            }

            // Nothing was written yet, and the console is left untouched (no terminal set-up to undo): the full command
            // line starts on the streams exactly as this process got them.
            _ = ExecVe(path, Terminated(argv), Terminated(environment));
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            strings.ForEach(Marshal.FreeCoTaskMem);
        }
    }

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ExecVe(string path, nint[] argv, nint[] environment);
}
