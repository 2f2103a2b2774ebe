using System.Globalization;
using System.Text;

namespace Tether.Tests.Metrics;

/// <summary>
/// A strict parser of the Prometheus text exposition format (0.0.4): every sample belongs to a family declared by a
/// <c># TYPE</c> line before it, label values are quoted with the format's escapes, values are floats, and a series
/// appears once. Anything else is a <see cref="FormatException"/> naming the line.
/// </summary>
internal sealed class PrometheusText
{
    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly List<Sample> _samples = [];

    public IReadOnlyList<Sample> Samples => _samples;

    public string? TypeOf(string family) => _types.GetValueOrDefault(family);

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0 || line == "# EOF")
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                parsed.ReadComment(line, number);
                continue;
            }

            var sample = ReadSample(line, number);
            if (parsed.FamilyOf(sample.Name) is null)
            {
                throw new FormatException($"line {number}: sample {sample.Name} has no # TYPE before it");
            }

            if (!seen.Add(sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}"))
            {
                throw new FormatException($"line {number}: series repeated: {line}");
            }

            parsed._samples.Add(sample);
        }

        return parsed;
    }

    /// <summary>The value of the one sample named <paramref name="name"/> with these labels (others ignored), or null.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = Find(name, labels).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0].Value,
            _ => throw new InvalidOperationException($"{matches.Count} series of {name} match; name more labels"),
        };
    }

    /// <summary>The sum over every sample named <paramref name="name"/> with these labels (0 when none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) => Find(name, labels).Sum(s => s.Value);

    private IEnumerable<Sample> Find(string name, (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    private string? FamilyOf(string name)
    {
        if (_types.ContainsKey(name))
        {
            return name;
        }

        foreach (var suffix in HistogramSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && _types.TryGetValue(name[..^suffix.Length], out var type) && type is "histogram" or "summary")
            {
                return name[..^suffix.Length];
            }
        }

        return null;
    }

    private void ReadComment(string line, int number)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length >= 3 && parts[1] == "TYPE")
        {
            var type = parts.Length == 4 ? parts[3] : "";
            if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
            {
                throw new FormatException($"line {number}: unknown type '{type}'");
            }

            if (!IsMetricName(parts[2]) || !_types.TryAdd(parts[2], type))
            {
                throw new FormatException($"line {number}: bad or repeated # TYPE for {parts[2]}");
            }
        }
        else if (parts.Length >= 3 && parts[1] == "HELP" && !IsMetricName(parts[2]))
        {
            throw new FormatException($"line {number}: bad metric name in # HELP");
        }
    }

    private static Sample ReadSample(string line, int number)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' '))
        {
            i++;
        }

        var name = line[..i];
        if (!IsMetricName(name))
        {
            throw new FormatException($"line {number}: bad metric name '{name}'");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                if (eq < 0 || line[eq + 1] != '"')
                {
                    throw new FormatException($"line {number}: bad label at column {i}");
                }

                var key = line[i..eq];
                var value = new StringBuilder();
                var j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        value.Append(line[j] switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            _ => throw new FormatException($"line {number}: bad escape \\{line[j]}"),
                        });
                    }
                    else
                    {
                        value.Append(line[j]);
                    }
                }

                if (!labels.TryAdd(key, value.ToString()))
                {
                    throw new FormatException($"line {number}: label {key} repeated");
                }

                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
                else if (line[i] != '}')
                {
                    throw new FormatException($"line {number}: expected , or }} at column {i}");
                }
            }

            i++;
        }

        var rest = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is < 1 or > 2 || line[i] != ' ')
        {
            throw new FormatException($"line {number}: expected 'value [timestamp]' after the labels");
        }

        var value2 = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
            var s => throw new FormatException($"line {number}: '{s}' is not a value"),
        };
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"line {number}: '{rest[1]}' is not a timestamp");
        }

        return new Sample(name, labels, value2);
    }

    private static bool IsMetricName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    /// <summary>One sample line.</summary>
    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
