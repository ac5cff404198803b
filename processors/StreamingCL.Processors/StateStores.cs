using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;

namespace StreamingCL.Processors;

/// <summary>The state stores of the applications.</summary>
internal static class StateStores
{
    /// <summary>
    /// An in-memory key-value store of JSON state, logged to its changelog and cached: a key
    /// updated many times between two commits (a window's counts, a prediction then its feedback)
    /// writes one changelog record per commit, not one per input record.
    /// </summary>
    public static IStoreBuilder<IKeyValueStore<string, T>> Json<T>(string name)
        where T : class =>
        Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(name), new StringSerDes(), new JsonStateSerDes<T>()).WithCachingEnabled();
}
