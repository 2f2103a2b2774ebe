using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Tether.Notifications;

/// <summary>
/// Runs the user's hook: the command and its arguments as given (never through a shell), the notice as JSON on its
/// standard input, killed with its children at the time-out. What it prints is read and dropped, so that a chatty
/// hook never blocks on a full pipe.
/// </summary>
internal sealed class StatusHook(IReadOnlyList<string> command, TimeSpan timeout, TimeProvider time)
{
    public IReadOnlyList<string> Command { get; } = command;

    /// <summary>The first line the hook wrote to its standard error, for the log.</summary>
    public string? LastError { get; private set; }

    /// <summary>The exit code of the last run that exited.</summary>
    public int? LastExitCode { get; private set; }

    public async Task<HookOutcome> RunAsync(StatusNotice notice, CancellationToken cancellationToken)
    {
        LastError = null;
        LastExitCode = null;
        var start = new ProcessStartInfo(Command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in Command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception ex)
        {
            LastError = ex.Message;
            return HookOutcome.NotStarted;
        }

        using (process)
        {
            var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var limit = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
            try
            {
                try
                {
                    await JsonSerializer.SerializeAsync(process.StandardInput.BaseStream, notice, NotificationJson.Default.StatusNotice, linked.Token);
                    await process.StandardInput.BaseStream.WriteAsync("\n"u8.ToArray(), linked.Token);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The hook does not read its input (it exited, or closed it): that is its choice.
                }

                await process.WaitForExitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                return cancellationToken.IsCancellationRequested ? HookOutcome.Cancelled : HookOutcome.TimedOut;
            }

            await output.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var stderr = await errors;
            LastError = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            LastExitCode = process.ExitCode;
            return process.ExitCode == 0 ? HookOutcome.Succeeded : HookOutcome.Failed;
        }
    }
}
