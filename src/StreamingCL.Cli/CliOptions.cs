using System.CommandLine;

namespace StreamingCL.Cli;

/// <summary>Options and parsing shared by several commands.</summary>
internal static class CliOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of a table." };

    /// <summary>name=value pairs of a repeatable option; a malformed one is reported naming the option.</summary>
    public static Dictionary<string, string> NameValuePairs(string[]? pairs, string option)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliInputException($"{option} '{pair}' is not name=value.");
            }

            values[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        return values;
    }
}
