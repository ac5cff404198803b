using Confluent.Kafka;
using Streamiz.Kafka.Net.Processors;

namespace StreamingCL.Processors;

/// <summary>Coordinates of an input record, kept to write its dead letter (possibly later, from a punctuation).</summary>
/// <param name="Topic">Topic.</param>
/// <param name="Partition">Partition.</param>
/// <param name="Offset">Offset.</param>
/// <param name="TimestampMs">Record timestamp.</param>
internal sealed record RecordOrigin(string Topic, int Partition, long Offset, long TimestampMs)
{
    public static RecordOrigin Of(IRecordContext context) => new(context.Topic, context.Partition, context.Offset, context.Timestamp);

    public static RecordOrigin Of(TopicPartitionOffset position, Timestamp timestamp) =>
        new(position.Topic, position.Partition.Value, position.Offset.Value, timestamp.UnixTimestampMs);
}
