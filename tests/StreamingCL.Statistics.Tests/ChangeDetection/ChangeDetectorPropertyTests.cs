using CsCheck;
using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Statistics.Tests.ChangeDetection;

public sealed class ChangeDetectorPropertyTests
{
    /// <summary>Any detector with any valid parameters.</summary>
    private static readonly Gen<DetectorSpec> AnyDetector = Gen.OneOf(
        Gen.Select(Gen.Double[1e-6, 0.5], Gen.Int[1, 64], Gen.Int[2, 10], Gen.Int[1, 20], Gen.Int[0, 100]).Select(p =>
            new DetectorSpec($"Adwin{p}", Binary: false, () => new Adwin(p.Item1, p.Item2, p.Item3, p.Item4, p.Item5))),
        Gen.Select(Gen.Int[0, 100], Gen.Double[0, 1], Gen.Double[0.1, 100], Gen.Double[0.5, 1], Gen.Int[0, 2]).Select(p =>
            new DetectorSpec($"PageHinkley{p}", Binary: false, () => new PageHinkley(p.Item1, p.Item2, p.Item3, p.Item4, (PageHinkleyMode)p.Item5))),
        Gen.Select(Gen.Int[0, 100], Gen.Double[0.5, 3], Gen.Double[0.5, 4]).Select(p =>
            new DetectorSpec($"Ddm{p}", Binary: true, () => new Ddm(p.Item1, p.Item2, p.Item3))),
        Gen.Select(Gen.Int[0, 100], Gen.Double[0.5, 1], Gen.Double[0.1, 1]).Select(p =>
            new DetectorSpec($"Eddm{p}", Binary: true, () => new Eddm(p.Item1, p.Item2, p.Item2 * p.Item3))),
        Gen.Select(Gen.Double[1e-4, 0.2], Gen.Double[1e-4, 0.2], Gen.Bool).Select(p =>
            new DetectorSpec($"HddmA{p}", Binary: true, () => new HddmA(p.Item1, p.Item2, p.Item3))),
        Gen.Select(Gen.Double[1e-4, 0.2], Gen.Double[1e-4, 0.2], Gen.Double[0.01, 1], Gen.Bool).Select(p =>
            new DetectorSpec($"HddmW{p}", Binary: true, () => new HddmW(p.Item1, p.Item2, p.Item3, p.Item4))),
        // Seeded: without a seed two KSWIN detectors draw differently and Reset draws anew.
        Gen.Select(Gen.Double[0, 1], Gen.Int[1, 40], Gen.Int[0, 100], Gen.Int).Select(p =>
            new DetectorSpec($"Kswin{p}", Binary: false, () => new Kswin(p.Item1, 2 * p.Item2 + p.Item3, p.Item2, p.Item4))));

    /// <summary>A stream with a level shift part way, so that detectors reach non-trivial states.</summary>
    private static readonly Gen<ShiftingStream> AnyStream =
        Gen.Select(Gen.Int[0, 600], Gen.Int[0, 600], Gen.Double[0, 1], Gen.Double[0, 1], Gen.Int)
            .Select(p => new ShiftingStream(p.Item1, p.Item2, p.Item3, p.Item4, p.Item5));

    [Fact]
    public void No_detector_flags_anything_on_a_constant_stream()
    {
        Gen.Select(AnyDetector, Gen.Int[1, 3000], Gen.Double[-1e6, 1e6], Gen.Bool).Sample(
            sample =>
            {
                var (spec, length, value, bit) = sample;
                var detector = spec.Create();
                var constant = spec.Binary ? (bit ? 1.0 : 0.0) : value;
                for (var i = 0; i < length; i++)
                {
                    detector.Update(constant);
                    Assert.False(detector.DriftDetected || detector.WarningDetected, $"flagged update {i} of {constant}");
                }
            },
            iter: 300);
    }

    [Fact]
    public void Reset_returns_a_detector_to_its_initial_state()
    {
        Gen.Select(AnyDetector, AnyStream, AnyStream).Sample(
            sample =>
            {
                var (spec, history, stream) = sample;
                var used = spec.Create();
                DetectorReference.Run(used, history.Values(spec.Binary));

                used.Reset();

                var values = stream.Values(spec.Binary);
                var (expectedDrifts, expectedWarnings) = DetectorReference.Run(spec.Create(), values);
                var (drifts, warnings) = DetectorReference.Run(used, values);
                Assert.Equal(expectedDrifts, drifts);
                Assert.Equal(expectedWarnings, warnings);
            },
            iter: 300);
    }

    [Fact]
    public void A_rejected_value_leaves_the_detector_untouched()
    {
        Gen.Select(AnyDetector, AnyStream, Gen.Double[0.01, 0.99]).Sample(
            sample =>
            {
                var (spec, stream, notABit) = sample;
                var values = stream.Values(spec.Binary);
                var disturbed = spec.Create();
                var (expectedDrifts, expectedWarnings) = DetectorReference.Run(spec.Create(), values);

                List<int> drifts = [], warnings = [];
                for (var i = 0; i < values.Length; i++)
                {
                    Assert.Throws<ArgumentOutOfRangeException>(() => disturbed.Update(double.NaN));
                    Assert.Throws<ArgumentOutOfRangeException>(() => disturbed.Update(double.NegativeInfinity));
                    if (spec.Binary)
                    {
                        Assert.Throws<ArgumentOutOfRangeException>(() => disturbed.Update(notABit));
                    }

                    disturbed.Update(values[i]);
                    if (disturbed.DriftDetected)
                    {
                        drifts.Add(i);
                    }

                    if (disturbed.WarningDetected)
                    {
                        warnings.Add(i);
                    }
                }

                Assert.Equal(expectedDrifts, drifts);
                Assert.Equal(expectedWarnings, warnings);
            },
            iter: 100);
    }

    internal sealed record DetectorSpec(string Description, bool Binary, Func<IChangeDetector> Create)
    {
        public override string ToString() => Description;
    }

    internal sealed record ShiftingStream(int Before, int After, double LevelBefore, double LevelAfter, int Seed)
    {
        /// <summary>Bits with the levels as error rates, or values around ten times the levels.</summary>
        public double[] Values(bool binary)
        {
            var random = new Random(Seed);
            return [.. Enumerable.Range(0, Before + After).Select(i =>
            {
                var level = i < Before ? LevelBefore : LevelAfter;
                return binary ? (random.NextDouble() < level ? 1.0 : 0.0) : level * 10 + random.NextDouble();
            })];
        }
    }
}
