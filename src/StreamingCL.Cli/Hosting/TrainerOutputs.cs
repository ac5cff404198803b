using System.Collections.Concurrent;
using Confluent.Kafka;

namespace StreamingCL.Cli.Hosting;

/// <summary>
/// Where the trainer writes (model-updates, traffic-allocations, dead-letters) and how its input
/// positions are committed with what it wrote: the seam between the trainer's loop and the
/// processing guarantee. A step's outputs are produced, then <see cref="Commit"/> makes them
/// durable together with the positions of the inputs that caused them.
/// </summary>
internal interface ITrainerOutputs : IDisposable
{
    /// <summary>Prepares the producer; with transactions, fences an older instance with the same id and aborts its open transaction.</summary>
    void Initialize();

    /// <summary>Writes a record as part of the current step.</summary>
    void Produce(string topic, byte[]? key, byte[] value);

    /// <summary>
    /// Makes every record produced since the last commit durable and commits
    /// <paramref name="positions"/> (next offsets to read) with them. Returns the offset of the
    /// last record written to each partition. Throws when either fails: the caller then starts
    /// again from the committed positions.
    /// </summary>
    IReadOnlyDictionary<TopicPartition, long> Commit(IReadOnlyCollection<TopicPartitionOffset> positions, IConsumer<byte[]?, byte[]?> consumer);

    /// <summary>Discards what was produced since the last commit, where the guarantee can (transactions); best effort.</summary>
    void Abort();
}

/// <summary>The producer both guarantees share: delivery results are collected, a full local queue waits instead of failing.</summary>
internal abstract class TrainerOutputsBase(ProducerConfig config) : ITrainerOutputs
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<DeliveryReport<byte[]?, byte[]>> _reports = new();

    protected IProducer<byte[]?, byte[]> Producer { get; } = new ProducerBuilder<byte[]?, byte[]>(config).Build();

    public abstract void Initialize();

    public virtual void Produce(string topic, byte[]? key, byte[] value)
    {
        var message = new Message<byte[]?, byte[]> { Key = key, Value = value };
        while (true)
        {
            try
            {
                Producer.Produce(topic, message, _reports.Enqueue);
                return;
            }
            catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    public abstract IReadOnlyDictionary<TopicPartition, long> Commit(IReadOnlyCollection<TopicPartitionOffset> positions, IConsumer<byte[]?, byte[]?> consumer);

    public virtual void Abort() => _reports.Clear();

    public void Dispose()
    {
        Producer.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The last offset written per partition since the last call; throws on the first failed delivery.</summary>
    protected Dictionary<TopicPartition, long> Delivered()
    {
        var written = new Dictionary<TopicPartition, long>();
        while (_reports.TryDequeue(out var report))
        {
            if (report.Error.IsError)
            {
                _reports.Clear();
                throw new KafkaException(report.Error);
            }

            written[report.TopicPartition] = Math.Max(written.GetValueOrDefault(report.TopicPartition, -1), report.Offset.Value);
        }

        return written;
    }
}

/// <summary>
/// At-least-once: flush, then commit the positions. A crash between the two replays the step;
/// the trainer de-duplicates triggers by the trigger ids of published versions, and decides a
/// candidate left without a decision after a restart.
/// </summary>
internal sealed class FlushThenCommitOutputs(ProducerConfig config) : TrainerOutputsBase(config)
{
    public override void Initialize()
    {
    }

    public override IReadOnlyDictionary<TopicPartition, long> Commit(IReadOnlyCollection<TopicPartitionOffset> positions, IConsumer<byte[]?, byte[]?> consumer)
    {
        if (Producer.Flush(Timeout) > 0)
        {
            throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"records not delivered within {Timeout.TotalSeconds:0} s"));
        }

        var written = Delivered();
        if (positions.Count > 0)
        {
            consumer.Commit(positions);
        }

        return written;
    }
}

/// <summary>
/// Exactly-once on Apache Kafka: a transaction holds a step's outputs and its input positions
/// (consume-transform-produce with SendOffsetsToTransaction), so a version is published if and
/// only if the trigger that caused it is consumed. The transactional id is per model, which
/// fences a second trainer of the same model.
/// </summary>
internal sealed class TransactionalOutputs(ProducerConfig config) : TrainerOutputsBase(config)
{
    private bool _open;

    public override void Initialize() => Producer.InitTransactions(Timeout);

    public override void Produce(string topic, byte[]? key, byte[] value)
    {
        Begin();
        base.Produce(topic, key, value);
    }

    public override IReadOnlyDictionary<TopicPartition, long> Commit(IReadOnlyCollection<TopicPartitionOffset> positions, IConsumer<byte[]?, byte[]?> consumer)
    {
        if (!_open && positions.Count == 0)
        {
            return new Dictionary<TopicPartition, long>();
        }

        Begin();
        if (positions.Count > 0)
        {
            Producer.SendOffsetsToTransaction(positions, consumer.ConsumerGroupMetadata, Timeout);
        }

        Producer.CommitTransaction(Timeout);
        _open = false;
        return Delivered();
    }

    public override void Abort()
    {
        base.Abort();
        if (!_open)
        {
            return;
        }

        _open = false;
        try
        {
            Producer.AbortTransaction(Timeout);
        }
        catch (KafkaException)
        {
            // A fenced or failed producer is disposed by the caller; the transaction times out on the broker.
        }
    }

    private void Begin()
    {
        if (!_open)
        {
            Producer.BeginTransaction();
            _open = true;
        }
    }
}
