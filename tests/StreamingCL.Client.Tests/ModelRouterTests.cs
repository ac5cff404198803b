using Prometheus;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using static StreamingCL.Client.Tests.TrainedModels;

namespace StreamingCL.Client.Tests;

/// <summary>The router against the embedded broker: routing, stickiness, hot swap, integrity, shadows.</summary>
[Collection(KafkaCollectionDefinition.Name)]
public sealed class ModelRouterTests(KafkaFixture kafka)
{
    private const int Units = 20_000;
    private const string Salt = "rollout:m:2";

    [Fact]
    public async Task Canary_and_production_shares_match_the_allocation_and_carry_the_rollout_experiment()
    {
        var topics = await Registry("shares", ModelStage.Canary, Canary(1, Salt, 0.1));
        await using var router = await Started(topics);

        var results = Enumerable.Range(0, Units).Select(unit => router.Predict(Model, $"user-{unit}", Features(unit))).ToList();

        var canary = results.Count(result => result.Variant == "canary") / (double)Units;
        Assert.InRange(canary, 0.085, 0.115);
        Assert.All(results, result =>
        {
            Assert.Equal(result.Variant == "canary" ? 2 : 1, result.ModelVersion);
            Assert.Contains(result.Variant, new[] { "production", "canary" });
            Assert.Equal("rollout:m:2", result.ExperimentId);
            Assert.Empty(result.Shadows);
        });
        // Each result carries the score of the version it names, as that version's artifact computes it.
        foreach (var result in results.Where(result => result.Variant == "canary").Take(20).Concat(results.Where(result => result.Variant == "production").Take(20)))
        {
            var unit = int.Parse(result.UnitId["user-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Score(result.ModelVersion == 1 ? V1 : V2, Features(unit)), result.Score, 12);
            Assert.Equal(result.Score >= 0.5 ? 1 : 0, result.PredictedLabel);
        }

        Assert.Equal(Units, results.Select(result => result.PredictionId).Distinct().Count());
    }

    [Fact]
    public async Task A_unit_keeps_its_arm_across_calls_and_router_instances_and_a_new_salt_reshuffles_the_units()
    {
        var topics = await Registry("sticky", ModelStage.Canary, Canary(1, Salt, 0.1));
        await using var first = await Started(topics);
        await using var second = await Started(topics);

        var arms = Enumerable.Range(0, Units).Select(unit => first.Predict(Model, $"user-{unit}", Features(unit)).Variant).ToArray();
        Assert.Equal(arms, Enumerable.Range(0, Units).Select(unit => first.Predict(Model, $"user-{unit}", Features(unit + 1)).Variant));
        Assert.Equal(arms, Enumerable.Range(0, Units).Select(unit => second.Predict(Model, $"user-{unit}", Features(unit)).Variant));

        using (var writer = new RegistryWriter(kafka.Options(), topics))
        {
            await writer.Publish(Canary(2, "rollout:m:2:reshuffled", 0.1));
        }

        await Given.Eventually(() => first.Routing.Routes[Model].AllocationSequence == 2, "the new salt is applied");
        var reshuffled = Enumerable.Range(0, Units).Select(unit => first.Predict(Model, $"user-{unit}", Features(unit)).Variant).ToArray();
        // Independent draws under the new salt: a unit changes arm with probability 2 * 0.9 * 0.1 = 0.18.
        var moved = arms.Zip(reshuffled).Count(pair => pair.First != pair.Second) / (double)Units;
        Assert.InRange(moved, 0.15, 0.21);
        Assert.InRange(reshuffled.Count(arm => arm == "canary") / (double)Units, 0.085, 0.115);
    }

    [Fact]
    public async Task A_canary_ramp_keeps_the_units_it_had_and_an_older_allocation_is_ignored()
    {
        var topics = await Registry("ramp", ModelStage.Canary, Canary(5, Salt, 0.05));
        var metrics = Metrics.NewCustomRegistry();
        await using var router = await Started(topics, metrics: metrics);
        var before = Enumerable.Range(0, Units).Select(unit => router.Predict(Model, $"user-{unit}", Features(unit)).Variant).ToArray();

        using var writer = new RegistryWriter(kafka.Options(), topics);
        await writer.Publish(Canary(6, Salt, 0.25));
        await Given.Eventually(() => router.Routing.Routes[Model].AllocationSequence == 6, "the ramp to 25% is applied");
        var ramped = Enumerable.Range(0, Units).Select(unit => router.Predict(Model, $"user-{unit}", Features(unit)).Variant).ToArray();

        await writer.Publish(Canary(4, "stale-salt", 0.5));
        await Given.Eventually(() => Given.Counter(metrics, "streamingcl_client_allocations_ignored_total", Model, "stale") == 1, "the stale allocation is counted");
        var afterStale = Enumerable.Range(0, Units).Select(unit => router.Predict(Model, $"user-{unit}", Features(unit)).Variant).ToArray();

        Assert.InRange(before.Count(arm => arm == "canary") / (double)Units, 0.035, 0.065);
        Assert.InRange(ramped.Count(arm => arm == "canary") / (double)Units, 0.235, 0.265);
        Assert.All(before.Zip(ramped).Where(pair => pair.First == "canary"), pair => Assert.Equal("canary", pair.Second));
        Assert.Equal(ramped, afterStale);
        Assert.Equal(6, router.Routing.Routes[Model].AllocationSequence);
    }

    [Fact]
    public async Task Versions_swap_under_concurrent_requests_without_errors_and_every_result_comes_from_a_loaded_version()
    {
        var topics = await Registry("hot-swap", v2: null, Given.Allocation(1, Model, new ArmWeight("production", 1, 1)));
        using var writer = new RegistryWriter(kafka.Options(), topics);
        await using var router = await Started(topics);
        var expected = new Dictionary<int, Dictionary<int, double>>
        {
            [1] = Enumerable.Range(0, 100).ToDictionary(i => i, i => Score(V1, Features(i))),
            [2] = Enumerable.Range(0, 100).ToDictionary(i => i, i => Score(V2, Features(i))),
        };

        using var stop = new CancellationTokenSource();
        var deadline = DateTime.UtcNow + KafkaFixture.Timeout;
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            // Until stopped and 100 results of version 2 were seen (a worker starved of CPU keeps going).
            var (first, mismatches, newest, olderAfterNewest) = (0, 0, 0, 0);
            for (var n = 0; (!stop.IsCancellationRequested || newest < 100) && DateTime.UtcNow < deadline; n++)
            {
                var i = n % 100;
                var result = router.Predict(Model, $"worker-{worker}-{n}", Features(i));
                first = first == 0 ? result.ModelVersion : first;
                mismatches += expected.TryGetValue(result.ModelVersion, out var scores) && scores[i] == result.Score ? 0 : 1;
                olderAfterNewest += newest > 0 && result.ModelVersion != 2 ? 1 : 0;
                newest += result.ModelVersion == 2 ? 1 : 0;
                if (n % 1_000 == 0)
                {
                    // Four busy workers on a small machine must leave the router's reader some CPU.
                    Thread.Sleep(1);
                }
            }

            return (First: first, Mismatches: mismatches, Newest: newest, OlderAfterNewest: olderAfterNewest);
        })).ToArray();

        await Task.Delay(50);
        await writer.Publish(V2.At(ModelStage.Production));
        await writer.Publish(V1.At(ModelStage.Archived));
        await writer.Publish(Given.Allocation(2, Model, new ArmWeight("production", 1, 2)));
        await Given.Eventually(() => router.Routing.Routes[Model].Arms[0].Model.Version == 2, "version 2 serves");
        await Task.Delay(50);
        await stop.CancelAsync();
        var workersSaw = await Task.WhenAll(workers);

        Assert.All(workersSaw, saw =>
        {
            Assert.Equal(1, saw.First);
            Assert.Equal(0, saw.Mismatches);
            Assert.True(saw.Newest >= 100, $"the worker saw version 2 only {saw.Newest} times");
            // One reference exchange: once a worker saw version 2 it never sees version 1 again.
            Assert.Equal(0, saw.OlderAfterNewest);
        });
    }

    [Fact]
    public async Task A_tampered_version_is_refused_and_reported_and_the_last_good_version_keeps_serving()
    {
        var topics = await Registry("tampered", v2: null, Given.Allocation(1, Model, new ArmWeight("production", 1, 1)));
        var metrics = Metrics.NewCustomRegistry();
        using var writer = new RegistryWriter(kafka.Options(), topics);
        await using var router = await Started(topics, metrics: metrics);
        var rejected = new TaskCompletionSource<ModelRejectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        router.ModelRejected += (_, rejection) => rejected.TrySetResult(rejection);

        await writer.Publish(V2.At(ModelStage.Production).Tampered());
        await writer.Publish(Given.Allocation(2, Model, new ArmWeight("production", 1, 2)));
        var rejection = await rejected.Task.WaitAsync(KafkaFixture.Timeout);
        await Given.Eventually(() => router.Routing.Routes[Model].AllocationSequence == 2, "the allocation naming version 2 is applied");

        Assert.Equal((Model, 2, V2.ArtifactSha256), (rejection.ModelName, rejection.Version, rejection.ArtifactSha256));
        Assert.Contains("SHA-256", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(1, Given.Counter(metrics, "streamingcl_client_models_rejected_total", Model));
        Assert.All(Enumerable.Range(0, 200), unit =>
        {
            var result = router.Predict(Model, $"user-{unit}", Features(unit));
            Assert.Equal(1, result.ModelVersion);
            Assert.Equal(Score(V1, Features(unit)), result.Score, 12);
        });

        // The genuine artifact of version 2, published again, is accepted and served.
        await writer.Publish(V2.At(ModelStage.Production));
        await Given.Eventually(() => router.Routing.Routes[Model].Arms[0].Model.Version == 2, "the genuine version 2 serves");
        Assert.Equal(Score(V2, Features(3)), router.Predict(Model, "user-3", Features(3)).Score, 12);
    }

    [Fact]
    public async Task Shadow_versions_score_their_share_of_units_without_serving_capped_by_the_router_option()
    {
        var topics = await Registry("shadow", ModelStage.Shadow, Given.Allocation(1, Salt, new ArmWeight("production", 1, 1), new ArmWeight("shadow", 0.3, 2, Shadow: true)));

        await using var router = await Started(topics);
        await using var capped = await Started(topics, new ModelRouterOptions { ShadowShare = 0.1 });
        var results = Enumerable.Range(0, Units).Select(unit => router.Predict(Model, $"user-{unit}", Features(unit))).ToList();
        var cappedShare = Enumerable.Range(0, Units).Count(unit => capped.Predict(Model, $"user-{unit}", Features(unit)).Shadows.Count > 0) / (double)Units;

        Assert.InRange(results.Count(result => result.Shadows.Count > 0) / (double)Units, 0.285, 0.315);
        Assert.InRange(cappedShare, 0.085, 0.115);
        Assert.All(results, result =>
        {
            // Production serves every request; all of them are the shadow experiment's (served ones are the control of the pairs).
            Assert.Equal((1, "production", "rollout:m:2:shadow"), (result.ModelVersion, result.Variant, result.ExperimentId));
        });
        var shadowed = results.First(result => result.Shadows.Count > 0);
        var unit = int.Parse(shadowed.UnitId["user-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var shadow = Assert.Single(shadowed.Shadows);
        Assert.Equal(("shadow", 2), (shadow.Arm, shadow.ModelVersion));
        Assert.Equal(Score(V2, Features(unit)), shadow.Score, 12);
        var events = shadowed.ToEvents();
        Assert.Equal([false, true], events.Select(e => e.Shadow));
        Assert.Equal([1, 2], events.Select(e => e.ModelVersion));
        Assert.All(events, e => Assert.Equal(shadowed.PredictionId, e.PredictionId));
    }

    [Fact]
    public async Task A_bandit_bound_to_the_model_routes_its_arms_and_arms_without_a_version_are_served_by_production()
    {
        var bandit = Given.Allocation(1, "ctr-bandit", new ArmWeight("threshold-0.3", 0.6), new ArmWeight("threshold-0.7", 0.3), new ArmWeight("v2", 0.1, 2)) with
        {
            Target = "ctr-bandit",
            Kind = AllocationKind.Bandit,
        };
        var topics = await Registry("bandit", ModelStage.Candidate, Given.Allocation(1, Model, new ArmWeight("production", 1, 1)), bandit);

        await using var router = await Started(topics, new ModelRouterOptions { Experiments = new() { [Model] = "ctr-bandit" } });
        var results = Enumerable.Range(0, Units).Select(unit => router.Predict(Model, $"user-{unit}", Features(unit))).ToList();

        var shares = results.GroupBy(result => result.Variant).ToDictionary(group => group.Key, group => group.Count() / (double)Units);
        Assert.InRange(shares["threshold-0.3"], 0.585, 0.615);
        Assert.InRange(shares["threshold-0.7"], 0.285, 0.315);
        Assert.InRange(shares["v2"], 0.085, 0.115);
        Assert.All(results, result =>
        {
            Assert.Equal("ctr-bandit", result.ExperimentId);
            Assert.Equal(result.Variant == "v2" ? 2 : 1, result.ModelVersion);
        });
    }

    [Fact]
    public async Task An_unknown_model_gets_a_typed_exception_and_waiting_for_it_times_out_with_what_the_router_saw()
    {
        var topics = await Registry("unknown", v2: null);
        using (var writer = new RegistryWriter(kafka.Options(), topics))
        {
            await writer.Garbage(EventTopic.ModelUpdates, "m:99");
        }

        var metrics = Metrics.NewCustomRegistry();
        await using var router = await Started(topics, metrics: metrics);

        var unknown = Assert.Throws<UnknownModelException>(() => router.Predict("churn", "user-1", Features(1)));
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => router.WaitForModelAsync("churn", TimeSpan.FromMilliseconds(300)));

        Assert.Equal("churn", unknown.ModelName);
        Assert.Contains("Models served: m.", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("churn", timeout.Message, StringComparison.Ordinal);
        Assert.Equal(1, Given.Counter(metrics, "streamingcl_client_undecodable_records_total", topics[EventTopic.ModelUpdates].Name));
        Assert.Equal(new[] { Model }, router.Models);
        // No allocation: the newest production version serves everything, outside any experiment.
        var served = router.Predict(Model, "user-1", Features(1));
        Assert.Equal((1, "production", (string?)null), (served.ModelVersion, served.Variant, served.ExperimentId));
    }

    [Fact]
    public async Task Requests_with_bad_input_are_rejected_before_scoring()
    {
        var topics = await Registry("bad-input", v2: null);

        await using var router = await Started(topics);

        Assert.Contains("x1", Assert.Throws<ArgumentException>(() => router.Predict(Model, "user-1", new Dictionary<string, double> { ["x1"] = double.NaN })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => router.Predict(Model, " ", Features(1)));
        Assert.Throws<ArgumentException>(() => router.Predict("", "user-1", Features(1)));
    }

    /// <summary>New topics holding version 1 in production, version 2 at a stage (if given) and the allocations.</summary>
    private async Task<TopicCatalog> Registry(string test, ModelStage? v2, params TrafficAllocation[] allocations)
    {
        var topics = kafka.NewTopics(test);
        using var writer = new RegistryWriter(kafka.Options(), topics);
        await writer.Publish(V1.At(ModelStage.Production));
        if (v2 is { } stage)
        {
            await writer.Publish(V2.At(stage));
        }

        foreach (var allocation in allocations)
        {
            await writer.Publish(allocation);
        }

        return topics;
    }

    private static TrafficAllocation Canary(long sequence, string salt, double share) =>
        Given.Allocation(sequence, salt, new ArmWeight("production", 1 - share, 1), new ArmWeight("canary", share, 2));

    private async Task<ModelRouter> Started(TopicCatalog topics, ModelRouterOptions? options = null, CollectorRegistry? metrics = null)
    {
        var router = new ModelRouter(kafka.Options(), options, new ClientContext { Topics = topics, Metrics = metrics });
        await router.WaitForModelAsync(Model, KafkaFixture.Timeout);
        return router;
    }
}
