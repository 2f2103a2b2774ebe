namespace Tether.Http;

/// <summary>What <see cref="ServerAnswerReader.ReadAsync"/> read of an answer's body.</summary>
/// <param name="Body">The whole body when <paramref name="Complete"/>, else empty (nothing past the cap is kept).</param>
/// <param name="Complete">Whether the body fit within the cap.</param>
public readonly record struct CappedBody(byte[] Body, bool Complete);
