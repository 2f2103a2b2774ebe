namespace Tether.Cli;

/// <summary>An answer of the host's REST API read by <see cref="LoopbackHttp"/>: its status code and whole body.</summary>
internal readonly record struct LoopbackAnswer(int Status, byte[] Body);
