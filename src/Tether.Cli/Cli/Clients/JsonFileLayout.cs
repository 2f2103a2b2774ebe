namespace Tether.Cli;

/// <summary>How a JSON file is laid out (indentation, line ends, final newline), so that a rewrite looks like the original.</summary>
internal sealed record JsonFileLayout(char IndentCharacter, int IndentSize, string NewLine, bool FinalNewLine)
{
    public static JsonFileLayout Default { get; } = new(' ', 2, "\n", true);

    public static JsonFileLayout Of(string text)
    {
        var newLine = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var finalNewLine = text.EndsWith('\n');
        foreach (var line in text.Split('\n').Skip(1))
        {
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            if (indent > 0 && line.TrimStart(' ', '\t').Length > 0)
            {
                return line[0] == '\t' ? new JsonFileLayout('\t', 1, newLine, finalNewLine) : new JsonFileLayout(' ', Math.Min(indent, 8), newLine, finalNewLine);
            }
        }

        return Default with { NewLine = newLine, FinalNewLine = finalNewLine || text.Length == 0 };
    }
}
