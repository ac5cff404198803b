using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors.Join;

namespace StreamingCL.Processors.Tests.Join;

/// <summary>Records far ahead of the clock (checked once for every application by the shared reading of events).</summary>
public sealed class ClockSkewTests
{
    [Fact]
    public void A_record_from_the_future_is_dead_lettered_so_stream_time_cannot_jump_past_every_window()
    {
        using var strict = new TopologyHarness(environment => JoinTopology.Build(JoinTopologyTests.Options, environment), JoinTopologyTests.Options.ApplicationId, maxClockSkew: TimeSpan.FromMinutes(5));
        var now = strict.Clock.GetUtcNow();
        strict.Pipe(EventTopic.Predictions, "p-now", JoinTopologyTests.Prediction("p-now", now), now);
        strict.Pipe(EventTopic.Feedback, "p-future", new Feedback { PredictionId = "p-future", Timestamp = now.AddDays(365), Label = 1 }, now.AddDays(365));
        strict.Pipe(EventTopic.Feedback, "p-now", new Feedback { PredictionId = "p-now", Timestamp = now.AddMinutes(1), Label = 1 }, now.AddMinutes(1));

        var future = Assert.Single(strict.Read<DeadLetter>(EventTopic.DeadLetters)).Message.Value;
        Assert.Contains("ahead of the clock", future.Reason);
        Assert.Equal("p-now", Assert.Single(strict.Read<LabeledExample>(EventTopic.LabeledExamples)).Message.Key);
    }
}
