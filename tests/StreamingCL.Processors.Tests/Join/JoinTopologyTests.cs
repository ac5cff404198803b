using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors.Join;

namespace StreamingCL.Processors.Tests.Join;

public sealed class JoinTopologyTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    internal static readonly JoinOptions Options = new()
    {
        FeedbackWindow = TimeSpan.FromMinutes(10),
        UnmatchedGrace = TimeSpan.FromMinutes(1),
        PurgeInterval = TimeSpan.FromSeconds(1),
    };

    private readonly TopologyHarness _harness = new(environment => JoinTopology.Build(Options, environment), Options.ApplicationId);

    [Fact]
    public void Feedback_within_the_window_gives_one_labeled_example_with_the_prediction_features_and_the_delay()
    {
        Predict("p-1", Start);
        Feedback("p-1", Start.AddMinutes(3), label: 1);

        var example = Assert.Single(_harness.Read<LabeledExample>(EventTopic.LabeledExamples));
        Assert.Equal("p-1", example.Message.Key);
        Assert.Equal("ctr", example.Message.Value.ModelName);
        Assert.Equal(2, example.Message.Value.ModelVersion);
        Assert.Equal(0.7, example.Message.Value.Score);
        Assert.Equal(42.0, example.Message.Value.NumericFeatures["age"]);
        Assert.Equal("exp-1", example.Message.Value.ExperimentId);
        Assert.Equal(1.0, example.Message.Value.Label);
        Assert.Equal(TimeSpan.FromMinutes(3), example.Message.Value.FeedbackDelay);
        Assert.Empty(_harness.Read<DeadLetter>(EventTopic.DeadLetters));
    }

    [Fact]
    public void Feedback_that_arrives_before_its_prediction_waits_for_it()
    {
        Feedback("p-2", Start.AddSeconds(5), label: 0);
        Predict("p-2", Start.AddSeconds(10));

        var example = Assert.Single(_harness.Read<LabeledExample>(EventTopic.LabeledExamples));
        Assert.Equal(TimeSpan.Zero, example.Message.Value.FeedbackDelay); // clock skew: a negative delay counts as 0
    }

    [Fact]
    public void A_second_feedback_is_a_duplicate_and_never_a_second_example()
    {
        Predict("p-3", Start);
        Feedback("p-3", Start.AddMinutes(1), label: 1);
        Feedback("p-3", Start.AddMinutes(2), label: 0);

        Assert.Single(_harness.Read<LabeledExample>(EventTopic.LabeledExamples));
        var duplicate = Assert.Single(_harness.Read<DeadLetter>(EventTopic.DeadLetters)).Message.Value;
        Assert.Equal(DeadLetterKind.Duplicate, duplicate.ErrorKind);
        Assert.Equal("feedback", duplicate.OriginalTopic);
        Assert.Equal(0.0, _harness.Environment.Serdes.For<Feedback>().Deserialize(duplicate.Payload!.Value.Span, "feedback").Label);
    }

    [Fact]
    public void Feedback_labels_the_served_and_the_shadow_predictions_of_its_id()
    {
        Predict("p-7", Start);
        Predict("p-7", Start, shadowVersion: 3);
        Predict("p-7", Start.AddSeconds(1), shadowVersion: 3);
        Feedback("p-7", Start.AddMinutes(1), label: 1);
        Predict("p-7", Start.AddSeconds(2), shadowVersion: 4);

        var examples = _harness.Read<LabeledExample>(EventTopic.LabeledExamples).Select(record => record.Message.Value).ToList();
        Assert.Equal([(2, false), (3, true), (4, true)], examples.Select(example => (example.ModelVersion, example.Shadow)));
        Assert.All(examples, example => Assert.Equal(1.0, example.Label));
        Assert.Equal(DeadLetterKind.Duplicate, Assert.Single(_harness.Read<DeadLetter>(EventTopic.DeadLetters)).Message.Value.ErrorKind);
    }

    [Fact]
    public void A_second_prediction_with_the_same_id_is_a_duplicate()
    {
        Predict("p-4", Start);
        Predict("p-4", Start.AddSeconds(1));

        var duplicate = Assert.Single(_harness.Read<DeadLetter>(EventTopic.DeadLetters)).Message.Value;
        Assert.Equal(DeadLetterKind.Duplicate, duplicate.ErrorKind);
        Assert.Equal("predictions", duplicate.OriginalTopic);
        Assert.Equal(1, duplicate.OriginalOffset);
    }

    [Fact]
    public void Feedback_later_than_the_window_is_unmatched()
    {
        Predict("p-5", Start);
        Feedback("p-5", Start.AddMinutes(11), label: 1);

        Assert.Empty(_harness.Read<LabeledExample>(EventTopic.LabeledExamples));
        var late = Assert.Single(_harness.Read<DeadLetter>(EventTopic.DeadLetters)).Message.Value;
        Assert.Equal(DeadLetterKind.Unmatched, late.ErrorKind);
        Assert.Contains("later than the feedback window", late.Reason);
    }

    [Fact]
    public void Feedback_whose_prediction_never_comes_is_dead_lettered_once_the_grace_has_passed_in_stream_time()
    {
        Feedback("p-orphan", Start, label: 1);
        Predict("p-other", Start.AddSeconds(30));
        Assert.Empty(_harness.Read<DeadLetter>(EventTopic.DeadLetters));

        Predict("p-later", Start.AddMinutes(2));

        var orphan = Assert.Single(_harness.Read<DeadLetter>(EventTopic.DeadLetters)).Message.Value;
        Assert.Equal(DeadLetterKind.Unmatched, orphan.ErrorKind);
        Assert.Equal("feedback", orphan.OriginalTopic);
        Assert.Equal(0, orphan.OriginalOffset);
        Assert.Equal(Start, orphan.OriginalTimestamp);
        Assert.Equal(_harness.Clock.GetUtcNow(), orphan.FailedAt);
        Assert.Equal("p-orphan"u8.ToArray(), orphan.Key!.Value.ToArray());
    }

    [Fact]
    public void Expired_predictions_leave_the_state_so_it_stays_bounded()
    {
        for (var i = 0; i < 50; i++)
        {
            Predict($"p-{i}", Start.AddSeconds(i));
        }

        Predict("p-after-the-window", Start.AddMinutes(11));

        var store = _harness.Driver.GetKeyValueStore<string, JoinState>(JoinTransformer.StoreName);
        Assert.Equal(["p-after-the-window"], store.All().Select(entry => entry.Key));
    }

    [Fact]
    public void Undecodable_and_invalid_records_are_dead_lettered_and_the_join_goes_on()
    {
        _harness.PipeBytes(EventTopic.Predictions, "garbage", [0xde, 0xad, 0xbe, 0xef], Start);
        Predict("p-nan", Start, age: double.NaN);
        Predict("p-6", Start);
        Feedback("p-6", Start.AddMinutes(1), label: 1);

        var deadLetters = _harness.Read<DeadLetter>(EventTopic.DeadLetters).Select(record => record.Message.Value).ToList();
        Assert.Equal([DeadLetterKind.Malformed, DeadLetterKind.InvalidValue], deadLetters.Select(letter => letter.ErrorKind));
        Assert.Equal([0xde, 0xad, 0xbe, 0xef], deadLetters[0].Payload!.Value.ToArray());
        Assert.Equal(0, deadLetters[0].OriginalOffset);
        Assert.Equal(Options.ApplicationId, deadLetters[0].Processor);
        Assert.Contains("numeric_features[age]", deadLetters[1].Reason);
        Assert.Equal("p-6", Assert.Single(_harness.Read<LabeledExample>(EventTopic.LabeledExamples)).Message.Key);
        Assert.Equal(1, _harness.Metric("streamingcl_dead_letters_total{processor=\"streamingcl-join\",kind=\"Malformed\"}"));
        Assert.Equal(1, _harness.Metric("streamingcl_dead_letters_total{processor=\"streamingcl-join\",kind=\"InvalidValue\"}"));
        Assert.Equal(1, _harness.Metric("streamingcl_events_total{application=\"streamingcl-join\",topic=\"predictions\"}")); // the two rejected ones do not count
    }

    [Fact]
    public void A_record_keyed_by_something_else_than_its_prediction_id_is_dead_lettered_not_joined()
    {
        Predict("p-8", Start);
        _harness.Pipe(EventTopic.Feedback, "p-8", new Feedback { PredictionId = "p-9", Timestamp = Start.AddMinutes(1), Label = 1 }, Start.AddMinutes(1));
        _harness.Pipe(EventTopic.Feedback, null!, new Feedback { PredictionId = "p-8", Timestamp = Start.AddMinutes(1), Label = 1 }, Start.AddMinutes(1));

        Assert.Empty(_harness.Read<LabeledExample>(EventTopic.LabeledExamples));
        var rejected = _harness.Read<DeadLetter>(EventTopic.DeadLetters).Select(record => record.Message.Value).ToList();
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, letter => Assert.Equal(DeadLetterKind.InvalidValue, letter.ErrorKind));
        Assert.Contains("is not the event's id 'p-9'", rejected[0].Reason);
    }

    [Fact]
    public void Values_whose_squares_would_overflow_are_dead_lettered()
    {
        Predict("p-huge", Start, age: 1e200);

        var rejected = Assert.Single(_harness.Read<DeadLetter>(EventTopic.DeadLetters)).Message.Value;
        Assert.Equal(DeadLetterKind.InvalidValue, rejected.ErrorKind);
        Assert.Contains("within ±1E+150", rejected.Reason);
    }

    public void Dispose() => _harness.Dispose();

    private void Predict(string id, DateTimeOffset at, double age = 42, int? shadowVersion = null) =>
        _harness.Pipe(EventTopic.Predictions, id, Prediction(id, at, age, shadowVersion), at);

    internal static Prediction Prediction(string id, DateTimeOffset at, double age = 42, int? shadowVersion = null) => new()
    {
        PredictionId = id,
        ModelName = "ctr",
        ModelVersion = shadowVersion ?? 2,
        Shadow = shadowVersion is not null,
        UnitId = "u-1",
        Timestamp = at,
        NumericFeatures = new Dictionary<string, double> { ["age"] = age },
        Score = 0.7,
        ExperimentId = "exp-1",
        Variant = "B",
    };

    private void Feedback(string id, DateTimeOffset at, double label) =>
        _harness.Pipe(EventTopic.Feedback, id, new Feedback { PredictionId = id, Timestamp = at, Label = label }, at);
}
