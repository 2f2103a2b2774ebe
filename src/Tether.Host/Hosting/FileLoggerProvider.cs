using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Tether.Hosting;

/// <summary>
/// Writes log lines to the host's log file and, for entries carrying a <c>workload</c> field, to that workload's own
/// file too (what <c>tether logs NAME</c> reads). Lines are queued and written by one background task.
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly Channel<(string? Workload, string Line)> _queue = Channel.CreateUnbounded<(string?, string)>(new() { SingleReader = true });
    private readonly Func<string, string> _workloadPath;
    private readonly TimeProvider _time;
    private readonly Task _writer;
    private readonly string _hostPath;

    /// <summary>Creates a provider writing to <paramref name="hostPath"/> and <paramref name="workloadPath"/>(name).</summary>
    public FileLoggerProvider(string hostPath, Func<string, string> workloadPath, TimeProvider time)
    {
        _hostPath = hostPath;
        _workloadPath = workloadPath;
        _time = time;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    /// <summary>Deletes a removed workload's log file.</summary>
    public void DeleteWorkloadLog(string workload) => _queue.Writer.TryWrite((workload, "\0delete"));

    /// <inheritdoc/>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5));
    }

    private void Enqueue(string? workload, string line) => _queue.Writer.TryWrite((workload, line));

    private async Task WriteLoopAsync()
    {
        var writers = new Dictionary<string, StreamWriter>(StringComparer.Ordinal);
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                while (_queue.Reader.TryRead(out var item))
                {
                    if (item.Line == "\0delete")
                    {
                        if (writers.Remove(_workloadPath(item.Workload!), out var removed))
                        {
                            await removed.DisposeAsync();
                        }

                        File.Delete(_workloadPath(item.Workload!));
                        continue;
                    }

                    await (await OpenAsync(writers, _hostPath)).WriteLineAsync(item.Line);
                    if (item.Workload is not null)
                    {
                        await (await OpenAsync(writers, _workloadPath(item.Workload))).WriteLineAsync(item.Line);
                    }
                }

                foreach (var writer in writers.Values)
                {
                    await writer.FlushAsync();
                }
            }
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                await writer.DisposeAsync();
            }
        }
    }

    private static Task<StreamWriter> OpenAsync(Dictionary<string, StreamWriter> writers, string path)
    {
        if (!writers.TryGetValue(path, out var writer))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            writer = new StreamWriter(new FileStream(path, options), new UTF8Encoding(false));
            writers[path] = writer;
        }

        return Task.FromResult(writer);
    }

    private sealed class FileLogger(FileLoggerProvider owner, string category) : ILogger
    {
        private readonly string _shortCategory = category[(category.LastIndexOf('.') + 1)..];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string? workload = null;
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var field in fields)
                {
                    if (field.Key == "workload")
                    {
                        workload = field.Value as string;
                    }
                }
            }

            var line = new StringBuilder()
                .Append(owner._time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
                .Append(' ').Append(Level(logLevel))
                .Append(' ').Append(_shortCategory).Append('[').Append(eventId.Id).Append("] ")
                .Append(formatter(state, exception));
            if (exception is not null)
            {
                // The exception's type and message only: stack traces and inner details can carry request data.
                line.Append(" (").Append(exception.GetType().Name).Append(": ").Append(exception.Message).Append(')');
            }

            owner.Enqueue(workload, line.ToString());
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            LogLevel.Critical => "crit",
            _ => "dbug",
        };
    }
}
