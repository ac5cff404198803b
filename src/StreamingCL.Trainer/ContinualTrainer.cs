using System.Diagnostics;
using System.Globalization;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer;

/// <summary>
/// The continual trainer of one model, without Kafka: the worker feeds it labeled examples with
/// their positions (<see cref="Add"/>) and triggers (<see cref="Train"/>), and publishes the
/// ModelVersion it returns. Training kind per trigger (the hybrid policy, first rule that applies):
/// the trigger asks for stateless; there is no champion, or its artifact cannot be used; the
/// champion was trained under another featurisation (a "model iteration" cannot warm-start); the
/// trigger asks for stateful; every <see cref="TrainerOptions.FullRetrainEvery"/>-th update;
/// otherwise stateful. Challenger and champion are evaluated on the holdout examples neither has
/// seen (those after the champion's lineage).
/// </summary>
/// <remarks>
/// Not thread-safe: the worker calls it from its consume loop. Trigger ids are remembered once
/// <see cref="Train"/> returns (the last <see cref="RememberedTriggers"/>); a worker that
/// restarts seeds them from the published versions with <see cref="MarkTriggerSeen"/>, and one
/// whose transaction aborts rebuilds the trainer, as it does its buffer, by re-reading.
/// </remarks>
public sealed class ContinualTrainer
{
    /// <summary>How many trigger ids are remembered for de-duplication.</summary>
    public const int RememberedTriggers = 100_000;

    /// <summary>The stage change author written into published versions.</summary>
    public const string ChangedBy = "trainer";

    private readonly TrainerOptions _options;
    private readonly TimeProvider _time;
    private readonly Featurizer _featurizer;
    private readonly TrainingBuffer _buffer;
    private readonly LinearModelTrainer _trainer;
    private readonly HashSet<string> _seenTriggers = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new();
    private (string Key, string Sha256, ModelScorer? Scorer, string? Problem)? _champion;

    /// <summary>Creates the trainer; validates the options.</summary>
    public ContinualTrainer(TrainerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _featurizer = new Featurizer(options.Features);
        _buffer = new TrainingBuffer(options.HoldoutSize, options.WindowSize, options.ReservoirSize, options.Seed);
        _trainer = new LinearModelTrainer(options);
    }

    /// <summary>SHA-256 of the configured featurisation.</summary>
    public string FeatureSpecSha256 => _featurizer.SpecSha256;

    /// <summary>Examples in the holdout.</summary>
    public int HoldoutCount => _buffer.Holdout.Count;

    /// <summary>Examples in the recent window.</summary>
    public int WindowCount => _buffer.Window.Count;

    /// <summary>Examples in the reservoir.</summary>
    public int ReservoirCount => _buffer.Reservoir.Count;

    internal TrainingBuffer Buffer => _buffer;

    internal Featurizer Featurizer => _featurizer;

    /// <summary>
    /// Buffers a labeled example read at <paramref name="position"/>, or says why not. Rejected
    /// (to be dead-lettered): what the featuriser rejects (NaN or infinite values, a missing
    /// label, values beyond float) and a prediction id already buffered. Never throws for bad data.
    /// </summary>
    public AddOutcome Add(LabeledExample example, ExamplePosition position)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (!string.IsNullOrEmpty(example.ModelName) && example.ModelName != _options.ModelName)
        {
            return new AddOutcome(ExampleDisposition.OtherModel);
        }

        if (_featurizer.TryFeaturize(example, out var features, out var label) is { } problem)
        {
            return new AddOutcome(ExampleDisposition.Rejected, problem);
        }

        if (_buffer.Contains(example.PredictionId))
        {
            return new AddOutcome(
                ExampleDisposition.Rejected,
                new EventProblem(DeadLetterKind.Duplicate, $"prediction_id {example.PredictionId} is already in the training buffer."));
        }

        _buffer.Add(new BufferedExample(example, position, features, label));
        return new AddOutcome(ExampleDisposition.Accepted);
    }

    /// <summary>Remembers a trigger id as handled (e.g. the TriggerId of a published version, after a restart).</summary>
    public void MarkTriggerSeen(string triggerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(triggerId);
        if (_seenTriggers.Add(triggerId))
        {
            _seenOrder.Enqueue(triggerId);
            if (_seenOrder.Count > RememberedTriggers)
            {
                _seenTriggers.Remove(_seenOrder.Dequeue());
            }
        }
    }

    /// <summary>
    /// Handles a trigger: chooses the training kind, builds the training set, fits, evaluates
    /// challenger and champion on the holdout, and returns the challenger as a Candidate
    /// ModelVersion. A trigger id seen before returns <see cref="TrainingStatus.DuplicateTrigger"/>.
    /// </summary>
    public TrainingOutcome Train(TrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var trigger = request.Trigger;
        if (request.Champion is { } champion && champion.ModelName != _options.ModelName)
        {
            throw new ArgumentException($"The champion is a version of {champion.ModelName}, this trainer trains {_options.ModelName}.", nameof(request));
        }

        if (_seenTriggers.Contains(trigger.TriggerId))
        {
            return new TrainingOutcome { Status = TrainingStatus.DuplicateTrigger, Reason = $"Trigger {trigger.TriggerId} was handled before." };
        }

        try
        {
            return trigger.ModelName != _options.ModelName
                ? Skip($"The trigger is for {trigger.ModelName}, this trainer trains {_options.ModelName}.")
                : TrainCore(request);
        }
        finally
        {
            MarkTriggerSeen(trigger.TriggerId);
        }
    }

    /// <summary>
    /// The hybrid policy's clock: how many stateful versions lead from the champion back to its
    /// closest stateless ancestor, following parent versions through <paramref name="versions"/>
    /// (the registry's versions of the model by number). A missing ancestor ends the count.
    /// </summary>
    public static int CountStatefulUpdates(ModelVersion champion, IReadOnlyDictionary<int, ModelVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(versions);
        var count = 0;
        var current = champion;
        while (current.TrainingKind == TrainingKind.Stateful && count <= versions.Count)
        {
            count++;
            if (current.ParentVersion is not { } parent || !versions.TryGetValue(parent, out current!))
            {
                break;
            }
        }

        return count;
    }

    private TrainingOutcome TrainCore(TrainingRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var (championScorer, championProblem) = LoadChampion(request.Champion);
        var (kind, kindReason) = ChooseKind(request, championScorer, championProblem);
        var seen = request.Champion is { } champion && championScorer is not null ? SeenCutoff.From(champion.Lineage) : SeenCutoff.None;

        var holdout = _buffer.Holdout.Where(e => seen.IsNew(e.Position)).ToList();
        if (holdout.Count < _options.MinimumHoldoutExamples)
        {
            return Skip($"{holdout.Count} holdout examples unseen by the champion; at least {_options.MinimumHoldoutExamples} are needed.", kind, championProblem);
        }

        var seed = DrawSeed(request.Trigger.TriggerId);
        var set = TrainingSetCurator.Build(
            _buffer, _options, kind, seen, championScorer is { Task: ModelTask.BinaryClassification } scorer ? scorer.Score : null, seed);
        var needed = kind == TrainingKind.Stateful ? "new examples" : "training examples";
        var newCount = kind == TrainingKind.Stateful ? set.Population.Count(e => seen.IsNew(e.Position)) : set.Examples.Count;
        if (newCount < _options.MinimumTrainingExamples || set.Examples.Count == 0)
        {
            return Skip($"{newCount} {needed}; at least {_options.MinimumTrainingExamples} are needed for a {kind} training.", kind, championProblem);
        }

        var fitStarted = Stopwatch.GetTimestamp();
        var challenger = kind == TrainingKind.Stateful
            ? _trainer.Fit(_featurizer, set, championScorer, _options.WarmStartIterations)
            : _trainer.Fit(_featurizer, set, null, _options.FullRetrainIterations);
        var fitDuration = Stopwatch.GetElapsedTime(fitStarted);

        var binary = _featurizer.IsBinary;
        var challengerMetrics = HoldoutEvaluator.Evaluate(challenger, holdout, binary);
        var championMetrics = championScorer is not null && championScorer.Task == _featurizer.Spec.Task
            ? HoldoutEvaluator.Evaluate(championScorer, holdout, binary)
            : [];
        var populationScores = set.Population.Select(e => challenger.Score(e.Features)).ToArray();
        var artifact = challenger.ToArtifact();
        var now = _time.GetUtcNow();
        var versus = championMetrics.Count > 0 ? $" vs champion v{request.Champion!.Version} {Summary(championMetrics)}" : "";
        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"{kind} training ({kindReason}) on {set.Examples.Count} examples: {set.Description}; trigger {request.Trigger.Kind}: {request.Trigger.Reason}. Holdout of {holdout.Count}: {Summary(challengerMetrics)}{versus}.");
        var version = new ModelVersion
        {
            ModelName = _options.ModelName,
            Version = request.Version,
            ParentVersion = request.Champion?.Version,
            Stage = ModelStage.Candidate,
            TrainingKind = kind,
            TriggerId = request.Trigger.TriggerId,
            CreatedAt = now,
            UpdatedAt = now,
            ChangedBy = ChangedBy,
            ChangeReason = reason,
            HoldoutMetrics = challengerMetrics,
            ChampionHoldoutMetrics = championMetrics,
            Lineage = TrainingProvenance.Lineage(set.Examples),
            FeatureSpecSha256 = _featurizer.SpecSha256,
            ReferenceProfile = TrainingProvenance.ReferenceProfiles(_featurizer.Spec, set.Population, populationScores, _options.ProfileBins),
            Artifact = artifact,
            ArtifactSha256 = ModelScorer.Sha256Hex(artifact),
        };
        return new TrainingOutcome
        {
            Status = TrainingStatus.Trained,
            Reason = reason,
            Version = version,
            Kind = kind,
            TrainingExamples = set.Examples.Count,
            HoldoutExamples = holdout.Count,
            FitDuration = fitDuration,
            TotalDuration = Stopwatch.GetElapsedTime(started),
            ChampionProblem = championProblem,
        };
    }

    private (TrainingKind Kind, string Reason) ChooseKind(TrainingRequest request, ModelScorer? champion, string? championProblem)
    {
        var asked = request.Trigger.TrainingKind;
        if (asked == TrainingKind.Stateless)
        {
            return (TrainingKind.Stateless, "asked by the trigger");
        }

        if (request.Champion is null)
        {
            return (TrainingKind.Stateless, "no champion to start from");
        }

        if (champion is null)
        {
            return (TrainingKind.Stateless, $"the champion cannot be used: {championProblem}");
        }

        if (champion.FeatureSpecSha256 != _featurizer.SpecSha256)
        {
            return (TrainingKind.Stateless, "the featurisation changed since the champion");
        }

        if (asked == TrainingKind.Stateful)
        {
            return (TrainingKind.Stateful, "asked by the trigger");
        }

        if (_options.FullRetrainEvery > 0 && request.StatefulUpdatesSinceFullRetrain + 1 >= _options.FullRetrainEvery)
        {
            return (TrainingKind.Stateless, $"every {_options.FullRetrainEvery}th update is a full retrain");
        }

        return (TrainingKind.Stateful, "the default");
    }

    // The last champion is kept loaded: triggers mostly come for the same one.
    private (ModelScorer? Scorer, string? Problem) LoadChampion(ModelVersion? champion)
    {
        if (champion is null)
        {
            return (null, null);
        }

        if (_champion is { } cached && cached.Key == champion.Key && cached.Sha256 == champion.ArtifactSha256)
        {
            return (cached.Scorer, cached.Problem);
        }

        ModelScorer? scorer = null;
        string? problem = null;
        try
        {
            scorer = ModelScorer.Load(champion);
            if (scorer.Task != _featurizer.Spec.Task)
            {
                problem = $"{champion.Key} is a {scorer.Task} model, this trainer trains {_featurizer.Spec.Task}.";
                scorer = null;
            }
        }
        catch (InvalidDataException e)
        {
            problem = e.Message;
        }

        _champion = (champion.Key, champion.ArtifactSha256, scorer, problem);
        return (scorer, problem);
    }

    // Replay and sampling draws depend on the seed and the trigger only, so a replayed trigger on the same buffer trains the same model.
    private int DrawSeed(string triggerId) =>
        (int)StableHash.Mix(StableHash.Fnv1a(triggerId, StableHash.OffsetBasis) ^ (ulong)_options.Seed);

    private static string Summary(Dictionary<string, double> metrics) =>
        string.Join(", ", metrics.Where(p => p.Key != HoldoutEvaluator.Count).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.####}")));

    private static TrainingOutcome Skip(string reason, TrainingKind? kind = null, string? championProblem = null) =>
        new() { Status = TrainingStatus.Skipped, Reason = reason, Kind = kind, ChampionProblem = championProblem };
}
