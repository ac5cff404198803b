using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Trainer;

namespace StreamingCL.Client;

/// <summary>
/// Serves a serving app's models: reads the registry (model-updates) and the traffic allocations
/// in the background, loads each version it needs after verifying its artifact's SHA-256, and
/// routes each request by its unit id to the production, canary or experiment arm the latest
/// allocation gives that unit, scoring the shadow versions on their share of units. Thread-safe:
/// requests never wait for the background reader, which swaps in a new immutable routing at once
/// when the registry changes.
/// </summary>
/// <remarks>
/// <para>Routing: a unit's point in [0, 1) is a stable 64-bit hash of "{salt}:{unit_id}" (the
/// allocation's salt), and the serving arms split [0, 1) in allocation order by weight. The same
/// unit lands in the same arm in every call, instance and restart while the salt and weights stay
/// the same; when a canary ramps up, the units it had stay with it. A new salt reshuffles.</para>
/// <para>Integrity: a version whose artifact does not hash to its declared SHA-256, or that is not
/// a StreamingCL model, is refused: <see cref="ModelRejected"/> is raised, the counter
/// streamingcl_client_models_rejected_total grows, and the version it would have replaced keeps
/// serving.</para>
/// <para>Scoring reads the linear model's weights directly (<see cref="ModelScorer"/>): immutable
/// and allocation-free, so no PredictionEngine (which is not thread-safe) is pooled or locked.</para>
/// </remarks>
public sealed class ModelRouter : IDisposable, IAsyncDisposable
{
    private static readonly IReadOnlyDictionary<string, string> EmptyCategories = new Dictionary<string, string>();

    private readonly ModelRouterOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RouterFeed _feed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _reading;
    private readonly ConcurrentDictionary<string, string> _lastRejection = new(StringComparer.Ordinal);
    private readonly ClientMetrics _metrics;
    private RoutingSnapshot _routing = RoutingSnapshot.Empty;
    private TaskCompletionSource _nextRouting = NewSignal();
    private int _disposed;

    /// <summary>Starts reading the registry; await <see cref="WaitForModelAsync"/> before serving a model.</summary>
    /// <param name="kafka">The cluster (its client properties pass through unchanged).</param>
    /// <param name="options">Routing options (validated here); defaults when null.</param>
    /// <param name="context">Topic names, metrics registry, logging and clock; defaults when null.</param>
    /// <exception cref="InvalidConfigurationException">An option cannot work; the message names its key.</exception>
    public ModelRouter(KafkaOptions kafka, ModelRouterOptions? options = null, ClientContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        kafka.Validate();
        _options = options ?? new ModelRouterOptions();
        _options.Validate();
        context ??= new ClientContext();
        _logger = context.Logger(typeof(ModelRouter));
        _time = context.Clock;
        _metrics = new ClientMetrics(context.Metrics);
        var topics = context.TopicsOf(kafka);
        var state = new RouterState(_options, _metrics, _logger, OnRejected);
        _feed = new RouterFeed(kafka, topics[EventTopic.ModelUpdates].Name, topics[EventTopic.TrafficAllocations].Name, state, _metrics, _logger, Publish);
        _reading = Task.Factory.StartNew(Read, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// A version was refused: its artifact does not match its SHA-256 or cannot be loaded. Raised
    /// on the router's background thread; the last good version keeps serving.
    /// </summary>
    public event EventHandler<ModelRejectedEventArgs>? ModelRejected;

    /// <summary>The models this router can serve now.</summary>
    public IReadOnlyCollection<string> Models => Volatile.Read(ref _routing).Routes.Keys;

    /// <summary>
    /// Scores a request with the version its unit is routed to, and with the shadow versions
    /// whose share of units includes it. Never waits for the background reader.
    /// </summary>
    /// <param name="modelName">Model to ask.</param>
    /// <param name="unitId">Randomisation unit (user, session, device): the same unit gets the same arm.</param>
    /// <param name="numericFeatures">Numeric features by name; must be finite.</param>
    /// <param name="categoricalFeatures">Categorical features by name.</param>
    /// <exception cref="ArgumentException">A name or id is empty, or a numeric feature is NaN or infinite.</exception>
    /// <exception cref="UnknownModelException">No version of the model can be served (yet).</exception>
    public RoutedPrediction Predict(
        string modelName, string unitId, IReadOnlyDictionary<string, double> numericFeatures, IReadOnlyDictionary<string, string>? categoricalFeatures = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentException.ThrowIfNullOrWhiteSpace(unitId);
        ArgumentNullException.ThrowIfNull(numericFeatures);
        foreach (var (name, value) in numericFeatures)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"Numeric feature '{name}' is {value}: features must be finite numbers.", nameof(numericFeatures));
            }
        }

        categoricalFeatures ??= EmptyCategories;
        var routing = Volatile.Read(ref _routing);
        if (!routing.Routes.TryGetValue(modelName, out var route))
        {
            throw Unknown(modelName, routing);
        }

        var arm = route.Choose(unitId);
        var scorer = arm.Model.Scorer;
        var score = scorer.Score(numericFeatures, categoricalFeatures);
        List<ShadowScore>? shadows = null;
        foreach (var shadow in route.Shadows)
        {
            // A shadow of the version that serves the unit would only repeat its score.
            if (shadow.Model.Version != arm.Model.Version && ModelRoute.Scores(shadow, unitId))
            {
                var shadowScore = shadow.Model.Scorer.Score(numericFeatures, categoricalFeatures);
                (shadows ??= []).Add(new ShadowScore(shadow.Name, shadow.Model.Version, shadowScore, Label(shadow.Model.Scorer, shadowScore)));
            }
        }

        return new RoutedPrediction
        {
            PredictionId = Guid.CreateVersion7(_time.GetUtcNow()).ToString("N"),
            ModelName = modelName,
            ModelVersion = arm.Model.Version,
            UnitId = unitId,
            Variant = arm.Name,
            ExperimentId = route.ExperimentId,
            Score = score,
            PredictedLabel = Label(scorer, score),
            Timestamp = _time.GetUtcNow(),
            NumericFeatures = numericFeatures,
            CategoricalFeatures = categoricalFeatures,
            Shadows = shadows ?? [],
        };
    }

    /// <summary>Completes once <paramref name="modelName"/> can be served (the registry was read to its end and has a usable version of it).</summary>
    /// <exception cref="TimeoutException">It could not be served within <paramref name="timeout"/>; the message says what the router saw.</exception>
    /// <exception cref="InvalidOperationException">The background reader stopped on an error.</exception>
    public async Task WaitForModelAsync(string modelName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            // Take the signal before looking, so a routing published in between is not missed.
            var next = Volatile.Read(ref _nextRouting).Task;
            var routing = Volatile.Read(ref _routing);
            if (routing.Routes.ContainsKey(modelName))
            {
                return;
            }

            if (_reading.IsCompleted)
            {
                var failure = _reading.Exception?.InnerException;
            throw new InvalidOperationException($"The model router stopped reading {_feed.ModelUpdatesTopic}: {failure?.Message ?? "it was disposed"}.", failure);
            }

            try
            {
                await Task.WhenAny(next, _reading).WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{modelName} could not be served within {timeout}: {Unknown(modelName, Volatile.Read(ref _routing)).Message}");
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            Stopped(_reading).GetAwaiter().GetResult();
            Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await Stopped(_reading).ConfigureAwait(false);
            Release();
        }
    }

    /// <summary>The current routing (tests inspect it).</summary>
    internal RoutingSnapshot Routing => Volatile.Read(ref _routing);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task Stopped(Task reading)
    {
        try
        {
            await reading.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Logged when the reader failed; disposing must still release the consumer.
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Release()
    {
        _feed.Dispose();
        _stopping.Dispose();
    }

    private void Read()
    {
        try
        {
            _feed.Run(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "The model router stopped reading {Topic}; the last routing keeps serving.", _feed.ModelUpdatesTopic);
            throw;
        }
    }

    private void Publish(RoutingSnapshot routing)
    {
        Volatile.Write(ref _routing, routing);
        _metrics.Routed(routing);
        Interlocked.Exchange(ref _nextRouting, NewSignal()).TrySetResult();
    }

    private void OnRejected(ModelRejectedEventArgs rejection)
    {
        _lastRejection[rejection.ModelName] = $"v{rejection.Version} was refused: {rejection.Reason}";
        try
        {
            ModelRejected?.Invoke(this, rejection);
        }
        catch (Exception e)
        {
            // A failing handler must not stop the router from reading the registry.
            _logger.LogError(e, "A ModelRejected handler failed.");
        }
    }

    private double? Label(ModelScorer scorer, double score) =>
        scorer.Task == ModelTask.BinaryClassification && _options.DecisionThreshold is { } threshold ? (score >= threshold ? 1 : 0) : null;

    private UnknownModelException Unknown(string modelName, RoutingSnapshot routing)
    {
        var topics = $"{_feed.ModelUpdatesTopic} and {_feed.AllocationsTopic}";
        if (!routing.CaughtUp)
        {
            return new UnknownModelException(modelName, $"Model '{modelName}' cannot be served yet: the router has not read {topics} to their end (await WaitForModelAsync before serving).");
        }

        var rejection = _lastRejection.TryGetValue(modelName, out var reason) ? $" Last refusal: {reason}." : "";
        var known = routing.Routes.Count == 0 ? "none" : string.Join(", ", routing.Routes.Keys.Order(StringComparer.Ordinal));
        return new UnknownModelException(
            modelName,
            $"Model '{modelName}' has no version this router can serve: none is in production or in a traffic allocation on {topics}.{rejection} Models served: {known}.");
    }
}
