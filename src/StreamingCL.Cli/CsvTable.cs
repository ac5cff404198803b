using System.Text;

namespace StreamingCL.Cli;

/// <summary>
/// A CSV file with a header row (RFC 4180: comma separated, double quotes around fields that hold
/// commas, quotes or line breaks, "" for a quote), read into columns of text. Empty cells are
/// missing values.
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(string source, List<string> headers, List<List<string?>> columns)
    {
        Source = source;
        Headers = headers;
        Columns = columns;
    }

    public string Source { get; }

    public IReadOnlyList<string> Headers { get; }

    /// <summary>Cells by column, in header order; null for an empty cell.</summary>
    public IReadOnlyList<IReadOnlyList<string?>> Columns { get; }

    public static CsvTable Read(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new CliInputException($"{option}: {path} does not exist.");
        }

        using var reader = new StreamReader(path);
        var records = Records(reader, path).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new CliInputException($"{option}: {path} is empty (a header row is needed).");
        }

        var headers = records.Current.Select(header => header.Trim()).ToList();
        if (headers.FirstOrDefault(header => headers.Count(other => other == header) > 1) is { } duplicate)
        {
            throw new CliInputException($"{option}: {path} has the column '{duplicate}' twice.");
        }

        var columns = headers.Select(_ => new List<string?>()).ToList();
        var row = 1;
        while (records.MoveNext())
        {
            row++;
            var fields = records.Current;
            if (fields is [""])
            {
                continue; // blank line
            }

            if (fields.Count != headers.Count)
            {
                throw new CliInputException($"{option}: {path} row {row} has {fields.Count} fields, the header has {headers.Count}.");
            }

            for (var i = 0; i < fields.Count; i++)
            {
                columns[i].Add(fields[i].Length == 0 ? null : fields[i]);
            }
        }

        return new CsvTable(path, headers, columns);
    }

    private static IEnumerable<List<string>> Records(TextReader reader, string path)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (quoted)
            {
                if (c == '"' && reader.Peek() == '"')
                {
                    field.Append((char)reader.Read());
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return fields;
                    fields = [];
                    break;
                default:
                    field.Append((char)c);
                    break;
            }
        }

        if (quoted)
        {
            throw new CliInputException($"{path} ends inside a quoted field.");
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields;
        }
    }
}
