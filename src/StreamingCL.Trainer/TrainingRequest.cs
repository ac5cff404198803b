using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer;

/// <summary>What the worker asks of <see cref="ContinualTrainer.Train"/>: a trigger, the champion, and the version to publish.</summary>
public sealed record TrainingRequest
{
    /// <summary>The trigger being handled.</summary>
    public required RetrainTrigger Trigger { get; init; }

    /// <summary>The version in production (with its artifact), or null for the first version.</summary>
    public ModelVersion? Champion { get; init; }

    /// <summary>Version number to give the challenger (the registry's highest plus one).</summary>
    public required int Version { get; init; }

    /// <summary>
    /// Stateful updates between the champion and its closest stateless ancestor
    /// (<see cref="ContinualTrainer.CountStatefulUpdates"/>); the hybrid policy's clock.
    /// </summary>
    public int StatefulUpdatesSinceFullRetrain { get; init; }
}

/// <summary>Whether a trigger produced a version.</summary>
public enum TrainingStatus
{
    /// <summary>A challenger was trained and evaluated: <see cref="TrainingOutcome.Version"/> is to be published.</summary>
    Trained,

    /// <summary>The trigger id was handled before; nothing was done.</summary>
    DuplicateTrigger,

    /// <summary>The trigger was handled but no version was worth training (reason given).</summary>
    Skipped,
}

/// <summary>The result of handling a trigger, with what the worker logs and measures.</summary>
public sealed record TrainingOutcome
{
    /// <summary>Whether a version was trained.</summary>
    public required TrainingStatus Status { get; init; }

    /// <summary>Why: the skip reason, or how the version was trained.</summary>
    public required string Reason { get; init; }

    /// <summary>The challenger, stage Candidate, when <see cref="Status"/> is Trained.</summary>
    public ModelVersion? Version { get; init; }

    /// <summary>Training kind chosen, when one was.</summary>
    public TrainingKind? Kind { get; init; }

    /// <summary>Examples trained on.</summary>
    public int TrainingExamples { get; init; }

    /// <summary>Holdout examples both models were evaluated on.</summary>
    public int HoldoutExamples { get; init; }

    /// <summary>Time spent in ML.NET's Fit.</summary>
    public TimeSpan FitDuration { get; init; }

    /// <summary>Time spent handling the trigger (curation, fit, evaluation, profiles, artifact).</summary>
    public TimeSpan TotalDuration { get; init; }

    /// <summary>Why the champion could not be used (corrupt artifact, different task), if it could not.</summary>
    public string? ChampionProblem { get; init; }
}

/// <summary>Whether an example entered the buffer.</summary>
public enum ExampleDisposition
{
    /// <summary>Buffered.</summary>
    Accepted,

    /// <summary>An example of another model: not this trainer's, and not an error.</summary>
    OtherModel,

    /// <summary>Cannot be trained on: dead-letter it with <see cref="AddOutcome.Problem"/>.</summary>
    Rejected,
}

/// <summary>The result of offering an example to the buffer.</summary>
/// <param name="Disposition">Accepted, another model's, or rejected.</param>
/// <param name="Problem">Why it was rejected (dead-letter kind and reason).</param>
public readonly record struct AddOutcome(ExampleDisposition Disposition, EventProblem? Problem = null);
