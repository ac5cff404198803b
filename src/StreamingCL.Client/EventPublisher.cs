using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Client;

/// <summary>
/// Writes events of one type to their topic, keyed by prediction id, with an idempotent producer
/// (enable.idempotence, acks=all, the murmur2 partitioner of <see cref="KafkaOptions.ProducerConfig"/>).
/// Thread-safe.
/// </summary>
/// <remarks>
/// <para>Queue: at most <see cref="PublisherOptions.QueueCapacity"/> events are accepted and not yet
/// acknowledged. A caller that finds it full awaits a free place or gets
/// <see cref="EventQueueFullException"/>, per <see cref="PublisherOptions.WhenFull"/>. Accepting an
/// event does not wait for Kafka; <see cref="FlushAsync"/> does.</para>
/// <para>Unavailability: an event Kafka has not acknowledged within
/// <see cref="PublisherOptions.UnavailableTimeout"/> (librdkafka's message.timeout.ms) fails, is
/// counted (streamingcl_client_events_failed_total), and makes the publisher
/// <see cref="PublisherStatus.Unavailable"/>: events are refused with
/// <see cref="KafkaUnavailableException"/>, and callers waiting for a place are released with it,
/// until a broker answers a metadata request again.</para>
/// </remarks>
/// <typeparam name="TEvent">The event type.</typeparam>
public abstract class EventPublisher<TEvent> : IDisposable, IAsyncDisposable
    where TEvent : class, IAvroEvent<TEvent>
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private readonly PublisherOptions _options;
    private readonly Func<TEvent, string> _key;
    private readonly ClientMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _bootstrapServers;
    private readonly EventSerdes _serdes;
    private readonly IProducer<string, TEvent> _producer;
    private readonly SemaphoreSlim _places;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _statusLock = new();
    private readonly Action<DeliveryReport<string, TEvent>> _delivered;
    private volatile PublisherStatus _status = PublisherStatus.Healthy;
    private string? _lastError;
    private DateTimeOffset? _since;
    private int _pending;
    private long _deliveredCount;
    private long _failedCount;
    private int _probing;
    private Task? _probe;
    private int _disposed;

    private protected EventPublisher(
        KafkaOptions kafka, EventTopic topic, Func<TEvent, string> key, PublisherOptions? options, ClientContext? context)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        kafka.Validate();
        _options = options ?? new PublisherOptions();
        _options.Validate();
        context ??= new ClientContext();
        Topic = context.TopicsOf(kafka)[topic].Name;
        _key = key;
        _metrics = new ClientMetrics(context.Metrics);
        _logger = context.Logger(GetType());
        _time = context.Clock;
        _bootstrapServers = kafka.BootstrapServers;
        _places = new SemaphoreSlim(_options.QueueCapacity, _options.QueueCapacity);
        _delivered = OnDelivered;
        _serdes = new EventSerdes(kafka);
        var config = kafka.ProducerConfig();
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        config.MessageTimeoutMs = (int)_options.UnavailableTimeout.TotalMilliseconds;
        // The queue bound is ours: librdkafka's own queue must never refuse what it lets through.
        config.QueueBufferingMaxMessages = Math.Max(_options.QueueCapacity, config.QueueBufferingMaxMessages ?? 100_000);
        _producer = new ProducerBuilder<string, TEvent>(config)
            .SetValueSerializer(_serdes.For<TEvent>())
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => RouterFeed.LogLibrdkafka(_logger, message))
            .Build();
    }

    /// <summary>The topic events are written to.</summary>
    public string Topic { get; }

    /// <summary>Whether events are accepted, the latest error, and the queue's depth.</summary>
    public PublisherHealth Health
    {
        get
        {
            lock (_statusLock)
            {
                return new PublisherHealth(_status, _lastError, _since, Volatile.Read(ref _pending), Interlocked.Read(ref _deliveredCount), Interlocked.Read(ref _failedCount));
            }
        }
    }

    /// <summary>Waits until every accepted event is acknowledged or failed.</summary>
    /// <exception cref="KafkaUnavailableException">Kafka is unavailable (events failed), or the producer failed.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await Task.Run(() => _producer.Flush(cancellationToken), cancellationToken).ConfigureAwait(false);
        ThrowIfRefusing();
    }

    /// <summary>Waits up to <see cref="PublisherOptions.UnavailableTimeout"/> for the accepted events, then closes the producer.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc cref="Dispose()"/>
    public async ValueTask DisposeAsync()
    {
        await Task.Run(Dispose).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the producer.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing.Cancel();
        // The probe shares the producer's handle: let it finish its metadata request first.
        Volatile.Read(ref _probe)?.GetAwaiter().GetResult();
        var left = _producer.Flush(_options.UnavailableTimeout);
        if (left > 0)
        {
            _logger.LogError("{Count} events for {Topic} were not acknowledged before the publisher closed.", left, Topic);
        }

        _producer.Dispose();
        _serdes.Dispose();
        _places.Dispose();
        _disposing.Dispose();
    }

    /// <summary>Accepts the events in order (each waits for a place in the queue per the policy).</summary>
    private protected async ValueTask PublishAsync(IReadOnlyList<TEvent> events, CancellationToken cancellationToken)
    {
        foreach (var value in events)
        {
            await PublishAsync(value, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask PublishAsync(TEvent value, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ThrowIfRefusing();
        if (!_places.Wait(0, cancellationToken))
        {
            if (_options.WhenFull == QueueFullPolicy.Fail)
            {
                _metrics.Refused(Topic, "queue_full");
                throw new EventQueueFullException(Topic, _options.QueueCapacity);
            }

            await _places.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            // Kafka may have become unavailable while this caller waited: the place it got was freed by a failure.
            ThrowIfRefusing();
        }
        catch (KafkaUnavailableException)
        {
            _places.Release();
            throw;
        }

        // Counted before Produce: its delivery report may come before Produce returns.
        _metrics.Pending(Topic, Interlocked.Increment(ref _pending));
        try
        {
            _producer.Produce(Topic, new Message<string, TEvent> { Key = _key(value), Value = value, Timestamp = new Timestamp(value.EventTime) }, _delivered);
        }
        catch (ProduceException<string, TEvent> e)
        {
            _metrics.Pending(Topic, Interlocked.Decrement(ref _pending));
            _places.Release();
            if (e.Error.Code == ErrorCode.Local_ValueSerialization)
            {
                throw new ArgumentException($"The {typeof(TEvent).Name} cannot be encoded: {e.InnerException?.Message}", nameof(value), e);
            }

            throw;
        }
    }

    private void ThrowIfRefusing()
    {
        var status = _status;
        if (status == PublisherStatus.Healthy)
        {
            return;
        }

        _metrics.Refused(Topic, status.ToString().ToLowerInvariant());
        string? lastError;
        DateTimeOffset? since;
        lock (_statusLock)
        {
            (lastError, since) = (_lastError, _since);
        }

        throw new KafkaUnavailableException(
            Topic,
            status == PublisherStatus.Failed
                ? $"The producer for {Topic} failed and cannot recover: {lastError}. Create a new publisher."
                : $"Kafka at {_bootstrapServers} has not acknowledged events for {Topic} within {_options.UnavailableTimeout} (unavailable since {since:O}; last error: {lastError}). "
                  + "Events are refused until a broker answers again.");
    }

    // On librdkafka's delivery-report thread: keep it short.
    private void OnDelivered(DeliveryReport<string, TEvent> report)
    {
        _metrics.Pending(Topic, Interlocked.Decrement(ref _pending));
        try
        {
            if (!report.Error.IsError)
            {
                Interlocked.Increment(ref _deliveredCount);
                _metrics.Delivered(Topic);
                if (_status == PublisherStatus.Unavailable)
                {
                    SetStatus(PublisherStatus.Unavailable, PublisherStatus.Healthy, null);
                }

                return;
            }

            Interlocked.Increment(ref _failedCount);
            _metrics.Failed(Topic, report.Error.Code.ToString());
            if (report.Error.IsFatal)
            {
                SetStatus(null, PublisherStatus.Failed, report.Error.Reason);
            }
            else if (report.Error.Code == ErrorCode.Local_MsgTimedOut)
            {
                SetStatus(PublisherStatus.Healthy, PublisherStatus.Unavailable, $"{report.Error.Reason} ({report.Error.Code})");
            }
            else
            {
                // Refused for this event alone (too large, not authorised, ...): the topic stays usable.
                lock (_statusLock)
                {
                    _lastError = $"{report.Error.Reason} ({report.Error.Code})";
                }

                _logger.LogError("An event for {Topic} was refused by Kafka: {Reason} ({Code}).", Topic, report.Error.Reason, report.Error.Code);
            }
        }
        finally
        {
            ReleasePlace();
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            SetStatus(null, PublisherStatus.Failed, $"{error.Reason} ({error.Code})");
            return;
        }

        lock (_statusLock)
        {
            _lastError = $"{error.Reason} ({error.Code})";
        }
    }

    /// <summary>Moves to <paramref name="to"/> if the status is <paramref name="from"/> (any, when null; Failed is final).</summary>
    private void SetStatus(PublisherStatus? from, PublisherStatus to, string? error)
    {
        lock (_statusLock)
        {
            if (_status == PublisherStatus.Failed || (from is { } expected && _status != expected) || _status == to)
            {
                return;
            }

            _status = to;
            _since = _time.GetUtcNow();
            _lastError = error ?? _lastError;
        }

        if (to == PublisherStatus.Healthy)
        {
            _logger.LogInformation("Kafka at {BootstrapServers} answers again: events for {Topic} are accepted.", _bootstrapServers, Topic);
            return;
        }

        _logger.LogError("Events for {Topic} are refused from now on ({Status}): {Error}", Topic, to, error);
        if (to == PublisherStatus.Unavailable && Interlocked.Exchange(ref _probing, 1) == 0)
        {
            Volatile.Write(ref _probe, Task.Run(ProbeAsync));
        }
    }

    /// <summary>While unavailable, asks the cluster for the topic's metadata every second; an answer makes the publisher healthy.</summary>
    private async Task ProbeAsync()
    {
        var stopping = _disposing.Token;
        try
        {
            using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
            while (_status == PublisherStatus.Unavailable)
            {
                // Real time, whatever clock the app gave: this waits for the network.
                await Task.Delay(ProbeInterval, stopping).ConfigureAwait(false);
                if (Answers(admin))
                {
                    SetStatus(PublisherStatus.Unavailable, PublisherStatus.Healthy, null);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    private bool Answers(IAdminClient admin)
    {
        try
        {
            var topic = admin.GetMetadata(Topic, ProbeInterval).Topics.SingleOrDefault(described => described.Topic == Topic);
            return topic is { Error.Code: ErrorCode.NoError } && topic.Partitions.Count > 0 && topic.Partitions.All(partition => partition.Leader >= 0);
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    private void ReleasePlace()
    {
        try
        {
            _places.Release();
        }
        catch (ObjectDisposedException)
        {
            // A report that arrives while the publisher closes has nobody left to wake.
        }
    }
}
