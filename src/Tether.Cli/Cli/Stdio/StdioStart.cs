namespace Tether.Cli;

/// <summary>
/// What <see cref="StdioQuickStart"/> did before the bridge started: the client's bytes it read but did not answer,
/// and, when it answered <c>initialize</c>, the session that answer opened.
/// </summary>
/// <param name="Name">The workload.</param>
/// <param name="Stdin">The process's stdin, opened once.</param>
/// <param name="Unread">Bytes read from stdin that the bridge must still relay, in order.</param>
/// <param name="Session">The session the relayed <c>initialize</c> opened, or <see langword="null"/> when it was not answered.</param>
internal sealed record StdioStart(string Name, Stream Stdin, byte[] Unread, StdioSession? Session);
