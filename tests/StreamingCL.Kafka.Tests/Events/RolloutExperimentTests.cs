using StreamingCL.Kafka.Events;

namespace StreamingCL.Kafka.Tests.Events;

public sealed class RolloutExperimentTests
{
    [Theory]
    [InlineData("ctr", 2, false, "rollout:ctr:2")]
    [InlineData("ctr", 2, true, "rollout:ctr:2:shadow")]
    [InlineData("team:ctr", 10, true, "rollout:team:ctr:10:shadow")]
    public void The_id_names_the_model_version_and_stage_and_parses_back(string model, int version, bool shadow, string id)
    {
        var rollout = new RolloutExperiment(model, version, shadow);

        Assert.Equal(id, rollout.Id("rollout:"));
        Assert.Equal(rollout, RolloutExperiment.Parse("rollout:", id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ab:ctr:2")]
    [InlineData("rollout:ctr")]
    [InlineData("rollout::2")]
    [InlineData("rollout:ctr:two")]
    [InlineData("rollout:ctr:-2")]
    [InlineData("rollout:ctr:2:canary")]
    [InlineData("rollout:ctr:02")]
    public void Other_experiment_ids_name_no_rollout(string? id) => Assert.Null(RolloutExperiment.Parse("rollout:", id));
}
