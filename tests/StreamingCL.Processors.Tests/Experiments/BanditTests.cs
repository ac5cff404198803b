using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors.Experiments;
using StreamingCL.Statistics.Bandits;
using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Processors.Tests.Experiments;

public sealed class BanditTests : IDisposable
{
    private const double MinimumWeight = 0.05;
    private static readonly DateTimeOffset Start = ExperimentTraffic.Start;

    private static readonly ExperimentDefinition Bandit = new()
    {
        Id = "bandit",
        Kind = ExperimentKind.Bandit,
        Control = "A",
        Variants = ["A", "B", "C"],
        Bandit = new BanditDefinition
        {
            Policy = BanditPolicyKind.Thompson,
            ReallocationInterval = TimeSpan.FromMinutes(1),
            MinimumWeight = MinimumWeight,
            MinimumUnitsPerArm = 10,
            Draws = 1000,
            Seed = 42,
        },
    };

    private readonly ExperimentTraffic _traffic = new(Bandit);

    [Fact]
    public void Every_reallocation_interval_of_wall_clock_time_the_policy_weights_are_published()
    {
        Convert("A", units: 20, conversions: 2);
        Convert("B", units: 20, conversions: 10);
        Convert("C", units: 20, conversions: 4);
        Assert.Empty(Allocations()); // nothing before the wall clock moves

        _traffic.Harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));

        var record = Assert.Single(_traffic.Harness.Read<TrafficAllocation>(EventTopic.TrafficAllocations));
        var allocation = record.Message.Value;
        Assert.Equal("bandit", record.Message.Key);
        Assert.Equal(("bandit", AllocationKind.Bandit, "bandit"), (allocation.Target, allocation.Kind, allocation.Salt));
        Assert.Equal(["A", "B", "C"], allocation.Arms.Select(arm => arm.Arm));
        var expected = new double[3];
        new ThompsonSampling(new ThompsonSamplingOptions { Draws = 1000, MinimumWeight = MinimumWeight, MinimumObservationsPerArm = 10, Seed = 42 })
            .ComputeWeights([VariantStatistics.FromConversions(20, 2), VariantStatistics.FromConversions(20, 10), VariantStatistics.FromConversions(20, 4)], expected);
        Assert.Equal(expected, allocation.Arms.Select(arm => arm.Weight));
        Assert.Equal(1.0, allocation.Arms.Sum(arm => arm.Weight), 12);
        Assert.All(allocation.Arms, arm => Assert.True(arm.Weight >= MinimumWeight));
        Assert.Equal("B", allocation.Arms.MaxBy(arm => arm.Weight)!.Arm);
        Assert.Equal(expected[1], _traffic.Harness.Metric("streamingcl_traffic_weight{target=\"bandit\",arm=\"B\"}"));

        _traffic.Harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));

        var next = Assert.Single(Allocations());
        Assert.True(next.Sequence > allocation.Sequence);
    }

    [Fact]
    public void Until_every_arm_has_its_minimum_units_the_split_stays_even()
    {
        Convert("A", units: 20, conversions: 2);
        Convert("B", units: 5, conversions: 5);

        _traffic.Harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));

        Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3], Assert.Single(Allocations()).Arms.Select(arm => arm.Weight));
    }

    [Fact]
    public void Rewards_count_in_the_arm_that_served_them_whichever_arm_served_the_unit_first()
    {
        for (var i = 0; i < 20; i++)
        {
            _traffic.Expose("bandit", $"B-{i}", "A", Start); // before a reallocation moved these units to B
        }

        Convert("B", units: 20, conversions: 10);
        Convert("C", units: 20, conversions: 4);

        _traffic.Harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));

        var allocation = Assert.Single(Allocations());
        var expected = new double[3];
        new ThompsonSampling(new ThompsonSamplingOptions { Draws = 1000, MinimumWeight = MinimumWeight, MinimumObservationsPerArm = 10, Seed = 42 })
            .ComputeWeights([VariantStatistics.FromConversions(20, 0), VariantStatistics.FromConversions(20, 10), VariantStatistics.FromConversions(20, 4)], expected);
        Assert.Equal(expected, allocation.Arms.Select(arm => arm.Weight));
        Assert.Equal("Thompson reallocation from the units each arm served (A: 20, B: 20, C: 20).", allocation.Reason);
    }

    public void Dispose() => _traffic.Dispose();

    private List<TrafficAllocation> Allocations() =>
        _traffic.Harness.Read<TrafficAllocation>(EventTopic.TrafficAllocations).Select(record => record.Message.Value).ToList();

    private void Convert(string arm, int units, int conversions)
    {
        for (var i = 0; i < units; i++)
        {
            _traffic.Label("bandit", $"{arm}-{i}", arm, Start, label: i < conversions ? 1 : 0);
        }
    }
}
