using Avro;
using Avro.Generic;
using Avro.IO;
using Confluent.SchemaRegistry;
using CsCheck;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using Schema = Avro.Schema;

namespace StreamingCL.Kafka.Tests.Serialization;

public sealed class AvroEventSerdeTests : IDisposable
{
    private const string Topic = "events";
    private readonly LoopbackSchemaRegistry _registry = new();
    private readonly CachedSchemaRegistryClient _registryClient;

    public AvroEventSerdeTests() =>
        _registryClient = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });

    [Fact]
    public void Every_event_round_trips_in_single_object_encoding()
    {
        AssertRoundTrips(SampleEvents.Prediction, registry: null);
        AssertRoundTrips(SampleEvents.Feedback, registry: null);
        AssertRoundTrips(SampleEvents.LabeledExample, registry: null);
        AssertRoundTrips(SampleEvents.DriftMetric, registry: null);
        AssertRoundTrips(SampleEvents.PerformanceMetric, registry: null);
        AssertRoundTrips(SampleEvents.ExperimentMetric, registry: null);
        AssertRoundTrips(SampleEvents.TrafficAllocation, registry: null);
        AssertRoundTrips(SampleEvents.RetrainTrigger, registry: null);
        AssertRoundTrips(SampleEvents.ModelVersion, registry: null);
        AssertRoundTrips(SampleEvents.DeadLetter, registry: null);
    }

    [Fact]
    public void Every_event_round_trips_in_confluent_wire_format()
    {
        AssertRoundTrips(SampleEvents.Prediction, _registryClient);
        AssertRoundTrips(SampleEvents.Feedback, _registryClient);
        AssertRoundTrips(SampleEvents.LabeledExample, _registryClient);
        AssertRoundTrips(SampleEvents.DriftMetric, _registryClient);
        AssertRoundTrips(SampleEvents.PerformanceMetric, _registryClient);
        AssertRoundTrips(SampleEvents.ExperimentMetric, _registryClient);
        AssertRoundTrips(SampleEvents.TrafficAllocation, _registryClient);
        AssertRoundTrips(SampleEvents.RetrainTrigger, _registryClient);
        AssertRoundTrips(SampleEvents.ModelVersion, _registryClient);
        AssertRoundTrips(SampleEvents.DeadLetter, _registryClient);
    }

    [Fact]
    public void Single_object_records_carry_the_magic_and_the_schema_fingerprint()
    {
        var bytes = new AvroEventSerde<Prediction>().Serialize(SampleEvents.Prediction, Topic);

        Assert.Equal([0xC3, 0x01], bytes[..2]);
        Assert.Equal(EventSchemas.Fingerprint(Prediction.Schema), BitConverter.ToInt64(bytes, 2));
    }

    [Fact]
    public void Values_survive_the_round_trip()
    {
        var serde = new AvroEventSerde<Prediction>();
        var decoded = serde.Deserialize(serde.Serialize(SampleEvents.Prediction, Topic), Topic);

        Assert.Equal(SampleEvents.Prediction.Timestamp, decoded.Timestamp);
        Assert.Equal(31.5, decoded.NumericFeatures["age"]);
        Assert.Equal("DE", decoded.CategoricalFeatures["country"]);
        Assert.Equal(SampleEvents.Prediction.Ranking, decoded.Ranking);
        Assert.True(decoded.Shadow);
        Assert.Equal(
            SampleEvents.ModelVersion.Artifact.ToArray(),
            new AvroEventSerde<ModelVersion>().Deserialize(new AvroEventSerde<ModelVersion>().Serialize(SampleEvents.ModelVersion, Topic), Topic).Artifact.ToArray());
    }

    [Fact]
    public void A_reader_with_a_registry_reads_both_encodings_and_one_without_reads_single_object_only()
    {
        var singleObject = new AvroEventSerde<Feedback>().Serialize(SampleEvents.Feedback, Topic);
        var confluent = new AvroEventSerde<Feedback>(_registryClient).Serialize(SampleEvents.Feedback, Topic);
        Assert.Equal(0x00, confluent[0]);

        var withRegistry = new AvroEventSerde<Feedback>(_registryClient);
        Assert.Equal(SampleEvents.Feedback.PredictionId, withRegistry.Deserialize(singleObject, Topic).PredictionId);
        Assert.Equal(SampleEvents.Feedback.PredictionId, withRegistry.Deserialize(confluent, Topic).PredictionId);

        var error = Assert.Throws<EventDecodeException>(() => new AvroEventSerde<Feedback>().Deserialize(confluent, Topic));
        Assert.Equal(DeadLetterKind.UnknownSchema, error.Kind);
        Assert.Contains("no schema registry", error.Message);
    }

    [Fact]
    public void Old_records_without_a_field_added_with_a_default_stay_readable()
    {
        // Version 1 of Prediction, before `shadow` and `ranking` were added with defaults.
        var v1 = WithoutFields(Prediction.Schema, "shadow", "ranking");
        var record = new GenericRecord(v1);
        foreach (var field in v1.Fields)
        {
            record.Add(field.Name, SampleEvents.Prediction.ToAvro()[field.Name]);
        }

        var body = Encode(record);
        var fingerprint = BitConverter.GetBytes(EventSchemas.Fingerprint(v1));
        byte[] singleObject = [0xC3, 0x01, .. fingerprint, .. body];
        byte[] confluent = [0x00, .. BigEndian(_registry.Register(v1.ToString())), .. body];

        var fromSingleObject = new AvroEventSerde<Prediction>(additionalWriterSchemas: [v1]).Deserialize(singleObject, Topic);
        var fromRegistry = new AvroEventSerde<Prediction>(_registryClient).Deserialize(confluent, Topic);

        foreach (var decoded in new[] { fromSingleObject, fromRegistry })
        {
            Assert.Equal(SampleEvents.Prediction.PredictionId, decoded.PredictionId);
            Assert.Equal(SampleEvents.Prediction.Score, decoded.Score);
            Assert.False(decoded.Shadow);
            Assert.Null(decoded.Ranking);
        }

        var unknown = Assert.Throws<EventDecodeException>(() => new AvroEventSerde<Prediction>().Deserialize(singleObject, Topic));
        Assert.Equal(DeadLetterKind.UnknownSchema, unknown.Kind);
    }

    [Fact]
    public void Garbage_bytes_give_a_malformed_decode_error()
    {
        var serde = new AvroEventSerde<Prediction>();

        var error = Assert.Throws<EventDecodeException>(() => serde.Deserialize("not avro at all"u8, Topic));

        Assert.Equal(DeadLetterKind.Malformed, error.Kind);
    }

    [Fact]
    public void A_truncated_body_gives_a_schema_mismatch_decode_error()
    {
        var serde = new AvroEventSerde<Prediction>();
        var bytes = serde.Serialize(SampleEvents.Prediction, Topic);

        var error = Assert.Throws<EventDecodeException>(() => serde.Deserialize(bytes.AsSpan(0, bytes.Length - 7), Topic));

        Assert.Equal(DeadLetterKind.SchemaMismatch, error.Kind);
    }

    [Fact]
    public void A_declared_length_beyond_the_record_is_refused_without_allocating_it()
    {
        var serde = new AvroEventSerde<Prediction>();
        var header = serde.Serialize(SampleEvents.Prediction, Topic)[..10];
        byte[] bytes = [.. header, 0x80, 0x80, 0x80, 0x80, 0x08]; // zig-zag varint: prediction_id is 2^30 bytes long

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<EventDecodeException>(() => serde.Deserialize(bytes, Topic));

        Assert.Equal(DeadLetterKind.SchemaMismatch, error.Kind);
        Assert.Contains("exceeds", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Any_bytes_either_decode_or_raise_the_typed_error()
    {
        AssertOnlyTypedErrors(SampleEvents.Prediction);
        AssertOnlyTypedErrors(SampleEvents.Feedback);
        AssertOnlyTypedErrors(SampleEvents.LabeledExample);
        AssertOnlyTypedErrors(SampleEvents.DriftMetric);
        AssertOnlyTypedErrors(SampleEvents.PerformanceMetric);
        AssertOnlyTypedErrors(SampleEvents.ExperimentMetric);
        AssertOnlyTypedErrors(SampleEvents.TrafficAllocation);
        AssertOnlyTypedErrors(SampleEvents.RetrainTrigger);
        AssertOnlyTypedErrors(SampleEvents.ModelVersion);
        AssertOnlyTypedErrors(SampleEvents.DeadLetter);
    }

    [Fact]
    public void A_value_the_event_cannot_hold_is_an_invalid_value_error()
    {
        var record = SampleEvents.LabeledExample.ToAvro();
        record.Add("feedback_delay_ms", long.MaxValue); // beyond TimeSpan
        byte[] bytes = [.. new AvroEventSerde<LabeledExample>().Serialize(SampleEvents.LabeledExample, Topic)[..10], .. Encode(record)];

        var error = Assert.Throws<EventDecodeException>(() => new AvroEventSerde<LabeledExample>().Deserialize(bytes, Topic));

        Assert.Equal(DeadLetterKind.InvalidValue, error.Kind);
    }

    [Fact]
    public void Absent_bytes_stay_absent_not_empty()
    {
        var serde = new AvroEventSerde<DeadLetter>();
        var letter = SampleEvents.DeadLetter with { Key = null, Payload = null };

        var decoded = serde.Deserialize(serde.Serialize(letter, Topic), Topic);

        Assert.Null(decoded.Key);
        Assert.Null(decoded.Payload);
    }

    [Fact]
    public void Tombstones_are_written_and_read_as_null()
    {
        var serde = new AvroEventSerde<ModelVersion>();
        var context = new Confluent.Kafka.SerializationContext(Confluent.Kafka.MessageComponentType.Value, Topic);

        Assert.Null(serde.Serialize(null!, context));
        Assert.Null(serde.Deserialize([], isNull: true, context));
    }

    [Fact]
    public void Events_that_cannot_be_encoded_raise_an_argument_error_naming_the_problem()
    {
        var serde = new AvroEventSerde<Feedback>();

        var undefinedEnum = Assert.Throws<ArgumentException>(() => serde.Serialize(SampleEvents.Feedback with { Kind = (FeedbackKind)42 }, Topic));
        var nullList = Assert.Throws<ArgumentException>(() => serde.Serialize(SampleEvents.Feedback with { ClickedItems = null! }, Topic));
        var nullMap = Assert.Throws<ArgumentException>(() => new AvroEventSerde<RetrainTrigger>().Serialize(SampleEvents.RetrainTrigger with { Evidence = null! }, Topic));

        Assert.Contains("42 is not a defined FeedbackKind", undefinedEnum.Message);
        Assert.Contains("Feedback cannot be encoded", nullList.Message);
        Assert.Contains("RetrainTrigger.evidence must not be null", nullMap.Message);
    }

    [Fact]
    public void An_id_the_registry_does_not_know_is_an_unknown_schema_and_is_asked_once()
    {
        var serde = new AvroEventSerde<Feedback>(_registryClient);
        byte[] bytes = [0x00, 0x00, 0x00, 0x03, 0xE7, 0x02];

        var first = Assert.Throws<EventDecodeException>(() => serde.Deserialize(bytes, Topic));
        var requests = _registry.Requests;
        var second = Assert.Throws<EventDecodeException>(() => serde.Deserialize(bytes, Topic));

        Assert.Equal(DeadLetterKind.UnknownSchema, first.Kind);
        Assert.Equal(DeadLetterKind.UnknownSchema, second.Kind);
        Assert.Equal(requests, _registry.Requests);
    }

    [Fact]
    public void An_unreachable_registry_is_not_mistaken_for_a_bad_record()
    {
        var confluent = new AvroEventSerde<Feedback>(_registryClient).Serialize(SampleEvents.Feedback, Topic);
        using var unreachable = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = "http://127.0.0.1:9", RequestTimeoutMs = 2000, MaxRetries = 0 });

        var error = Record.Exception(() => new AvroEventSerde<Feedback>(unreachable).Deserialize(confluent, Topic));

        Assert.NotNull(error);
        Assert.IsNotType<EventDecodeException>(error);
    }

    [Fact]
    public void Serdes_built_from_options_with_a_registry_url_write_the_confluent_wire_format()
    {
        using var serdes = new EventSerdes(new KafkaOptions { SchemaRegistryUrl = _registry.Url });
        using var plain = new EventSerdes(new KafkaOptions());

        Assert.Equal(0x00, serdes.For<Feedback>().Serialize(SampleEvents.Feedback, Topic)[0]);
        Assert.Equal(0xC3, plain.For<Feedback>().Serialize(SampleEvents.Feedback, Topic)[0]);
        Assert.Same(serdes.For<Feedback>(), serdes.For<Feedback>());
    }

    [Fact]
    public void One_serde_instance_is_safe_to_share_between_threads()
    {
        var serde = new AvroEventSerde<Prediction>();
        var expected = serde.Serialize(SampleEvents.Prediction, Topic);

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var bytes = serde.Serialize(serde.Deserialize(expected, Topic), Topic);
                Assert.Equal(expected, bytes);
            }
        });
    }

    [Fact]
    public void Csharp_enums_match_the_avro_symbols()
    {
        AssertSymbols<FeedbackKind>(Feedback.Schema, "kind");
        AssertSymbols<DriftKind>(DriftMetric.Schema, "kind");
        AssertSymbols<DriftSeverity>(DriftMetric.Schema, "severity");
        AssertSymbols<ModelTask>(PerformanceMetric.Schema, "task");
        AssertSymbols<ExperimentKind>(ExperimentMetric.Schema, "kind");
        AssertSymbols<MetricScope>(ExperimentMetric.Schema, "scope");
        AssertSymbols<ExperimentVerdict>(ExperimentMetric.Schema, "verdict");
        AssertSymbols<AllocationKind>(TrafficAllocation.Schema, "kind");
        AssertSymbols<TriggerKind>(RetrainTrigger.Schema, "kind");
        AssertSymbols<TrainingKind>(RetrainTrigger.Schema, "training_kind");
        AssertSymbols<TrainingKind>(ModelVersion.Schema, "training_kind");
        AssertSymbols<ModelStage>(ModelVersion.Schema, "stage");
        AssertSymbols<DeadLetterKind>(DeadLetter.Schema, "error_kind");
    }

    public void Dispose()
    {
        _registryClient.Dispose();
        _registry.Dispose();
    }

    private static void AssertRoundTrips<T>(T sample, ISchemaRegistryClient? registry)
        where T : class, IAvroEvent<T>
    {
        var serde = new AvroEventSerde<T>(registry);
        var bytes = serde.Serialize(sample, Topic);
        var decoded = serde.Deserialize(bytes, Topic);

        // Re-encoding the decoded event gives the same bytes: nothing was lost or altered.
        Assert.Equal(bytes, serde.Serialize(decoded, Topic));
        Assert.Equal(Encode(sample.ToAvro()), Encode(decoded.ToAvro()));
    }

    private static void AssertOnlyTypedErrors<T>(T sample)
        where T : class, IAvroEvent<T>
    {
        var serde = new AvroEventSerde<T>();
        var valid = serde.Serialize(sample, Topic);
        var damaged = Gen.Int[0, valid.Length - 1].SelectMany(cut => Gen.Byte.Array[0, 12].Select(tail => valid[..cut].Concat(tail).ToArray()));
        var flipped = Gen.Int[10, valid.Length - 1].SelectMany(at => Gen.Byte.Select(value => valid.Select((b, i) => i == at ? value : b).ToArray()));

        Gen.OneOf(Gen.Byte.Array[0, 64], damaged, flipped).Sample(bytes =>
        {
            try
            {
                serde.Deserialize(bytes, Topic);
            }
            catch (EventDecodeException)
            {
                // The typed error is the only failure allowed.
            }
        });
    }

    private static void AssertSymbols<TEnum>(RecordSchema schema, string field)
        where TEnum : struct, Enum
    {
        var fieldSchema = schema[field].Schema;
        var enumSchema = fieldSchema as EnumSchema ?? ((UnionSchema)fieldSchema).Schemas.OfType<EnumSchema>().Single();
        Assert.Equal(enumSchema.Symbols, Enum.GetNames<TEnum>().Select(AvroEnum<TEnum>.ToSymbol));
    }

    private static RecordSchema WithoutFields(RecordSchema schema, params string[] removed)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(schema.ToString())!.AsObject();
        var fields = json["fields"]!.AsArray();
        foreach (var field in fields.Where(f => removed.Contains(f!["name"]!.GetValue<string>())).ToList())
        {
            fields.Remove(field);
        }

        return (RecordSchema)Schema.Parse(json.ToJsonString());
    }

    private static byte[] Encode(GenericRecord record)
    {
        using var stream = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(record.Schema).Write(record, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = BitConverter.GetBytes(value);
        Array.Reverse(bytes);
        return bytes;
    }
}
