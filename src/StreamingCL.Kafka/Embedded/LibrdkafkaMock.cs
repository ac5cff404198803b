using System.Reflection;
using System.Runtime.InteropServices;

namespace StreamingCL.Kafka.Embedded;

/// <summary>
/// The mock-cluster part of librdkafka's C API (src/rdkafka_mock.h), bound to the very library
/// Confluent.Kafka loaded. Confluent may pick a fallback build (e.g. centos8-librdkafka.so when
/// libsasl2.so.3 is missing), so a plain DllImport("librdkafka") would not find it.
/// </summary>
internal static partial class LibrdkafkaMock
{
    private const string Library = "librdkafka";
    private const int ProducerType = 0;

    static LibrdkafkaMock() =>
        NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaMock).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        Confluent.Kafka.Library.Load();
        var loaded = LoadedLibrdkafkaPath();
        return loaded is not null && NativeLibrary.TryLoad(loaded, out var handle) ? handle : IntPtr.Zero;
    }

    /// <summary>The path of the librdkafka build already mapped into this process (Linux), if any.</summary>
    private static string? LoadedLibrdkafkaPath()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        foreach (var line in File.ReadLines(maps))
        {
            var pathStart = line.IndexOf('/', StringComparison.Ordinal);
            if (pathStart >= 0 && line.EndsWith("librdkafka.so", StringComparison.Ordinal))
            {
                return line[pathStart..];
            }
        }

        return null;
    }

    /// <summary>Creates the client handle that owns the mock cluster (librdkafka needs one for book keeping).</summary>
    public static IntPtr NewOwnerHandle()
    {
        var conf = rd_kafka_conf_new();
        // The owner never connects anywhere: silence its "no bootstrap.servers" notice.
        Set(conf, "log_level", "3");
        Set(conf, "client.id", "streamingcl-embedded-kafka");
        var error = new byte[512];
        var handle = rd_kafka_new(ProducerType, conf, error, (nuint)error.Length);
        if (handle == IntPtr.Zero)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"librdkafka could not create a client handle: {CString(error)}");
        }

        return handle;
    }

    private static void Set(IntPtr conf, string name, string value)
    {
        var error = new byte[512];
        if (rd_kafka_conf_set(conf, name, value, error, (nuint)error.Length) != 0)
        {
            throw new InvalidOperationException($"librdkafka rejected {name}={value}: {CString(error)}");
        }
    }

    private static string CString(byte[] buffer) =>
        System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Max(0, Array.IndexOf(buffer, (byte)0)));

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Library)]
    private static partial void rd_kafka_conf_destroy(IntPtr conf);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] error, nuint errorSize);

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] error, nuint errorSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Library)]
    public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [LibraryImport(Library)]
    public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void rd_kafka_mock_topic_set_error(IntPtr cluster, string topic, int error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_set_leader(IntPtr cluster, string topic, int partition, int brokerId);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_rtt(IntPtr cluster, int brokerId, int rttMs);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_push_request_errors_array(IntPtr cluster, short apiKey, nuint count, int[] errors);

    /// <summary>
    /// The C function is variadic (cnt pairs of error, rtt). .NET cannot call variadic functions
    /// portably, so this binds the one-pair form: on Linux x86-64 and arm64, variadic integer
    /// arguments are passed exactly like fixed ones.
    /// </summary>
    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_push_request_error_rtts(IntPtr cluster, int brokerId, short apiKey, nuint count, int error, int rttMs);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_clear_request_errors(IntPtr cluster, short apiKey);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_coordinator_set(IntPtr cluster, string keyType, string key, int brokerId);
}
