using System.CommandLine;

namespace Tether.Cli;

/// <summary>The <c>--format table|json</c> option shared by <c>list</c> and <c>status</c>.</summary>
internal static class FormatOption
{
    public static Option<string> Create(params string[] formats)
    {
        var option = new Option<string>("--format") { Description = $"Output format: {string.Join(", ", formats)}.", DefaultValueFactory = _ => formats[0] };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }
}
