using System.Text;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer;

/// <summary>A sparse feature vector: strictly increasing indices and their values.</summary>
internal readonly record struct FeatureVector(int[] Indices, float[] Values);

/// <summary>
/// Turns examples into feature vectors and labels under a <see cref="FeatureSpec"/>; see the spec
/// for the layout, the missing-value rule and the hash. Immutable and thread-safe.
/// </summary>
internal sealed class Featurizer
{
    private readonly string[] _numeric;
    private readonly string[] _categorical;

    // FNV-1a state after "name=" of each categorical feature: the value's bytes continue it.
    private readonly ulong[] _categoricalPrefixStates;
    private readonly int _slots;

    public Featurizer(FeatureSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
        _numeric = [.. spec.NumericFeatures];
        _categorical = [.. spec.CategoricalFeatures];
        _slots = spec.HashSlots;
        _categoricalPrefixStates = [.. _categorical.Select(name => StableHash.Fnv1a(Encoding.UTF8.GetBytes(name + "=")))];
        Dimension = spec.Dimension;
        SpecSha256 = spec.ComputeSha256();
    }

    public FeatureSpec Spec { get; }

    /// <summary>Length of the vectors.</summary>
    public int Dimension { get; }

    /// <summary>SHA-256 of the spec's canonical form.</summary>
    public string SpecSha256 { get; }

    public bool IsBinary => Spec.Task == ModelTask.BinaryClassification;

    /// <summary>
    /// Featurises a training example, or returns why it cannot be trained on (the worker
    /// dead-letters it): anything <see cref="EventValidation.Check(LabeledExample)"/> rejects,
    /// a missing label, or a numeric feature beyond the float range of the vector.
    /// </summary>
    public EventProblem? TryFeaturize(LabeledExample example, out FeatureVector features, out float label)
    {
        features = default;
        label = 0;
        var problem = EventValidation.Check(example);
        if (problem is not null)
        {
            return problem;
        }

        if (example.Label is not { } value)
        {
            return new EventProblem(DeadLetterKind.MissingField, "label is missing: the example cannot be trained on.");
        }

        if (!IsBinary && Math.Abs(value) > float.MaxValue)
        {
            return new EventProblem(DeadLetterKind.InvalidValue, $"label is {value}, beyond the float range of the model.");
        }

        foreach (var name in _numeric)
        {
            if (example.NumericFeatures.TryGetValue(name, out var x) && Math.Abs(x) > float.MaxValue)
            {
                return new EventProblem(DeadLetterKind.InvalidValue, $"numeric_features[{name}] is {x}, beyond the float range of the feature vector.");
            }
        }

        features = Featurize(example.NumericFeatures, example.CategoricalFeatures);
        label = IsBinary ? (value >= Spec.LabelThreshold ? 1f : 0f) : (float)value;
        return null;
    }

    /// <summary>The vector of raw features; absent numeric features are 0 and are not stored.</summary>
    public FeatureVector Featurize(IReadOnlyDictionary<string, double> numeric, IReadOnlyDictionary<string, string> categorical)
    {
        var indices = new List<int>(_numeric.Length + _categorical.Length);
        var values = new List<float>(_numeric.Length + _categorical.Length);
        for (var i = 0; i < _numeric.Length; i++)
        {
            if (numeric.TryGetValue(_numeric[i], out var x) && x != 0)
            {
                indices.Add(i);
                values.Add((float)x);
            }
        }

        if (_categorical.Length > 0)
        {
            // Slots of the categorical features, sorted; colliding categories add up.
            Span<int> slots = _categorical.Length <= 64 ? stackalloc int[_categorical.Length] : new int[_categorical.Length];
            var count = 0;
            for (var i = 0; i < _categorical.Length; i++)
            {
                if (categorical.TryGetValue(_categorical[i], out var category))
                {
                    slots[count++] = _numeric.Length + Slot(i, category);
                }
            }

            slots = slots[..count];
            slots.Sort();
            for (var i = 0; i < slots.Length; i++)
            {
                if (i > 0 && slots[i] == slots[i - 1])
                {
                    values[^1] += 1f;
                }
                else
                {
                    indices.Add(slots[i]);
                    values.Add(1f);
                }
            }
        }

        return new FeatureVector([.. indices], [.. values]);
    }

    /// <summary>w·x + b straight from raw features, without building the vector or allocating.</summary>
    public double Margin(ReadOnlySpan<float> weights, float bias, IReadOnlyDictionary<string, double> numeric, IReadOnlyDictionary<string, string> categorical)
    {
        // Float arithmetic like ML.NET's linear predictor; only the summation order differs (scores agree to float rounding).
        var sum = 0f;
        for (var i = 0; i < _numeric.Length; i++)
        {
            if (numeric.TryGetValue(_numeric[i], out var x))
            {
                sum += weights[i] * (float)x;
            }
        }

        for (var i = 0; i < _categorical.Length; i++)
        {
            if (categorical.TryGetValue(_categorical[i], out var category))
            {
                sum += weights[_numeric.Length + Slot(i, category)];
            }
        }

        return sum + bias;
    }

    /// <summary>Slot in [0, HashSlots) of "feature=value" for the i-th categorical feature.</summary>
    internal int Slot(int categoricalIndex, string value) =>
        (int)(StableHash.Mix(StableHash.Fnv1a(value, _categoricalPrefixStates[categoricalIndex])) % (ulong)_slots);
}
