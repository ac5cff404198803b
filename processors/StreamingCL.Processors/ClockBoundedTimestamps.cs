using Confluent.Kafka;
using Streamiz.Kafka.Net.Processors;

namespace StreamingCL.Processors;

/// <summary>
/// Record timestamps for stream time, refusing to run ahead of the clock: a record stamped further
/// ahead than the allowed skew keeps the partition's stream time where it was. Without this, one
/// record from next year would close every window and expire every join entry of its task. The
/// record itself is then dead-lettered by its event time (see <see cref="DeadLetterRouting"/>).
/// </summary>
internal sealed class ClockBoundedTimestamps(TimeProvider clock, TimeSpan maxSkew) : ITimestampExtractor
{
    public long Extract(ConsumeResult<object, object> record, long partitionTime)
    {
        ArgumentNullException.ThrowIfNull(record);
        var timestamp = record.Message.Timestamp.UnixTimestampMs;
        var bound = (clock.GetUtcNow() + maxSkew).ToUnixTimeMilliseconds();
        return timestamp <= bound ? timestamp : Math.Min(bound, Math.Max(partitionTime, 0));
    }
}
