namespace Tether.Cli;

/// <summary>
/// A plain table: one line per row, each column as wide as its widest cell, never wrapped, so that the lines
/// still match one row each when piped into <c>grep</c> or <c>cut</c>.
/// </summary>
internal sealed class TextTable
{
    private const string Gap = "   ";
    private readonly List<TextCell[]> _rows = [];

    /// <summary>Adds a row; line breaks inside a cell become spaces, so that the row stays on one line.</summary>
    public void AddRow(params TextCell[] cells) => _rows.Add(Array.ConvertAll(cells, c => c with { Text = c.Text.ReplaceLineEndings(" ") }));

    public void Write(ConsoleText output)
    {
        var widths = new List<int>();
        foreach (var row in _rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (i == widths.Count)
                {
                    widths.Add(0);
                }

                widths[i] = Math.Max(widths[i], row[i].Text.Length);
            }
        }

        foreach (var row in _rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                var last = i == row.Length - 1;
                output.Write(last ? row[i].Text : row[i].Text.PadRight(widths[i]), row[i].Color);
                if (!last)
                {
                    output.Write(Gap);
                }
            }

            output.WriteLine();
        }
    }
}
