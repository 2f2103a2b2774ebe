using System.Diagnostics;
using Spectre.Console;

namespace Tether.Cli;

/// <summary>The demo's output: numbered steps, narration and the live status timeline, with elapsed time.</summary>
internal sealed class DemoConsole(TextWriter output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly IAnsiConsole _console = Create(output);
    private int _step;

    public void Step(string title) =>
        _console.MarkupLine($"\n[bold blue]{Elapsed}  {++_step}. {Markup.Escape(title)}[/]");

    public void Say(string text) => _console.MarkupLine($"[grey]{Elapsed}[/]     {Markup.Escape(text)}");

    public void Ok(string text) => _console.MarkupLine($"[grey]{Elapsed}[/]     [green]✓[/] {Markup.Escape(text)}");

    public void Bad(string text) => _console.MarkupLine($"[grey]{Elapsed}[/]     [red]✗[/] {Markup.Escape(text)}");

    public void Transition(DateTimeOffset at, string from, string to, string reason)
    {
        _ = at;
        _console.MarkupLine($"[grey]{Elapsed}[/]     [yellow]status[/] {Markup.Escape(from)} → [{MarkupColor(to)}]{Markup.Escape(to)}[/]  [grey]{Markup.Escape(reason)}[/]");
    }

    /// <summary>
    /// A terminal wraps long lines itself; written to a file or a pipe, Spectre would break them at 80 columns, so a
    /// line is kept whole there (and a reader such as grep finds a whole status reason on one line).
    /// </summary>
    private static IAnsiConsole Create(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            console.Profile.Width = 4096;
        }

        return console;
    }

    private static string MarkupColor(string status) => StatusText.Color(status) switch
    {
        ConsoleColor.Green => "green",
        ConsoleColor.Yellow => "yellow",
        ConsoleColor.Red => "red",
        _ => "grey",
    };

    private string Elapsed => $"{_clock.Elapsed.TotalSeconds,5:0.0}s";
}
