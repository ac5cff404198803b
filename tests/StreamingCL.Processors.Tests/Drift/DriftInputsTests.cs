using StreamingCL.Kafka.Events;
using StreamingCL.Processors.Drift;

namespace StreamingCL.Processors.Tests.Drift;

public sealed class DriftInputsTests
{
    private static readonly DriftOptions Options = new() { DecisionThreshold = 0.7, ErrorByModel = { ["price"] = DriftErrorMeasure.AbsoluteError } };

    [Theory]
    [InlineData("churn", 0.7, 1.0, 0.0)]
    [InlineData("churn", 0.69, 1.0, 1.0)]
    [InlineData("churn", 0.69, 0.0, 0.0)]
    [InlineData("churn", 0.9, 0.0, 1.0)]
    [InlineData("price", 12.5, 10.0, 2.5)]
    public void The_error_is_the_misclassification_at_the_threshold_or_the_absolute_error_by_model(string model, double score, double label, double error)
    {
        var example = Example(model, score, label);

        Assert.Null(DriftInputs.Check(example, Options));
        Assert.Equal(new LabeledError(model, 3, error, example.FeedbackTimestamp.ToUnixTimeMilliseconds()), DriftInputs.ErrorOf(example, Options));
    }

    [Fact]
    public void A_label_other_than_0_or_1_has_no_misclassification_error()
    {
        var problem = DriftInputs.Check(Example("churn", 0.9, 2.0), Options);

        Assert.Equal(DeadLetterKind.InvalidValue, problem?.Kind);
        Assert.Contains("label is 2", problem?.Reason, StringComparison.Ordinal);
    }

    private static LabeledExample Example(string model, double score, double label) => new()
    {
        PredictionId = "p-1",
        ModelName = model,
        ModelVersion = 3,
        UnitId = "u-1",
        PredictionTimestamp = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero),
        FeedbackDelay = TimeSpan.FromMinutes(2),
        Score = score,
        Label = label,
    };
}
