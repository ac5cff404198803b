using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using StreamingCL.Kafka.Events;
using static StreamingCL.Client.Tests.TrainedModels;

namespace StreamingCL.Client.Tests;

/// <summary>The router's state machine without Kafka: what it keeps, refuses and routes.</summary>
public sealed class RouterStateTests
{
    private readonly List<ModelRejectedEventArgs> _rejections = [];
    private readonly RouterState _state;

    public RouterStateTests() => _state = new RouterState(new ModelRouterOptions(), new ClientMetrics(null), NullLogger.Instance, _rejections.Add);

    [Fact]
    public void Only_a_higher_sequence_replaces_an_allocation_and_unusable_weights_are_ignored()
    {
        Apply(V1.At(ModelStage.Production), V2.At(ModelStage.Canary));

        Assert.True(_state.Apply(null, Given.Allocation(3, "s", Arm("production", 0.9, 1), Arm("canary", 0.1, 2))));
        Assert.False(_state.Apply(null, Given.Allocation(3, "s", Arm("production", 0.5, 1), Arm("canary", 0.5, 2))));
        Assert.False(_state.Apply(null, Given.Allocation(2, "s", Arm("production", 1, 1))));
        Assert.False(_state.Apply(null, Given.Allocation(4, "s", Arm("production", double.NaN, 1))));
        Assert.False(_state.Apply(null, Given.Allocation(5, "s", Arm("production", 0, 1), Arm("shadow", 1, 2, shadow: true))));

        var route = Route();
        Assert.Equal(3, route.AllocationSequence);
        Assert.Equal([0.9, 1.0], route.Arms.Select(arm => arm.UpperBound));
    }

    [Fact]
    public void Without_an_allocation_the_newest_production_version_serves_everything_outside_any_experiment()
    {
        Apply(V1.At(ModelStage.Archived), V2.At(ModelStage.Production));

        var route = Route();

        Assert.Equal((2, "production", 1.0), (route.Arms.Single().Model.Version, route.Arms.Single().Name, route.Arms.Single().UpperBound));
        Assert.Null(route.ExperimentId);
        Assert.Equal(Model, route.Salt);
    }

    [Fact]
    public void Tombstones_remove_an_allocation_and_a_version()
    {
        Apply(V1.At(ModelStage.Production));
        _state.Apply(null, Given.Allocation(1, "rollout:m:2", Arm("production", 0.5, 1), Arm("canary", 0.5, 2)));
        Apply(V2.At(ModelStage.Canary));
        Assert.Equal("rollout:m:2", Route().ExperimentId);

        Assert.True(_state.Apply(Model, (TrafficAllocation?)null));
        Assert.Null(Route().ExperimentId);
        Assert.True(_state.Apply(V1.Key, (ModelVersion?)null));
        Assert.DoesNotContain(Model, _state.Build(RoutingSnapshot.Empty, caughtUp: true).Routes.Keys);
    }

    [Fact]
    public void A_tampered_record_of_a_known_version_is_reported_and_the_good_record_is_kept()
    {
        Apply(V1.At(ModelStage.Production));

        Assert.False(_state.Apply(V1.Key, V1.At(ModelStage.Archived).Tampered()));

        var rejection = Assert.Single(_rejections);
        Assert.Equal((Model, 1), (rejection.ModelName, rejection.Version));
        Assert.Contains("last good record (Production) is kept", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(1, Route().Arms.Single().Model.Version);
    }

    [Fact]
    public void An_arm_whose_version_cannot_load_keeps_the_model_it_served_or_leaves_its_traffic_to_the_others()
    {
        var notAModel = new byte[] { 1, 2, 3 };
        Apply(V1.At(ModelStage.Production));
        var before = Route();
        Apply(V2.At(ModelStage.Production) with { Artifact = notAModel, ArtifactSha256 = Convert.ToHexStringLower(SHA256.HashData(notAModel)) });
        _state.Apply(null, Given.Allocation(2, Model, Arm("production", 1, 2)));

        var production = _state.Build(new RoutingSnapshot(new Dictionary<string, ModelRoute> { [Model] = before }.ToFrozenDictionary(), true), true).Routes[Model];
        var canaryOnly = new RouterState(new ModelRouterOptions(), new ClientMetrics(null), NullLogger.Instance, _ => { });
        canaryOnly.Apply(null, V1.At(ModelStage.Production));
        canaryOnly.Apply(null, V2.At(ModelStage.Canary) with { Artifact = notAModel, ArtifactSha256 = Convert.ToHexStringLower(SHA256.HashData(notAModel)) });
        canaryOnly.Apply(null, Given.Allocation(1, "rollout:m:2", Arm("production", 0.9, 1), Arm("canary", 0.1, 2)));
        var withoutCanary = canaryOnly.Build(RoutingSnapshot.Empty, true).Routes[Model];

        Assert.Equal(1, production.Arms.Single().Model.Version);
        Assert.Contains("v2 cannot be loaded", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
        Assert.Equal(("production", 1, 1.0), (withoutCanary.Arms.Single().Name, withoutCanary.Arms.Single().Model.Version, withoutCanary.Arms.Single().UpperBound));
        Assert.Null(withoutCanary.ExperimentId);
    }

    [Fact]
    public void Shadow_shares_are_capped_by_the_option_and_drawn_under_their_own_salt()
    {
        var state = new RouterState(new ModelRouterOptions { ShadowShare = 0.2 }, new ClientMetrics(null), NullLogger.Instance, _ => { });
        state.Apply(null, V1.At(ModelStage.Production));
        state.Apply(null, V2.At(ModelStage.Shadow));
        state.Apply(null, Given.Allocation(1, "rollout:m:2", Arm("production", 1, 1), Arm("shadow", 0.5, 2, shadow: true)));

        var route = state.Build(RoutingSnapshot.Empty, true).Routes[Model];

        var shadow = Assert.Single(route.Shadows);
        Assert.Equal((0.2, 2), (shadow.Share, shadow.Model.Version));
        Assert.NotEqual(UnitHash.Prefix(route.Salt), shadow.SaltPrefix);
        Assert.Equal("rollout:m:2:shadow", route.ExperimentId); // the shadow's rollout, paired with production
    }

    private void Apply(params ModelVersion[] versions)
    {
        foreach (var version in versions)
        {
            Assert.True(_state.Apply(version.Key, version));
        }
    }

    private ModelRoute Route() => _state.Build(RoutingSnapshot.Empty, caughtUp: true).Routes[Model];

    private static ArmWeight Arm(string name, double weight, int version, bool shadow = false) => new(name, weight, version, shadow);
}
