using Streamiz.Kafka.Net.Processors.Public;

namespace StreamingCL.Processors;

/// <summary>
/// Transformer suppliers from a factory. Streamiz makes one transformer per task with
/// Activator.CreateInstance(type, parameters) after a `new T()` at build time, which would force
/// every transformer to have a parameterless constructor; this wrapper carries the factory instead,
/// so transformers take their options in their constructor.
/// </summary>
internal static class TransformerFactory
{
    public static TransformerSupplier<K, V, K1, V1> Supplier<K, V, K1, V1>(Func<ITransformer<K, V, K1, V1>> create) =>
        TransformerBuilder.New<K, V, K1, V1>().Transformer<Delegating<K, V, K1, V1>>(create).Build();

    /// <summary>Forwards to the transformer the factory makes; one per task.</summary>
    internal sealed class Delegating<K, V, K1, V1> : ITransformer<K, V, K1, V1>
    {
        private readonly ITransformer<K, V, K1, V1>? _inner;

        /// <summary>Only for Streamiz's `new T()` type token at build time; never processes records.</summary>
        public Delegating()
        {
        }

        public Delegating(Func<ITransformer<K, V, K1, V1>> create) => _inner = create();

        public void Init(ProcessorContext<K1, V1> context) => Inner.Init(context);

        public Record<K1, V1> Process(Record<K, V> record) => Inner.Process(record);

        public void Close() => Inner.Close();

        private ITransformer<K, V, K1, V1> Inner =>
            _inner ?? throw new InvalidOperationException("Streamiz used the build-time type token as a transformer.");
    }
}
