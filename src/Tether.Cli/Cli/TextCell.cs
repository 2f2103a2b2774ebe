namespace Tether.Cli;

/// <summary>One cell of a <see cref="TextTable"/>: its text and, on a terminal, its colour.</summary>
internal readonly record struct TextCell(string Text, ConsoleColor? Color = null)
{
    public static implicit operator TextCell(string text) => new(text);
}
