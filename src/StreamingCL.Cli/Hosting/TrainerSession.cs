using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors;
using StreamingCL.Registry;
using StreamingCL.Trainer;

namespace StreamingCL.Cli.Hosting;

/// <summary>What the trainer worker is configured with.</summary>
/// <param name="Trainer">The trainer of one model (section Trainer).</param>
/// <param name="Registry">The rollout policy (section Registry).</param>
/// <param name="Worker">Kafka settings of the worker (section TrainerWorker).</param>
/// <param name="Kafka">The cluster.</param>
/// <param name="Catalog">Topic names.</param>
/// <param name="Embedded">Whether the cluster is the embedded broker (sets the default guarantee).</param>
internal sealed record TrainerWorkerSettings(
    TrainerOptions Trainer, RegistryOptions Registry, TrainerWorkerOptions Worker, KafkaOptions Kafka, TopicCatalog Catalog, bool Embedded)
{
    public string Model => Trainer.ModelName;

    public string GroupId => Worker.GroupId(Model);

    public Guarantee Guarantee => Worker.EffectiveGuarantee(Embedded);

    /// <summary>Fails naming the key when the sections do not fit together.</summary>
    public void Validate() =>
        // A shadow's rollout judges its decisions against 0/1 labels (a paired test of the error rates).
        InvalidConfigurationException.ThrowUnless(
            Registry.EntryStage != ModelStage.Shadow || Trainer.Features.Task == ModelTask.BinaryClassification,
            $"{RegistryOptions.SectionName}:{nameof(RegistryOptions.EntryStage)}",
            $"Shadow judges a version by its decisions against 0/1 labels: only a binary classifier can enter as one, and {TrainerOptions.SectionName}:{nameof(TrainerOptions.Features)}:{nameof(FeatureSpec.Task)} is {Trainer.Features.Task}.");
}

/// <summary>The registry of the worker's model as the worker holds it: its versions (oldest first) and traffic allocation.</summary>
/// <param name="Versions">The model's versions, latest record of each.</param>
/// <param name="Allocation">The model's traffic allocation, if any.</param>
internal sealed record RegistryView(IReadOnlyList<ModelVersion> Versions, TrafficAllocation? Allocation)
{
    public static RegistryView Empty { get; } = new([], null);
}

/// <summary>
/// One life of the trainer's loop: a consumer assigned every partition of its five input topics
/// (no group membership: the trainer of a model reads all of labeled-examples, and a rebalance
/// could only split it), a fresh <see cref="ContinualTrainer"/> and <see cref="ModelRegistry"/>,
/// rebuilt from the topics, then one record at a time:
/// <list type="bullet">
/// <item>labeled-examples: into the buffer; rejected ones to dead-letters. Shadow examples are
/// left out: they repeat the served example's request and label.</item>
/// <item>retrain-triggers of the model: train, publish the candidate and the registry policy's
/// decision, commit (one transaction with the input positions on Apache Kafka).</item>
/// <item>experiment-metrics of the model's rollouts: the policy's ramp, promotion or rollback.</item>
/// <item>model-updates, traffic-allocations: applied to the registry, whoever wrote them (the
/// worker's own records included: the registry is the topics' fold, nothing else).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>Restore: labeled-examples, model-updates and traffic-allocations are read from the
/// beginning; records before the committed position rebuild state only (no dead letters, no
/// counts). The buffer is so rebuilt exactly from the retained topic (the reservoir needs all of
/// it), in the consumer's arrival order across partitions. Triggers and experiment metrics wait
/// until the registry has been read to its end and the buffer to the committed positions.</para>
/// <para>A trigger waits until labeled-examples has been read to the end it had when the trigger
/// was read, so it trains on the data that caused it.</para>
/// <para>Read-your-writes: after publishing, triggers and experiment metrics wait until the
/// consumer has read the published records back, so every decision is taken on a registry that
/// includes the previous ones, and the live registry is always the fold of the topics.</para>
/// <para>Any failure (a Kafka error, an aborted transaction) ends the session without committing;
/// the worker starts a new one, which rebuilds everything from the committed positions. A
/// trigger replayed then is recognised by the trigger ids of published versions; a candidate
/// published without its decision (possible at-least-once) is decided.</para>
/// </remarks>
internal sealed class TrainerSession : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(30);

    private readonly TrainerWorkerSettings _settings;
    private readonly EventSerdes _serdes;
    private readonly TrainerMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Action<RegistryView> _view;
    private readonly Action _restored;
    private readonly string _model;
    private readonly string _labeled;
    private readonly string _triggers;
    private readonly string _experiments;
    private readonly string _updates;
    private readonly string _allocations;
    private readonly string _deadLetters;
    private readonly string _rollouts;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly IAdminClient _admin;
    private readonly ITrainerOutputs _outputs;
    private readonly ContinualTrainer _trainer;
    private readonly RegistryPolicy _policy;
    private readonly ModelRegistry _registry = new();

    private readonly Dictionary<TopicPartition, long> _replayUntil = [];
    private readonly Dictionary<TopicPartition, long> _next = [];
    private readonly Dictionary<TopicPartition, long> _committed = [];
    private readonly Dictionary<TopicPartition, long> _read = [];
    private readonly Dictionary<TopicPartition, long> _barrier = [];
    private readonly Queue<ConsumeResult<byte[]?, byte[]?>> _deferred = new();
    private readonly Dictionary<TopicPartition, int> _deferredCount = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private TopicPartitionOffset? _examplesAwaitedFor;
    private bool _gated = true;
    private bool _isRestored;
    private bool _dirty;
    private long _lastCommit = Stopwatch.GetTimestamp();
    private long _replayed;

    public TrainerSession(
        TrainerWorkerSettings settings,
        string bootstrapServers,
        EventSerdes serdes,
        TrainerMetrics metrics,
        TimeProvider clock,
        ILogger logger,
        Func<ProducerConfig, Guarantee, ITrainerOutputs> outputs,
        Action<RegistryView> view,
        Action restored)
    {
        _settings = settings;
        _serdes = serdes;
        _metrics = metrics;
        _clock = clock;
        _logger = logger;
        _view = view;
        _restored = restored;
        _model = settings.Model;
        var catalog = settings.Catalog;
        _labeled = catalog[EventTopic.LabeledExamples].Name;
        _triggers = catalog[EventTopic.RetrainTriggers].Name;
        _experiments = catalog[EventTopic.ExperimentMetrics].Name;
        _updates = catalog[EventTopic.ModelUpdates].Name;
        _allocations = catalog[EventTopic.TrafficAllocations].Name;
        _deadLetters = catalog[EventTopic.DeadLetters].Name;
        _rollouts = $"{settings.Registry.ExperimentPrefix}{_model}:";
        _trainer = new ContinualTrainer(settings.Trainer, clock);
        _policy = new RegistryPolicy(settings.Registry);
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(ConsumerConfig(settings, bootstrapServers))
            .SetLogHandler((_, message) => logger.Log(message.Level <= SyslogLevel.Error ? LogLevel.Warning : LogLevel.Debug, "consumer: {Message}", message.Message))
            .SetErrorHandler((_, error) => logger.Log(error.IsFatal ? LogLevel.Error : LogLevel.Warning, "consumer: {Error}", error.Reason))
            .Build();
        _admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        _outputs = outputs(ProducerConfig(settings, bootstrapServers), settings.Guarantee);
    }

    /// <summary>Restores, then handles records until <paramref name="stopping"/>; commits what was handled on the way out. Throws on a Kafka failure, without committing.</summary>
    public void Run(CancellationToken stopping)
    {
        try
        {
            _outputs.Initialize();
            Assign();
            UpdateGate();
            while (!stopping.IsCancellationRequested)
            {
                if (!_gated && _deferred.Count > 0)
                {
                    HandleDeferred();
                    AfterRecord();
                    continue;
                }

                var result = _consumer.Consume(PollTimeout);
                if (result is null)
                {
                    AfterRecord();
                    continue;
                }

                var partition = result.TopicPartition;
                if (result.IsPartitionEOF)
                {
                    _read[partition] = Math.Max(_read[partition], result.Offset.Value);
                    UpdateGate();
                    continue;
                }

                _read[partition] = Math.Max(_read[partition], result.Offset.Value + 1);
                if (Waits(partition.Topic) && (_gated || _deferredCount.ContainsKey(partition) || !InputsCaughtUp(result)))
                {
                    Defer(result);
                    UpdateGate();
                    continue;
                }

                Handle(result);
                AfterRecord();
            }

            Commit();
        }
        catch
        {
            _outputs.Abort();
            throw;
        }
        finally
        {
            try
            {
                _consumer.Close();
            }
            catch (KafkaException e)
            {
                _logger.LogDebug(e, "closing the consumer failed");
            }
        }
    }

    public void Dispose()
    {
        _admin.Dispose();
        _consumer.Dispose();
        _outputs.Dispose();
    }

    private static ConsumerConfig ConsumerConfig(TrainerWorkerSettings settings, string bootstrapServers)
    {
        var config = settings.Kafka.ClientConfig<ConsumerConfig>();
        config.BootstrapServers = bootstrapServers;
        config.GroupId = settings.GroupId;
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;
        config.EnablePartitionEof = true;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        // Small fetches per partition interleave the partitions of labeled-examples finely, so the
        // buffer's most recent examples (the holdout) come from all of them, not from whichever
        // partition happened to be fetched last.
        SetDefault(settings.Kafka, "max.partition.fetch.bytes", () => config.MaxPartitionFetchBytes = 128 * 1024);
        // The mock broker answers an empty fetch only after fetch.wait.max.ms, even when data arrives meanwhile.
        if (settings.Embedded)
        {
            SetDefault(settings.Kafka, "fetch.wait.max.ms", () => config.FetchWaitMaxMs = 20);
        }

        return config;
    }

    private static ProducerConfig ProducerConfig(TrainerWorkerSettings settings, string bootstrapServers)
    {
        var config = settings.Kafka.ClientConfig<ProducerConfig>();
        config.BootstrapServers = bootstrapServers;
        config.EnableIdempotence = true;
        config.MessageMaxBytes = TopicCatalog.ModelUpdatesMaxMessageBytes;
        if (settings.Guarantee == Guarantee.ExactlyOnce)
        {
            config.TransactionalId = settings.GroupId;
        }

        SetDefault(settings.Kafka, "linger.ms", () => config.LingerMs = 5);
        return config;
    }

    private static void SetDefault(KafkaOptions kafka, string key, Action set)
    {
        if (!kafka.Properties.ContainsKey(key))
        {
            set();
        }
    }

    /// <summary>
    /// Assigns every partition: labeled-examples and the registry topics from the beginning (state
    /// is rebuilt up to the committed positions), triggers and experiment metrics from the
    /// committed positions. Triggers wait until the registry topics are read to their current end
    /// and labeled-examples to the committed positions.
    /// </summary>
    private void Assign()
    {
        string[] rebuilt = [_labeled, _updates, _allocations];
        var partitions = new List<TopicPartition>();
        foreach (var topic in new[] { _labeled, _triggers, _experiments, _updates, _allocations })
        {
            var metadata = _admin.GetMetadata(topic, MetadataTimeout).Topics.Single();
            if (metadata.Error.IsError || metadata.Partitions.Count == 0)
            {
                throw new KafkaException(new Error(metadata.Error.Code, $"topic {topic}: {metadata.Error.Reason} (is it created? `streamingcl topics create`)"));
            }

            partitions.AddRange(metadata.Partitions.Select(partition => new TopicPartition(topic, partition.PartitionId)));
        }

        var committed = _consumer.Committed(partitions, MetadataTimeout).ToDictionary(offset => offset.TopicPartition, offset => offset.Offset);
        var registryEnds = Ends(partitions.Where(partition => partition.Topic == _updates || partition.Topic == _allocations));
        var assignment = new List<TopicPartitionOffset>();
        foreach (var partition in partitions)
        {
            var position = committed.GetValueOrDefault(partition, Offset.Unset);
            var known = position.Value >= 0 ? position.Value : (long?)null;
            _committed[partition] = known ?? -1;
            _read[partition] = 0;
            if (rebuilt.Contains(partition.Topic))
            {
                _replayUntil[partition] = known ?? 0;
                assignment.Add(new TopicPartitionOffset(partition, Offset.Beginning));
                _barrier[partition] = partition.Topic == _labeled ? known ?? 0 : registryEnds[partition];
            }
            else
            {
                _replayUntil[partition] = 0;
                assignment.Add(new TopicPartitionOffset(partition, known is { } offset ? new Offset(offset) : Offset.Beginning));
            }
        }

        _consumer.Assign(assignment);
        _logger.LogInformation(
            "Trainer of {Model} ({Guarantee}) restoring: {Updates} and {Allocations} to their end, {Labeled} to the committed positions",
            _model,
            _settings.Guarantee,
            _updates,
            _allocations,
            _labeled);
    }

    private bool Waits(string topic) => topic == _triggers || topic == _experiments;

    /// <summary>
    /// Whether labeled-examples and model-updates have been read to the ends they have now; if
    /// not, those become the barrier the trigger waits behind. A trigger is written after the
    /// examples that caused it (drift, performance, volume) and trains against the registry as it
    /// was then (a rollback, a refused artifact); consuming the topics at once must not let it
    /// overtake them.
    /// </summary>
    private bool InputsCaughtUp(ConsumeResult<byte[]?, byte[]?> result)
    {
        // Once per trigger: asking again after the wait could chase a topic that never stops growing.
        if (result.Topic != _triggers || result.TopicPartitionOffset == _examplesAwaitedFor)
        {
            return true;
        }

        _examplesAwaitedFor = result.TopicPartitionOffset;
        var caughtUp = true;
        foreach (var (partition, end) in Ends(_read.Keys.Where(partition => partition.Topic == _labeled || partition.Topic == _updates)))
        {
            if (_read[partition] < end)
            {
                _barrier[partition] = Math.Max(_barrier.GetValueOrDefault(partition), end);
                caughtUp = false;
            }
        }

        return caughtUp;
    }

    /// <summary>
    /// Where a read_committed consumer of each partition ends now (the last stable offset), in one
    /// request per broker: a trigger waits for this, not for one round trip per partition.
    /// </summary>
    private Dictionary<TopicPartition, long> Ends(IEnumerable<TopicPartition> partitions)
    {
        var specs = partitions.Select(partition => new TopicPartitionOffsetSpec { TopicPartition = partition, OffsetSpec = OffsetSpec.Latest() }).ToList();
        if (specs.Count == 0)
        {
            return [];
        }

        var result = _admin.ListOffsetsAsync(specs, new ListOffsetsOptions { IsolationLevel = IsolationLevel.ReadCommitted, RequestTimeout = MetadataTimeout })
            .GetAwaiter().GetResult();
        return result.ResultInfos.ToDictionary(info => info.TopicPartitionOffsetError.TopicPartition, info => info.TopicPartitionOffsetError.Offset.Value);
    }

    private void Defer(ConsumeResult<byte[]?, byte[]?> result)
    {
        _deferred.Enqueue(result);
        var partition = result.TopicPartition;
        var count = _deferredCount.GetValueOrDefault(partition);
        _deferredCount[partition] = count + 1;
        if (count == 0)
        {
            _consumer.Pause([partition]);
        }
    }

    private void HandleDeferred()
    {
        if (!InputsCaughtUp(_deferred.Peek()))
        {
            return;
        }

        var result = _deferred.Dequeue();
        var partition = result.TopicPartition;
        if (--_deferredCount[partition] == 0)
        {
            _deferredCount.Remove(partition);
            _consumer.Resume([partition]);
        }

        Handle(result);
    }

    private void AfterRecord()
    {
        UpdateGate();
        if (Stopwatch.GetElapsedTime(_lastCommit) >= _settings.Worker.CommitInterval)
        {
            Commit();
        }
    }

    private void UpdateGate()
    {
        var gated = _barrier.Any(pair => _read[pair.Key] < pair.Value);
        var opened = _gated && !gated;
        _gated = gated;
        if (!opened)
        {
            return;
        }

        if (!_isRestored)
        {
            _isRestored = true;
            var production = _registry.Newest(_model, ModelStage.Production);
            _logger.LogInformation(
                "Trainer of {Model} restored in {Elapsed:0.0} s: {Versions} versions (production: {Production}); buffer of {Holdout} holdout, {Window} window, {Reservoir} reservoir examples from {Replayed} replayed",
                _model,
                Stopwatch.GetElapsedTime(_started).TotalSeconds,
                _registry.Versions(_model).Count,
                production is null ? "none" : $"v{production.Version}",
                _trainer.HoldoutCount,
                _trainer.WindowCount,
                _trainer.ReservoirCount,
                _replayed);
            _metrics.Buffer(_model, _trainer);
            _restored();
        }

        DecideUndecidedCandidate();
    }

    private void Handle(ConsumeResult<byte[]?, byte[]?> result)
    {
        var partition = result.TopicPartition;
        var live = result.Offset.Value >= _replayUntil[partition];
        var topic = partition.Topic;
        if (topic == _triggers)
        {
            HandleTrigger(result);
            _next[partition] = result.Offset.Value + 1;
            return;
        }

        // The position moves first: a step's commit includes the record that caused it; a failure commits nothing.
        _next[partition] = result.Offset.Value + 1;
        if (topic == _labeled)
        {
            HandleExample(result, live);
        }
        else if (topic == _experiments)
        {
            HandleExperiment(result);
        }
        else if (topic == _updates)
        {
            HandleModelUpdate(result, live);
        }
        else if (topic == _allocations)
        {
            HandleAllocation(result, live);
        }
    }

    private void HandleExample(ConsumeResult<byte[]?, byte[]?> result, bool live)
    {
        if (!TryDecode<LabeledExample>(result, out var example, out var problem))
        {
            if (live)
            {
                DeadLetter(result, problem);
            }

            return;
        }

        if (example.Shadow)
        {
            if (live && example.ModelName == _model)
            {
                _metrics.ShadowExample(_model);
            }

            return;
        }

        var partition = result.TopicPartition;
        var outcome = _trainer.Add(example, new ExamplePosition(partition.Topic, partition.Partition, result.Offset.Value));
        if (!live)
        {
            _replayed++;
            return;
        }

        _metrics.Example(_model, outcome.Disposition, outcome.Problem);
        if (outcome.Disposition == ExampleDisposition.Rejected)
        {
            DeadLetter(result, outcome.Problem!.Value);
        }
    }

    private void HandleTrigger(ConsumeResult<byte[]?, byte[]?> result)
    {
        if (!TryDecode<RetrainTrigger>(result, out var trigger, out var problem))
        {
            DeadLetter(result, problem);
            return;
        }

        if (string.IsNullOrWhiteSpace(trigger.TriggerId))
        {
            DeadLetter(result, new EventProblem(DeadLetterKind.MissingField, "trigger_id is empty."));
            return;
        }

        if (trigger.ModelName != _model)
        {
            return;
        }

        if (_policy.AnsweredBy(_registry, trigger, _clock.GetUtcNow()) is { } answer)
        {
            _metrics.Trigger(_model, "answered");
            _logger.LogInformation("Trigger {Trigger} of {Model}: answered by v{Version} ({Stage})", trigger.TriggerId, _model, answer.Version, answer.Stage);
            return;
        }

        // What came before is committed first (without this trigger): no transaction stays open while training.
        Commit();
        TrainingOutcome outcome;
        List<ModelVersion> versions;
        TrafficAllocation? allocation;
        try
        {
            var champion = _registry.Newest(_model, ModelStage.Production);
            outcome = _trainer.Train(new TrainingRequest
            {
                Trigger = trigger,
                Champion = champion,
                Version = _registry.NextVersion(_model),
                StatefulUpdatesSinceFullRetrain = champion is null
                    ? 0
                    : ContinualTrainer.CountStatefulUpdates(champion, _registry.Versions(_model).ToDictionary(version => version.Version)),
            });
            if (outcome.Status != TrainingStatus.Trained)
            {
                var status = outcome.Status == TrainingStatus.DuplicateTrigger ? "duplicate" : "skipped";
                _metrics.Trigger(_model, status);
                _logger.LogInformation("Trigger {Trigger} of {Model}: {Status}, {Reason}", trigger.TriggerId, _model, status, outcome.Reason);
                return;
            }

            var candidate = outcome.Version!;
            var decision = _policy.OnPublished(_registry, candidate, _clock.GetUtcNow());
            versions = [candidate, .. decision.Versions];
            allocation = decision.Allocation;
        }
        catch (Exception e) when (e is not OperationCanceledException and not KafkaException)
        {
            // A trigger that cannot be trained on must not stop the trainer: it is dead-lettered, not retried forever.
            _metrics.Trigger(_model, "failed");
            _logger.LogError(e, "Trigger {Trigger} of {Model} failed; dead-lettered", trigger.TriggerId, _model);
            DeadLetter(result, new EventProblem(DeadLetterKind.ProcessingError, $"training failed: {e.Message}"));
            return;
        }

        _next[result.TopicPartition] = result.Offset.Value + 1;
        Publish(versions, allocation);
        Commit();
        var published = versions[0];
        var stage = versions.LastOrDefault(version => version.Version == published.Version) ?? published;
        _metrics.Trigger(_model, "trained");
        _metrics.Trained(_model, outcome);
        _metrics.Published(_model, published.TrainingKind, _clock.GetUtcNow() - trigger.Timestamp);
        _logger.LogInformation(
            "{Model} v{Version} published ({Kind}, {Seconds:0.00} s to train) for trigger {Trigger}: {Stage}, {Reason}",
            _model,
            published.Version,
            published.TrainingKind,
            outcome.TotalDuration.TotalSeconds,
            trigger.TriggerId,
            stage.Stage,
            stage.ChangeReason);
    }

    private void HandleExperiment(ConsumeResult<byte[]?, byte[]?> result)
    {
        if (!TryDecode<ExperimentMetric>(result, out var metric, out var problem))
        {
            DeadLetter(result, problem);
            return;
        }

        if (!metric.ExperimentId.StartsWith(_rollouts, StringComparison.Ordinal))
        {
            return;
        }

        RegistryDecision decision;
        try
        {
            decision = _policy.OnExperiment(_registry, metric);
        }
        catch (Exception e) when (e is not OperationCanceledException and not KafkaException)
        {
            _logger.LogError(e, "Experiment metric of {Experiment} could not be applied; dead-lettered", metric.ExperimentId);
            DeadLetter(result, new EventProblem(DeadLetterKind.ProcessingError, $"registry policy failed: {e.Message}"));
            return;
        }

        if (!decision.IsEmpty)
        {
            Publish(decision.Versions, decision.Allocation);
            Commit();
            LogDecision(decision, $"{metric.Verdict} verdict of {metric.ExperimentId}");
        }
    }

    private void HandleModelUpdate(ConsumeResult<byte[]?, byte[]?> result, bool live)
    {
        // A tombstone would delete a version on compaction; StreamingCL never writes one, and the registry keeps what it knows.
        if (result.Message.Value is null)
        {
            return;
        }

        if (!TryDecode<ModelVersion>(result, out var version, out var problem))
        {
            if (live)
            {
                DeadLetter(result, problem);
            }

            return;
        }

        if (version.ModelName != _model)
        {
            return;
        }

        _registry.Apply(version);
        if (!string.IsNullOrEmpty(version.TriggerId))
        {
            _trainer.MarkTriggerSeen(version.TriggerId);
        }

        _metrics.Stage(version);
        _view(new RegistryView(_registry.Versions(_model), _registry.Allocation(_model)));
        if (live && _isRestored && version.ChangedBy != ContinualTrainer.ChangedBy && version.ChangedBy != _settings.Registry.Actor)
        {
            _logger.LogInformation("{Model} v{Version} is {Stage}: {By}, {Reason}", _model, version.Version, version.Stage, version.ChangedBy, version.ChangeReason);
        }
    }

    private void HandleAllocation(ConsumeResult<byte[]?, byte[]?> result, bool live)
    {
        if (result.Message.Value is null)
        {
            return;
        }

        if (!TryDecode<TrafficAllocation>(result, out var allocation, out var problem))
        {
            if (live)
            {
                DeadLetter(result, problem);
            }

            return;
        }

        if (allocation.Target != _model)
        {
            return;
        }

        _registry.Apply(allocation);
        _view(new RegistryView(_registry.Versions(_model), _registry.Allocation(_model)));
    }

    /// <summary>
    /// A candidate without a decision was published by a step whose commit failed after the
    /// candidate got out (at-least-once only): decide it now. One at a time, each on the registry
    /// that includes the previous decision.
    /// </summary>
    private void DecideUndecidedCandidate()
    {
        var candidate = _registry.Versions(_model).FirstOrDefault(version => version.Stage == ModelStage.Candidate);
        if (candidate is null)
        {
            return;
        }

        var decision = _policy.OnPublished(_registry, candidate, _clock.GetUtcNow());
        Publish(decision.Versions, decision.Allocation);
        Commit();
        LogDecision(decision, $"v{candidate.Version} had been published without a registry decision");
    }

    private void Publish(IEnumerable<ModelVersion> versions, TrafficAllocation? allocation)
    {
        foreach (var version in versions)
        {
            Produce(_updates, version.Key, _serdes.For<ModelVersion>().Serialize(version, _updates));
        }

        if (allocation is not null)
        {
            Produce(_allocations, allocation.Target, _serdes.For<TrafficAllocation>().Serialize(allocation, _allocations));
        }
    }

    private void Produce(string topic, string key, byte[] value) => Produce(topic, Encoding.UTF8.GetBytes(key), value);

    private void Produce(string topic, byte[]? key, byte[] value)
    {
        _outputs.Produce(topic, key, value);
        _dirty = true;
    }

    /// <summary>
    /// Commits the positions of handled records with what was produced; what was written to the
    /// registry topics must be read back before the next trigger or experiment metric.
    /// </summary>
    private void Commit()
    {
        var positions = _next
            .Where(pair => pair.Value > _committed[pair.Key])
            .Select(pair => new TopicPartitionOffset(pair.Key, pair.Value))
            .ToList();
        _lastCommit = Stopwatch.GetTimestamp();
        if (positions.Count == 0 && !_dirty)
        {
            return;
        }

        var written = _outputs.Commit(positions, _consumer);
        _dirty = false;
        _metrics.Buffer(_model, _trainer);
        foreach (var position in positions)
        {
            _committed[position.TopicPartition] = position.Offset.Value;
        }

        foreach (var (partition, offset) in written)
        {
            if (partition.Topic == _updates || partition.Topic == _allocations)
            {
                _barrier[partition] = Math.Max(_barrier.GetValueOrDefault(partition), offset + 1);
            }
        }

        UpdateGate();
    }

    private void LogDecision(RegistryDecision decision, string cause)
    {
        var changes = string.Join("; ", decision.Versions.Select(version => $"v{version.Version} {version.Stage} ({version.ChangeReason})"));
        var traffic = decision.Allocation is { } allocation
            ? string.Join(", ", allocation.Arms.Select(arm => $"{arm.Arm} v{arm.ModelVersion} {arm.Weight:P0}"))
            : "unchanged";
        _logger.LogInformation("{Model}: {Cause}: {Changes}; traffic {Traffic}", _model, cause, changes.Length > 0 ? changes : "no stage change", traffic);
    }

    private bool TryDecode<T>(ConsumeResult<byte[]?, byte[]?> result, out T value, out EventProblem problem)
        where T : class, IAvroEvent<T>
    {
        value = null!;
        problem = default;
        var bytes = result.Message.Value;
        if (bytes is null)
        {
            problem = new EventProblem(DeadLetterKind.MissingField, "The record has no value (tombstone).");
            return false;
        }

        try
        {
            value = _serdes.For<T>().Deserialize(bytes, false, new SerializationContext(MessageComponentType.Value, result.Topic));
            return true;
        }
        catch (EventDecodeException e)
        {
            problem = new EventProblem(e.Kind, e.Message);
            return false;
        }
    }

    private void DeadLetter(ConsumeResult<byte[]?, byte[]?> result, EventProblem problem)
    {
        var letter = new DeadLetter
        {
            OriginalTopic = result.Topic,
            OriginalPartition = result.Partition.Value,
            OriginalOffset = result.Offset.Value,
            OriginalTimestamp = result.Message.Timestamp.UtcDateTime,
            // Typed nulls: a bare null would become an empty, non-null ReadOnlyMemory.
            Key = result.Message.Key is { } key ? key : (ReadOnlyMemory<byte>?)null,
            Payload = result.Message.Value is { } payload ? payload : (ReadOnlyMemory<byte>?)null,
            ErrorKind = problem.Kind,
            Reason = problem.Reason,
            Processor = _settings.GroupId,
            FailedAt = _clock.GetUtcNow(),
        };
        Produce(_deadLetters, result.Message.Key, _serdes.For<DeadLetter>().Serialize(letter, _deadLetters));
        _metrics.DeadLetter(letter);
        _logger.LogDebug("Dead-lettered {Topic}[{Partition}]@{Offset}: {Kind}, {Reason}", result.Topic, result.Partition.Value, result.Offset.Value, problem.Kind, problem.Reason);
    }
}
