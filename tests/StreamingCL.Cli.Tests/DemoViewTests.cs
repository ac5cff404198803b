using Spectre.Console;
using StreamingCL.Cli.Demo;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Tests;

public sealed class DemoViewTests
{
    [Fact]
    public void The_busiest_frame_fits_80_columns_without_wrapping()
    {
        var view = new DemoView(duration: 90, driftAt: 30, seed: 42);
        var frame = new DemoSnapshot(
            At: 61.4,
            Predictions: 15_312,
            Feedback: 13_804,
            LabeledExamples: 13_790,
            DeadLetters: 12_345,
            Serving: [(12, ModelStage.Production, 0.5), (13, ModelStage.Canary, 0.5)],
            Drift: [("freshness_hours_of_the_item", 2.2, DriftSeverity.Drift), ("affinity", 0.15, DriftSeverity.Warning), ("popularity", 0.02, DriftSeverity.None), ("position", 0.01, DriftSeverity.None)],
            Concept: DriftSeverity.Drift,
            RecentAccuracy: [(12, 0.513), (13, 0.861)],
            Triggers: [.. Enumerable.Range(0, 4).Select(i => new TriggerPoint(600 + i, TriggerKind.Performance, "ctr", $"t-{i}", new string('x', 200)))],
            Versions: [.. Enumerable.Range(10, 4).Select(version => (version, ModelStage.RolledBack, TrainingKind.Stateless, (double?)0.8567))]);

        var lines = Render(view, frame);

        Assert.All(lines, line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));
        // Borders, then one line per row: time, events/s, serving, drift, accuracy, 4 triggers, 4 versions.
        Assert.True(lines.Count == 2 + 5 + 4 + 4, string.Join("\n", lines));
        Assert.Contains(lines, line => line.Contains("v12 production 50 %", StringComparison.Ordinal) && line.Contains("v13 canary 50 %", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("PSI freshness_hour… 2.20", StringComparison.Ordinal) && line.Contains("concept", StringComparison.Ordinal));
    }

    [Fact]
    public void The_first_frame_says_what_it_waits_for()
    {
        var frame = new DemoSnapshot(0.5, 0, 0, 0, 0, [], [], DriftSeverity.None, [], [], []);

        var text = string.Join("\n", Render(new DemoView(90, 30, 42), frame));

        Assert.Contains("cold start: by popularity until the first version", text, StringComparison.Ordinal);
        Assert.Contains("waiting for labels", text, StringComparison.Ordinal);
        Assert.Contains("none yet", text, StringComparison.Ordinal);
    }

    private static List<string> Render(DemoView view, DemoSnapshot frame)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 80;
        console.Write(view.Render(frame));
        return [.. writer.ToString().TrimEnd('\n').Split('\n').Select(line => line.TrimEnd('\r'))];
    }
}
