using System.CommandLine;
using Confluent.Kafka;

namespace StreamingCL.Cli.Commands;

/// <summary>`streamingcl bench`: speed of the whole pipeline and of the trainer (kernels have BenchmarkDotNet suites in benchmarks/).</summary>
internal static class BenchCommand
{
    public static Command Build() => new("bench", "Measure speed.") { BenchPipeline.Build(), BenchTrainer.Build() };

    /// <summary>A record produced with its event time as the Kafka timestamp.</summary>
    internal static Message<string, byte[]> Message(string key, byte[] value, DateTimeOffset at) => new() { Key = key, Value = value, Timestamp = new Timestamp(at) };
}
