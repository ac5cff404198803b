using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Cli.Commands;

/// <summary>`streamingcl drift compare`: every drift statistic per column of two CSV files.</summary>
internal static class DriftCompareCommand
{
    private static readonly Option<string> ReferenceOption = new("--reference") { Description = "Reference CSV (header row; e.g. the training data).", Required = true };
    private static readonly Option<string> CurrentOption = new("--current") { Description = "Current CSV with the same columns (e.g. last week's traffic).", Required = true };
    private static readonly Option<int> BinsOption = new("--bins") { Description = "Bins of PSI and Jensen-Shannon for numeric columns (reference quantiles).", DefaultValueFactory = _ => ReferenceProfile.DefaultBinCount };
    private static readonly Option<string[]> ThresholdOption = new("--threshold")
    {
        Description = "Override a drift threshold: psi, psi_warning, ks_p_value, js_distance, wasserstein_norm, chi2_p_value (e.g. --threshold psi=0.25).",
    };

    private static readonly Option<bool> JsonOption = CliOptions.Json();

    public static Command Build()
    {
        var compare = new Command(
            "compare",
            "Compare each column present in both files. Numeric columns (every value a number): PSI, Kolmogorov-Smirnov, Jensen-Shannon, Wasserstein; other columns: chi-square, PSI, Jensen-Shannon. Empty cells are missing values.")
        {
            ReferenceOption,
            CurrentOption,
            BinsOption,
            ThresholdOption,
            JsonOption,
        };
        compare.SetAction(Compare);
        return compare;
    }

    private static int Compare(ParseResult parsed)
    {
        var bins = parsed.GetValue(BinsOption);
        if (bins < 2)
        {
            throw new CliInputException($"--bins must be at least 2, was {bins}.");
        }

        var thresholds = Thresholds(CliOptions.NameValuePairs(parsed.GetValue(ThresholdOption), "--threshold"));
        var reference = CsvTable.Read(parsed.GetValue(ReferenceOption)!, "--reference");
        var current = CsvTable.Read(parsed.GetValue(CurrentOption)!, "--current");
        var common = reference.Headers.Where(current.Headers.Contains).ToList();
        if (common.Count == 0)
        {
            throw new CliInputException($"{reference.Source} and {current.Source} have no column in common.");
        }

        var columns = common.Select(name => CompareColumn(
            name,
            reference.Columns[IndexOf(reference, name)],
            current.Columns[IndexOf(current, name)],
            reference,
            current,
            thresholds,
            bins)).ToList();
        var skipped = reference.Headers.Union(current.Headers).Except(common).ToList();

        var output = parsed.InvocationConfiguration.Output;
        if (parsed.GetValue(JsonOption))
        {
            output.WriteLine(JsonSerializer.Serialize(new { columns = columns.Select(column => column.Json), skipped }));
            return Cli.Ok;
        }

        TextTable.Write(
            output,
            ["COLUMN", "TYPE", "PSI", "JS", "KS D", "KS P", "W NORM", "CHI2 P", "VERDICT"],
            columns.Select(column => column.Row));
        if (skipped.Count > 0)
        {
            output.WriteLine($"not in both files (skipped): {string.Join(", ", skipped)}");
        }

        return Cli.Ok;
    }

    private sealed record ColumnResult(object Json, IReadOnlyList<string> Row);

    private static ColumnResult CompareColumn(
        string name,
        IReadOnlyList<string?> referenceCells,
        IReadOnlyList<string?> currentCells,
        CsvTable reference,
        CsvTable current,
        DriftThresholds thresholds,
        int bins)
    {
        var referenceValues = referenceCells.OfType<string>().ToList();
        var currentValues = currentCells.OfType<string>().ToList();
        if (referenceValues.Count == 0 || currentValues.Count == 0)
        {
            throw new CliInputException($"column '{name}' has no values in {(referenceValues.Count == 0 ? reference.Source : current.Source)}.");
        }

        return referenceValues.Concat(currentValues).All(IsNumber)
            ? Numeric(name, Numbers(referenceValues, name, reference), Numbers(currentValues, name, current), thresholds, bins)
            : Categorical(name, referenceValues, currentValues, thresholds);
    }

    private static ColumnResult Numeric(string name, double[] reference, double[] current, DriftThresholds thresholds, int bins)
    {
        foreach (var (values, side) in new[] { (reference, "reference"), (current, "current") })
        {
            if (values.Length < 2)
            {
                throw new CliInputException($"column '{name}' has {values.Length} value in the {side} file; at least 2 are needed.");
            }
        }

        var report = NumericDrift.Compare(reference, current, thresholds, bins);
        var json = new
        {
            name,
            type = "numeric",
            reference_count = reference.Length,
            current_count = current.Length,
            psi = report.PopulationStabilityIndex,
            ks = new { statistic = report.KolmogorovSmirnov.Statistic, p_value = report.KolmogorovSmirnov.PValue, method = report.KolmogorovSmirnov.Method.ToString().ToLowerInvariant() },
            js_distance = report.JensenShannonDistance,
            wasserstein = report.WassersteinDistance,
            wasserstein_norm = report.NormalisedWassersteinDistance,
            verdicts = new
            {
                psi = Name(report.PsiVerdict),
                ks = Name(report.KolmogorovSmirnovVerdict),
                js_distance = Name(report.JensenShannonVerdict),
                wasserstein_norm = Name(report.WassersteinVerdict),
            },
            verdict = Name(report.Overall),
            drift = report.Overall == DriftVerdict.Drift,
        };
        return new ColumnResult(json, [
            name, "numeric", Format(report.PopulationStabilityIndex), Format(report.JensenShannonDistance),
            Format(report.KolmogorovSmirnov.Statistic), Format(report.KolmogorovSmirnov.PValue), Format(report.NormalisedWassersteinDistance), "-",
            Name(report.Overall)]);
    }

    private static ColumnResult Categorical(string name, List<string> reference, List<string> current, DriftThresholds thresholds)
    {
        var report = CategoricalDrift.Compare(reference, current, thresholds);
        var json = new
        {
            name,
            type = "categorical",
            reference_count = reference.Count,
            current_count = current.Count,
            chi2 = new { statistic = report.ChiSquare.Statistic, dof = report.ChiSquare.DegreesOfFreedom, p_value = report.ChiSquare.PValue },
            psi = report.PopulationStabilityIndex,
            js_distance = report.JensenShannonDistance,
            verdicts = new
            {
                chi2 = Name(report.ChiSquareVerdict),
                psi = Name(report.PsiVerdict),
                js_distance = Name(report.JensenShannonVerdict),
            },
            verdict = Name(report.Overall),
            drift = report.Overall == DriftVerdict.Drift,
        };
        return new ColumnResult(json, [
            name, "categorical", Format(report.PopulationStabilityIndex), Format(report.JensenShannonDistance), "-", "-", "-",
            Format(report.ChiSquare.PValue), Name(report.Overall)]);
    }

    private static DriftThresholds Thresholds(Dictionary<string, string> overrides)
    {
        var thresholds = DriftThresholds.Default;
        foreach (var (key, text) in overrides)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new CliInputException($"--threshold {key}: '{text}' is not a number.");
            }

            thresholds = key switch
            {
                "psi" => thresholds with { PsiDrift = value },
                "psi_warning" => thresholds with { PsiWarning = value },
                "ks_p_value" => thresholds with { KolmogorovSmirnovPValue = value },
                "js_distance" => thresholds with { JensenShannonDistance = value },
                "wasserstein_norm" => thresholds with { NormalisedWasserstein = value },
                "chi2_p_value" => thresholds with { ChiSquarePValue = value },
                _ => throw new CliInputException($"--threshold: unknown threshold '{key}'; known: psi, psi_warning, ks_p_value, js_distance, wasserstein_norm, chi2_p_value."),
            };
        }

        try
        {
            thresholds.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliInputException($"--threshold: {e.Message}");
        }

        return thresholds;
    }

    private static bool IsNumber(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static double[] Numbers(List<string> cells, string column, CsvTable table)
    {
        var values = new double[cells.Count];
        for (var i = 0; i < cells.Count; i++)
        {
            values[i] = double.Parse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!double.IsFinite(values[i]))
            {
                throw new CliInputException($"column '{column}' of {table.Source} holds '{cells[i]}', which is not a finite number.");
            }
        }

        return values;
    }

    private static int IndexOf(CsvTable table, string column) => table.Headers.ToList().IndexOf(column);

    private static string Name(DriftVerdict verdict) => verdict.ToString().ToLowerInvariant();

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
