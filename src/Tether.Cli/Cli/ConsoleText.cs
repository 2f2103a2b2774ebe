namespace Tether.Cli;

/// <summary>Text for people: coloured only on standard output that is a terminal, and not when <c>NO_COLOR</c> is set.</summary>
internal sealed class ConsoleText
{
    private readonly TextWriter _writer;
    private readonly bool _colors;

    private ConsoleText(TextWriter writer, bool colors)
    {
        _writer = writer;
        _colors = colors;
    }

    /// <summary>Standard output.</summary>
    public static ConsoleText Out { get; } = new(
        Console.Out,
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));

    /// <summary>Any writer, without colours.</summary>
    public static ConsoleText Plain(TextWriter writer) => new(writer, colors: false);

    public void Write(string text, ConsoleColor? color = null)
    {
        if (_colors && color is { } foreground)
        {
            // The console API rather than escape codes: it also colours consoles that do not interpret them.
            Console.ForegroundColor = foreground;
            _writer.Write(text);
            Console.ResetColor();
            return;
        }

        _writer.Write(text);
    }

    public void WriteLine(string text = "") => _writer.WriteLine(text);
}
