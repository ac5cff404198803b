using System.Globalization;
using static System.FormattableString;
using Spectre.Console;
using Spectre.Console.Rendering;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Demo;

/// <summary>
/// The demo's live terminal view (fits 80 columns) and its plain one-line form for --no-ui. Rates
/// are the change of the counts since the previous frame.
/// </summary>
internal sealed class DemoView(double duration, double driftAt, int seed)
{
    private const int BarWidth = 44;

    private DemoSnapshot? _previous;

    public IRenderable Render(DemoSnapshot now)
    {
        var (predictionRate, feedbackRate, labeledRate) = Rates(now);
        var grid = new Grid().AddColumn(new GridColumn().Width(9).NoWrap()).AddColumn();
        grid.AddRow(new Markup("[grey]time[/]"), new Markup(Bar(now.At)));
        grid.AddRow(
            new Markup("[grey]events/s[/]"),
            new Markup(Invariant($"predictions [bold]{predictionRate,4:F0}[/]  feedback [bold]{feedbackRate,4:F0}[/]  labeled [bold]{labeledRate,4:F0}[/]  dead letters {DeadLetters(now.DeadLetters)}")));
        grid.AddRow(new Markup("[grey]serving[/]"), new Markup(Serving(now)));
        grid.AddRow(new Markup("[grey]drift[/]"), new Markup(Drift(now)));
        grid.AddRow(new Markup("[grey]accuracy[/]"), new Markup(now.RecentAccuracy.Count == 0
            ? "[grey]waiting for labels[/]"
            : Invariant($"last {DemoSnapshot.RecentSeconds:F0} s: ") + string.Join("  ", now.RecentAccuracy.Select(pair => Invariant($"v{pair.Version} [bold]{pair.Accuracy:F2}[/]")))));
        grid.AddRow(new Markup("[grey]triggers[/]"), new Rows(now.Triggers.Count == 0
            ? [new Markup("[grey]none yet[/]")]
            : now.Triggers.Select(trigger => new Markup($"{Clock(trigger.At)} [yellow]{trigger.Kind.ToString().ToLowerInvariant(),-11}[/] {Markup.Escape(Shorten(trigger.Reason, 47))}"))));
        grid.AddRow(new Markup("[grey]versions[/]"), new Rows(now.Versions.Count == 0
            ? [new Markup("[grey]none yet: serving by popularity (cold start)[/]")]
            : now.Versions.TakeLast(4).Select(version => new Markup(
                $"v{version.Version,-3} {StageMarkup(version.Stage, 11)} {version.Kind.ToString().ToLowerInvariant(),-9} holdout AUC {DemoFormat.Fraction(version.HoldoutAuc)}"))));
        return new Panel(grid).Header(Invariant($" StreamingCL demo · seed {seed} · drift at {driftAt:F0} s ")).Expand();
    }

    /// <summary>The frame as one line of plain text, for logs.</summary>
    public string Line(DemoSnapshot now)
    {
        var (predictionRate, feedbackRate, _) = Rates(now);
        var serving = now.Serving.Count == 0 ? "cold start" : string.Join(" ", now.Serving.Select(share => Invariant($"v{share.Version} {DemoFormat.Stage(share.Stage)} {share.Share:P0}")));
        var drifted = now.Drift.Where(feature => feature.Severity == DriftSeverity.Drift).Select(feature => feature.Feature).ToList();
        var accuracy = string.Join(" ", now.RecentAccuracy.Select(pair => Invariant($"v{pair.Version} {pair.Accuracy:F2}")));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{now.At,3:F0} s] predictions {now.Predictions} ({predictionRate:F0}/s) feedback {now.Feedback} ({feedbackRate:F0}/s) labeled {now.LabeledExamples} dead letters {now.DeadLetters} | serving {serving} | drifted {(drifted.Count == 0 ? "none" : string.Join(",", drifted))} | accuracy {accuracy} | triggers {now.Triggers.Count}");
    }

    private (double Predictions, double Feedback, double Labeled) Rates(DemoSnapshot now)
    {
        var previous = _previous;
        _previous = now;
        var seconds = now.At - (previous?.At ?? 0);
        return previous is null || seconds <= 0
            ? (0, 0, 0)
            : ((now.Predictions - previous.Predictions) / seconds, (now.Feedback - previous.Feedback) / seconds, (now.LabeledExamples - previous.LabeledExamples) / seconds);
    }

    private string Bar(double at)
    {
        var filled = (int)Math.Round(BarWidth * Math.Clamp(at / duration, 0, 1));
        var driftMark = (int)Math.Round(BarWidth * Math.Clamp(driftAt / duration, 0, 1));
        var cells = Enumerable.Range(0, BarWidth).Select(i => i == driftMark ? (i < filled ? "[red]┃[/]" : "[grey]┃[/]") : i < filled ? "[green]━[/]" : "[grey]━[/]");
        return Invariant($"{string.Concat(cells)} {Math.Min(at, duration),3:F0} / {duration:F0} s");
    }

    private static string Serving(DemoSnapshot now) => now.Serving.Count == 0
        ? "[grey]cold start: by popularity until the first version[/]"
        : string.Join("   ", now.Serving.Select(share => Invariant($"v{share.Version} {StageMarkup(share.Stage)} [bold]{share.Share:P0}[/]")));

    private static string Drift(DemoSnapshot now)
    {
        if (now.Drift.Count == 0)
        {
            return "[grey]no window of the production version closed yet[/]";
        }

        // The three most drifted features fit one line of 80 columns.
        var top = now.Drift.OrderByDescending(feature => feature.Psi).Take(now.Concept == DriftSeverity.Drift ? 2 : 3).ToList();
        var features = top.Select(feature => $"{Markup.Escape(Shorten(feature.Feature, 15))} {SeverityMarkup(feature.Severity, feature.Psi.ToString("F2", CultureInfo.InvariantCulture))}");
        var more = now.Drift.Count > top.Count ? $" [grey](+{now.Drift.Count - top.Count})[/]" : "";
        return "PSI " + string.Join("  ", features) + more + (now.Concept == DriftSeverity.Drift ? "  [red]concept[/]" : "");
    }

    private static string SeverityMarkup(DriftSeverity severity, string text) => severity switch
    {
        DriftSeverity.Drift => $"[red bold]{text}[/]",
        DriftSeverity.Warning => $"[yellow]{text}[/]",
        _ => $"[green]{text}[/]",
    };

    // Padded before the markup, so that columns line up.
    private static string StageMarkup(ModelStage stage, int width = 0)
    {
        var text = DemoFormat.Stage(stage).PadRight(width);
        return stage switch
        {
            ModelStage.Production => $"[green]{text}[/]",
            ModelStage.Canary => $"[yellow]{text}[/]",
            ModelStage.Shadow => $"[blue]{text}[/]",
            ModelStage.Rejected or ModelStage.RolledBack => $"[red]{text}[/]",
            _ => $"[grey]{text}[/]",
        };
    }

    private static string DeadLetters(long count) => count == 0 ? "[green]0[/]" : $"[red bold]{count}[/]";

    private static string Clock(double seconds) => $"{(int)seconds / 60:00}:{(int)seconds % 60:00}";

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
