using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Cli.Demo;

/// <summary>
/// Watches the loop from outside, as a user would: reads every topic it writes from the beginning
/// into a <see cref="DemoTimeline"/>, on its own thread. Queries run under the same lock.
/// </summary>
internal sealed class DemoObserver : IDisposable
{
    private static readonly EventTopic[] Watched =
    [
        EventTopic.Predictions, EventTopic.Feedback, EventTopic.LabeledExamples, EventTopic.DeadLetters, EventTopic.DriftMetrics,
        EventTopic.RetrainTriggers, EventTopic.ModelUpdates, EventTopic.TrafficAllocations,
    ];

    private readonly DemoTimeline _timeline;
    private readonly IConsumer<Ignore, byte[]> _consumer;
    private readonly Dictionary<string, Action<byte[], string>> _handlers;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _reader;
    private readonly Lock _gate = new();
    private long _unreadable;
    private Exception? _failure;

    public DemoObserver(string bootstrapServers, TopicCatalog catalog, EventSerdes serdes, DemoTimeline timeline, double decisionThreshold, TimeProvider time, ILogger logger)
    {
        _timeline = timeline;
        _time = time;
        _handlers = new Dictionary<string, Action<byte[], string>>(StringComparer.Ordinal)
        {
            [catalog[EventTopic.Predictions].Name] = (bytes, topic) => timeline.Add(serdes.For<Prediction>().Deserialize(bytes, topic)),
            [catalog[EventTopic.Feedback].Name] = (bytes, topic) => timeline.Add(serdes.For<Feedback>().Deserialize(bytes, topic)),
            [catalog[EventTopic.LabeledExamples].Name] = (bytes, topic) => timeline.Add(serdes.For<LabeledExample>().Deserialize(bytes, topic), decisionThreshold),
            [catalog[EventTopic.DeadLetters].Name] = (bytes, topic) => timeline.Add(serdes.For<DeadLetter>().Deserialize(bytes, topic)),
            [catalog[EventTopic.DriftMetrics].Name] = (bytes, topic) => timeline.Add(serdes.For<DriftMetric>().Deserialize(bytes, topic), _time.GetUtcNow()),
            [catalog[EventTopic.RetrainTriggers].Name] = (bytes, topic) =>
            {
                var trigger = serdes.For<RetrainTrigger>().Deserialize(bytes, topic);
                logger.LogInformation("Trigger {Id}: {Reason} Evidence: {Evidence}", trigger.TriggerId, trigger.Reason, string.Join(", ", trigger.Evidence.Select(pair => $"{pair.Key}={pair.Value:G4}")));
                timeline.Add(trigger, _time.GetUtcNow());
            },
            [catalog[EventTopic.ModelUpdates].Name] = (bytes, topic) => timeline.Add(serdes.For<ModelVersion>().Deserialize(bytes, topic)),
            [catalog[EventTopic.TrafficAllocations].Name] = (bytes, topic) => timeline.Add(serdes.For<TrafficAllocation>().Deserialize(bytes, topic)),
        };
        _consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "streamingcl-demo-observer",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 50,
            IsolationLevel = IsolationLevel.ReadCommitted,
        })
            // librdkafka logs to stderr by default, over the live view.
            .SetLogHandler((_, message) => logger.LogDebug("observer: {Message}", message.Message))
            .SetErrorHandler((_, error) => logger.LogWarning("observer: {Reason}", error.Reason))
            .Build();
        _consumer.Assign(Watched.SelectMany(topic => Enumerable.Range(0, catalog[topic].Partitions)
            .Select(partition => new TopicPartitionOffset(catalog[topic].Name, partition, Offset.Beginning))));
        _reader = new Thread(Read) { IsBackground = true, Name = "demo-observer" };
        _reader.Start();
    }

    /// <summary>Records on the watched topics that did not decode (none in a healthy loop).</summary>
    public long Unreadable => Interlocked.Read(ref _unreadable);

    /// <summary>Runs <paramref name="query"/> on the timeline; throws once the observer has stopped on an error.</summary>
    public T Query<T>(Func<DemoTimeline, T> query)
    {
        lock (_gate)
        {
            return _failure is null ? query(_timeline) : throw new InvalidOperationException($"The demo's observer stopped: {_failure.Message}", _failure);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _reader.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stopping.Dispose();
    }

    private void Read()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                if (_consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { Message.Value: { } value } record)
                {
                    continue;
                }

                lock (_gate)
                {
                    try
                    {
                        _handlers[record.Topic](value, record.Topic);
                    }
                    catch (EventDecodeException)
                    {
                        Interlocked.Increment(ref _unreadable);
                    }
                }
            }
        }
        catch (Exception e)
        {
            // A thread's exception would end the process: kept, and raised to the next query.
            lock (_gate)
            {
                _failure = e;
            }
        }
    }
}
