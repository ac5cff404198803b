using System.Runtime.InteropServices;
using Confluent.Kafka;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Kafka.Embedded;

/// <summary>
/// A Kafka-protocol cluster inside this process: librdkafka's mock cluster, listening on loopback
/// TCP ports, usable by any Kafka client (Confluent.Kafka, Streamiz, kcat). For development, demos
/// and tests. It has no admin API, so topics (including stream applications' internal topics) are
/// created here up front; each partition keeps only its newest few MB, and nothing survives
/// <see cref="Dispose"/>. Fault injection methods let reliability tests take brokers down, slow
/// them, or make requests fail. Methods are thread-safe.
/// </summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly Lock _lock = new();
    private IntPtr _owner;
    private IntPtr _cluster;

    private EmbeddedKafkaCluster(IntPtr owner, IntPtr cluster, int brokerCount)
    {
        _owner = owner;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(LibrdkafkaMock.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
    }

    /// <summary>Comma-separated host:port list of the brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1..BrokerCount.</summary>
    public int BrokerCount { get; }

    /// <summary>
    /// Starts a cluster with <paramref name="brokerCount"/> brokers, no group rebalance delay
    /// (consumers join at once instead of after about 3 s), and the given topics.
    /// </summary>
    public static EmbeddedKafkaCluster Start(int brokerCount = 1, IEnumerable<TopicSpec>? topics = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        var owner = LibrdkafkaMock.NewOwnerHandle();
        var cluster = LibrdkafkaMock.rd_kafka_mock_cluster_new(owner, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            LibrdkafkaMock.rd_kafka_destroy(owner);
            throw new InvalidOperationException("librdkafka could not create the mock cluster.");
        }

        var started = new EmbeddedKafkaCluster(owner, cluster, brokerCount);
        try
        {
            started.Invoke(handle => LibrdkafkaMock.rd_kafka_mock_group_initial_rebalance_delay_ms(handle, 0), "remove the group rebalance delay");
            foreach (var topic in topics ?? [])
            {
                started.CreateTopic(topic.Name, topic.Partitions, topic.ReplicationFactor);
            }
        }
        catch
        {
            started.Dispose();
            throw;
        }

        return started;
    }

    /// <summary>Creates a topic; the replication factor is capped at the broker count.</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        Invoke(
            cluster => LibrdkafkaMock.rd_kafka_mock_topic_create(cluster, name, partitions, Math.Clamp(replicationFactor, 1, BrokerCount)),
            $"create topic {name}");
    }

    /// <summary>Disconnects a broker (or all, with -1) and refuses new connections; leaders do not move.</summary>
    public void SetBrokerDown(int brokerId) =>
        Invoke(cluster => LibrdkafkaMock.rd_kafka_mock_broker_set_down(cluster, brokerId), $"take broker {brokerId} down");

    /// <summary>Lets a broker (or all, with -1) accept connections again.</summary>
    public void SetBrokerUp(int brokerId) =>
        Invoke(cluster => LibrdkafkaMock.rd_kafka_mock_broker_set_up(cluster, brokerId), $"bring broker {brokerId} up");

    /// <summary>Delays every response of a broker (or all, with -1).</summary>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan roundTripTime) =>
        Invoke(
            cluster => LibrdkafkaMock.rd_kafka_mock_broker_set_rtt(cluster, brokerId, (int)roundTripTime.TotalMilliseconds),
            $"set the round-trip time of broker {brokerId}");

    /// <summary>Makes the next requests of one type, on any broker, fail with the given errors in order.</summary>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors) =>
        Invoke(
            cluster => LibrdkafkaMock.rd_kafka_mock_push_request_errors_array(cluster, (short)apiKey, (nuint)errors.Length, Array.ConvertAll(errors, error => (int)error)),
            $"push {apiKey} errors");

    /// <summary>
    /// Makes the next request of one type on one broker fail with <paramref name="error"/> (or
    /// succeed, with <see cref="ErrorCode.NoError"/>) after <paramref name="delay"/>. Linux only: the
    /// native function is variadic, and only there are variadic integers passed like fixed ones.
    /// </summary>
    public void PushBrokerRequestError(int brokerId, KafkaApiKey apiKey, ErrorCode error, TimeSpan delay)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Per-broker request errors need the Linux calling convention for variadic functions.");
        }

        Invoke(
            cluster => LibrdkafkaMock.rd_kafka_mock_broker_push_request_error_rtts(cluster, brokerId, (short)apiKey, 1, (int)error, (int)delay.TotalMilliseconds),
            $"push a {apiKey} error on broker {brokerId}");
    }

    /// <summary>Forgets the pending injected errors of one request type.</summary>
    public void ClearRequestErrors(KafkaApiKey apiKey) =>
        Invoke(
            cluster => LibrdkafkaMock.rd_kafka_mock_clear_request_errors(cluster, (short)apiKey),
            $"clear {apiKey} errors");

    /// <summary>Makes metadata requests report <paramref name="error"/> for a topic (NoError clears it).</summary>
    public void SetTopicError(string topic, ErrorCode error) =>
        Invoke(
            cluster => LibrdkafkaMock.rd_kafka_mock_topic_set_error(cluster, topic, (int)error),
            $"set an error on topic {topic}");

    /// <summary>Moves a partition's leadership to a broker (-1 leaves it without a leader).</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Invoke(
            cluster => LibrdkafkaMock.rd_kafka_mock_partition_set_leader(cluster, topic, partition, brokerId),
            $"move the leader of {topic}[{partition}] to broker {brokerId}");

    /// <summary>Makes a broker the coordinator of a consumer group or transactional id.</summary>
    public void SetCoordinator(CoordinatorKind kind, string key, int brokerId) =>
        Invoke(
            cluster => LibrdkafkaMock.rd_kafka_mock_coordinator_set(cluster, kind == CoordinatorKind.Group ? "group" : "transaction", key, brokerId),
            $"make broker {brokerId} the {kind} coordinator of {key}");

    /// <summary>Stops every broker and frees the cluster; connected clients see their connections close.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_cluster != IntPtr.Zero)
            {
                LibrdkafkaMock.rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_owner != IntPtr.Zero)
            {
                LibrdkafkaMock.rd_kafka_destroy(_owner);
                _owner = IntPtr.Zero;
            }
        }
    }

    private void Invoke(Action<IntPtr> call, string action) =>
        Invoke(
            cluster =>
            {
                call(cluster);
                return 0;
            },
            action);

    /// <summary>Runs a native call under the lock that <see cref="Dispose"/> takes, so it never sees a freed cluster.</summary>
    private void Invoke(Func<IntPtr, int> call, string action)
    {
        int error;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            error = call(_cluster);
        }

        if (error != 0)
        {
            throw new KafkaException(new Error((ErrorCode)error, $"Embedded Kafka could not {action}: {(ErrorCode)error}"));
        }
    }
}

/// <summary>Kind of coordinator a broker can be made.</summary>
public enum CoordinatorKind
{
    /// <summary>Consumer group coordinator.</summary>
    Group,

    /// <summary>Transaction coordinator.</summary>
    Transaction,
}

/// <summary>Kafka protocol request types, for fault injection.</summary>
public enum KafkaApiKey : short
{
    /// <summary>ProduceRequest.</summary>
    Produce = 0,

    /// <summary>FetchRequest.</summary>
    Fetch = 1,

    /// <summary>ListOffsetsRequest.</summary>
    ListOffsets = 2,

    /// <summary>MetadataRequest.</summary>
    Metadata = 3,

    /// <summary>OffsetCommitRequest.</summary>
    OffsetCommit = 8,

    /// <summary>OffsetFetchRequest.</summary>
    OffsetFetch = 9,

    /// <summary>FindCoordinatorRequest.</summary>
    FindCoordinator = 10,

    /// <summary>JoinGroupRequest.</summary>
    JoinGroup = 11,

    /// <summary>HeartbeatRequest.</summary>
    Heartbeat = 12,

    /// <summary>LeaveGroupRequest.</summary>
    LeaveGroup = 13,

    /// <summary>SyncGroupRequest.</summary>
    SyncGroup = 14,

    /// <summary>InitProducerIdRequest.</summary>
    InitProducerId = 22,

    /// <summary>AddPartitionsToTxnRequest.</summary>
    AddPartitionsToTxn = 24,

    /// <summary>AddOffsetsToTxnRequest.</summary>
    AddOffsetsToTxn = 25,

    /// <summary>EndTxnRequest.</summary>
    EndTxn = 26,

    /// <summary>TxnOffsetCommitRequest.</summary>
    TxnOffsetCommit = 28,
}
