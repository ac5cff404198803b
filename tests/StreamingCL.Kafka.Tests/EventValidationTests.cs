using StreamingCL.Kafka.Events;

namespace StreamingCL.Kafka.Tests;

public sealed class EventValidationTests
{
    private static readonly Prediction Valid = new()
    {
        PredictionId = "p-1",
        ModelName = "ctr",
        ModelVersion = 1,
        UnitId = "u-1",
        Timestamp = DateTimeOffset.UnixEpoch,
        NumericFeatures = new Dictionary<string, double> { ["x"] = 1 },
        Score = 0.5,
    };

    [Theory]
    [InlineData(0)] // served before the first version: the cold start's examples train it
    [InlineData(1)]
    public void A_version_of_zero_or_more_is_valid(int version) =>
        Assert.Null(EventValidation.Check(Valid with { ModelVersion = version }));

    [Fact]
    public void A_negative_version_is_invalid() =>
        Assert.Equal(
            new EventProblem(DeadLetterKind.InvalidValue, "model_version must be 0 (before the first version) or more, was -1."),
            EventValidation.Check(Valid with { ModelVersion = -1 }));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(1e200)]
    public void A_feature_that_is_not_a_finite_number_within_range_is_invalid(double value) =>
        Assert.Equal(DeadLetterKind.InvalidValue, EventValidation.Check(Valid with { NumericFeatures = new Dictionary<string, double> { ["x"] = value } })!.Value.Kind);
}
