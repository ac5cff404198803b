namespace StreamingCL.Trainer;

/// <summary>Where a labeled example was read from: its Kafka coordinates, kept for lineage.</summary>
/// <param name="Topic">Topic.</param>
/// <param name="Partition">Partition.</param>
/// <param name="Offset">Offset.</param>
public readonly record struct ExamplePosition(string Topic, int Partition, long Offset);
