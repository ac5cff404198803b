using System.Globalization;
using System.Net;
using System.Text;
using ScottPlot;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Demo;

/// <summary>
/// The self-contained HTML report of a run (--report): the summary and three charts drawn with
/// ScottPlot and inlined as PNG: data drift of the production version, accuracy by version, and
/// traffic allocation, each with the injected drift and the triggers marked.
/// </summary>
internal static class DemoReport
{
    private const int Width = 900;
    private const int Height = 320;
    private const double BucketSeconds = 5;
    private const float TriggerLabelHeight = 24; // pixels above the plot for the labels of the triggers

    /// <summary>The report, with the charts <see cref="Charts"/> drew.</summary>
    public static string Html(DemoSummary summary, IReadOnlyList<Chart> charts)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>StreamingCL demo report</title>
            <style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}img{max-width:100%}</style>
            </head><body>
            <h1>StreamingCL demo: seed {{summary.Seed}}, {{summary.DurationSeconds:F0}} s</h1>
            <p>Loop closed: <b>{{(summary.LoopClosed ? "yes" : "no")}}</b>. Every event accounted for: <b>{{(summary.Accounted ? "yes" : "no")}}</b>.
            Drift injected at {{summary.DriftInjectedAt:F0}} s, first detected at {{DemoFormat.Seconds(summary.FirstDriftDetectedAt)}}.</p>
            <table><tr><th>predictions</th><th>shadow predictions</th><th>feedback</th><th>labeled examples</th><th>dead letters</th></tr>
            <tr><td>{{summary.Events.Predictions}}</td><td>{{summary.Events.ShadowPredictions}}</td><td>{{summary.Events.Feedback}}</td><td>{{summary.Events.LabeledExamples}}</td><td>{{summary.Events.DeadLetters}}</td></tr></table>
            <table><tr><th>accuracy before drift</th><th>after drift, before the update</th><th>after promotion</th><th>trigger to publish p50 / p95</th></tr>
            <tr><td>{{DemoFormat.Fraction(summary.Accuracy.BeforeDrift)}}</td><td>{{DemoFormat.Fraction(summary.Accuracy.AfterDriftBeforeUpdate)}}</td><td>{{DemoFormat.Fraction(summary.Accuracy.AfterPromotion)}}</td><td>{{DemoFormat.Milliseconds(summary.TriggerToPublishMs.P50)}} / {{DemoFormat.Milliseconds(summary.TriggerToPublishMs.P95)}}</td></tr></table>
            """);
        foreach (var chart in charts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{chart.Title}</h2><img alt=\"{chart.Name}\" src=\"data:image/png;base64,{Convert.ToBase64String(chart.Png)}\">");
        }

        html.Append("<h2>Triggers</h2><table><tr><th>at</th><th>kind</th><th>reason</th></tr>");
        foreach (var trigger in summary.Triggers)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{trigger.At:F1} s</td><td>{trigger.Kind}</td><td>{WebUtility.HtmlEncode(trigger.Reason)}</td></tr>");
        }

        html.Append("</table><h2>Versions</h2><table><tr><th>version</th><th>stage</th><th>training</th><th>holdout AUC</th><th>created</th><th>canary</th><th>production</th></tr>");
        foreach (var version in summary.Versions)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>v{version.Version}</td><td>{version.Stage}</td><td>{version.TrainingKind}</td><td>{DemoFormat.Fraction(version.HoldoutAuc)}</td><td>{version.CreatedAt:F1} s</td><td>{DemoFormat.Seconds(version.CanaryAt)}</td><td>{DemoFormat.Seconds(version.ProductionAt)}</td></tr>");
        }

        return html.Append("</table></body></html>\n").ToString();
    }

    /// <summary>The charts, as PNG: for the report, and as files (--charts).</summary>
    public static IReadOnlyList<Chart> Charts(DemoSummary summary, DemoTimeline timeline) =>
    [
        new("drift", "Data drift of the production version", DriftChart(summary, timeline)),
        new("accuracy", "Accuracy by version", AccuracyChart(summary, timeline)),
        new("traffic", "Traffic allocation", TrafficChart(summary, timeline)),
    ];

    private static byte[] DriftChart(DemoSummary summary, DemoTimeline timeline)
    {
        var plot = NewPlot("seconds", "PSI");
        var production = timeline.Drift.Where(point => point.Kind == DriftKind.Data && point.Version == timeline.ProductionAt(point.At) && double.IsFinite(point.Psi));
        foreach (var feature in production.GroupBy(point => point.Feature).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            Line(plot, feature.Key, [.. feature.Select(point => point.At)], [.. feature.Select(point => point.Psi)]);
        }

        return Finish(plot, summary);
    }

    private static byte[] AccuracyChart(DemoSummary summary, DemoTimeline timeline)
    {
        var plot = NewPlot("seconds (prediction time)", $"accuracy per {BucketSeconds:F0} s");
        foreach (var version in timeline.Outcomes.GroupBy(outcome => outcome.Version).OrderBy(group => group.Key))
        {
            var buckets = version.GroupBy(outcome => Math.Floor(outcome.At / BucketSeconds)).Where(bucket => bucket.Count() >= 20).OrderBy(bucket => bucket.Key).ToList();
            Line(
                plot,
                version.Key == 0 ? "cold start" : $"v{version.Key}",
                [.. buckets.Select(bucket => (bucket.Key + 0.5) * BucketSeconds)],
                [.. buckets.Select(bucket => bucket.Count(outcome => outcome.Correct) / (double)bucket.Count())]);
        }

        plot.Axes.SetLimitsY(0.3, 1);
        return Finish(plot, summary);
    }

    private static byte[] TrafficChart(DemoSummary summary, DemoTimeline timeline)
    {
        var plot = NewPlot("seconds", "share of traffic");
        foreach (var version in timeline.Allocations.SelectMany(allocation => allocation.Shares.Select(share => share.Version)).Distinct().Order())
        {
            double[] at = [.. timeline.Allocations.Select(allocation => allocation.At), Math.Max(summary.DurationSeconds, timeline.Allocations[^1].At)];
            double[] share = [.. timeline.Allocations.Select(allocation => allocation.Shares.FirstOrDefault(s => s.Version == version).Weight), timeline.Allocations[^1].Shares.FirstOrDefault(s => s.Version == version).Weight];
            Line(plot, $"v{version}", at, share).ConnectStyle = ConnectStyle.StepHorizontal;
        }

        plot.Axes.SetLimitsY(0, 1.05);
        return Finish(plot, summary);
    }

    private static Plot NewPlot(string x, string y)
    {
        var plot = new Plot();
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    private static ScottPlot.Plottables.Scatter Line(Plot plot, string label, double[] xs, double[] ys)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = label;
        line.MarkerSize = 3;
        line.LineWidth = 2;
        return line;
    }

    // Marks the injected drift and the triggers, and renders.
    private static byte[] Finish(Plot plot, DemoSummary summary)
    {
        // The injection in the legend, the triggers labelled above the plot: a trigger follows the
        // injection within seconds, and two labels there would overlap.
        var drift = plot.Add.VerticalLine(summary.DriftInjectedAt);
        drift.LegendText = "drift injected";
        drift.Color = Colors.Red;
        drift.LinePattern = LinePattern.Dashed;
        foreach (var trigger in summary.Triggers)
        {
            var mark = plot.Add.VerticalLine(trigger.At);
            mark.Text = trigger.Kind.ToString().ToLowerInvariant();
            mark.Color = Colors.Orange;
            mark.LinePattern = LinePattern.Dotted;
            mark.LabelOppositeAxis = true;
        }

        plot.Axes.Top.MinimumSize = TriggerLabelHeight;

        plot.Axes.SetLimitsX(0, summary.DurationSeconds);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

}

/// <summary>A chart of the report.</summary>
/// <param name="Name">File name stem (demo-{Name}.png).</param>
/// <param name="Title">Heading.</param>
/// <param name="Png">The image.</param>
internal sealed record Chart(string Name, string Title, byte[] Png);
