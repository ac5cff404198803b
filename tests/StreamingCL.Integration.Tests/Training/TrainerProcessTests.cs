using Confluent.Kafka;
using StreamingCL.Cli;
using StreamingCL.Cli.Hosting;
using StreamingCL.Integration.Tests.Interop;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Integration.Tests.Training;

/// <summary>`streamingcl run trainer --embedded` and `streamingcl run --embedded` as a user starts them.</summary>
public sealed class TrainerProcessTests
{
    private static readonly Dictionary<string, string> TrainerConfiguration = new()
    {
        ["Trainer__ModelName"] = "ctr",
        ["Trainer__Features__NumericFeatures__0"] = "x0",
        ["Trainer__Features__NumericFeatures__1"] = "x1",
        ["Trainer__Features__NumericFeatures__2"] = "x2",
        ["Trainer__HoldoutSize"] = "200",
        ["Trainer__WindowSize"] = "1000",
    };

    [Fact]
    public async Task Run_trainer_embedded_trains_on_a_trigger_and_stops_cleanly()
    {
        await using var trainer = new RunProcess(["trainer"], TrainerConfiguration);
        await trainer.InitializeAsync();
        using var serdes = new EventSerdes(new KafkaOptions());
        var concept = SyntheticConcept.Random(3, new Random(2));
        var random = new Random(4);
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = trainer.BootstrapServers }).Build())
        {
            for (var i = 0; i < 1_500; i++)
            {
                var example = concept.Example("ctr", $"p{i}", random, DateTimeOffset.UtcNow);
                producer.Produce("labeled-examples", new Message<string, byte[]> { Key = example.PredictionId, Value = serdes.For<LabeledExample>().Serialize(example, "labeled-examples") });
            }

            var trigger = new RetrainTrigger
            {
                TriggerId = "process-t1", ModelName = "ctr", Kind = TriggerKind.Manual, Timestamp = DateTimeOffset.UtcNow, Reason = "test", RequestedBy = "tests",
            };
            producer.Produce("retrain-triggers", new Message<string, byte[]> { Key = "ctr", Value = serdes.For<RetrainTrigger>().Serialize(trigger, "retrain-triggers") });
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var kafka = new KafkaOptions { BootstrapServers = trainer.BootstrapServers };
        var updates = await TrainerHarness.WaitForAsync(
            () =>
            {
                var read = new List<ModelVersion>();
                RegistryTopics.ReadToEnd(kafka, ["model-updates"], TimeSpan.FromSeconds(30), record => read.Add(serdes.For<ModelVersion>().Deserialize(record.Message.Value!, false, default)));
                return read;
            },
            read => read.Count >= 2);

        Assert.True(updates.Count == 2, trainer.Errors);
        Assert.Equal([("process-t1", ModelStage.Candidate), ("process-t1", ModelStage.Production)], updates.Select(v => (v.TriggerId, v.Stage)));
        Assert.Equal(0, await trainer.TerminateAsync());
    }

    [Fact]
    public async Task Run_embedded_without_a_worker_named_runs_the_processors_and_the_trainer()
    {
        await using var everything = new RunProcess([], TrainerConfiguration);
        await everything.InitializeAsync();

        // Logged before the process declared itself ready; the pipe may deliver the lines a little later.
        string[] expected = ["Trainer of ctr restored", .. new[] { "join", "drift", "performance", "experiments", "triggers" }.Select(application => $"streamingcl-{application} is running")];
        var log = await TrainerHarness.WaitForAsync(() => everything.Errors, text => expected.All(text.Contains));
        Assert.All(expected, line => Assert.Contains(line, log));

        Assert.Equal(0, await everything.TerminateAsync());
    }
}
