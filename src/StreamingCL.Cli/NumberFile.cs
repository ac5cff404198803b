using System.Globalization;

namespace StreamingCL.Cli;

/// <summary>A series read from a file (or standard input) with one number per line; blank lines are skipped.</summary>
internal sealed class NumberFile
{
    private readonly List<double> _values;

    private NumberFile(string source, List<double> values)
    {
        Source = source;
        _values = values;
    }

    /// <summary>Where the numbers came from, for messages.</summary>
    public string Source { get; }

    public int Length => _values.Count;

    public double this[int index] => _values[index];

    /// <summary>Reads the series; bad input raises <see cref="CliInputException"/> naming the line.</summary>
    public static NumberFile Read(string path, int minimum)
    {
        var source = path == "-" ? "standard input" : path;
        if (path != "-" && !File.Exists(path))
        {
            throw new CliInputException($"--input: {path} does not exist.");
        }

        using var reader = path == "-" ? new StreamReader(Console.OpenStandardInput()) : new StreamReader(path);
        var values = new List<double>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty)
            {
                continue;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new CliInputException($"{source} line {lineNumber}: '{text}' is not a number.");
            }

            values.Add(value);
        }

        return values.Count >= minimum
            ? new NumberFile(source, values)
            : throw new CliInputException(values.Count == 0
                ? $"{source} has no values."
                : $"{source} has {values.Count} value(s); at least {minimum} are needed.");
    }
}
