using CsCheck;
using StreamingCL.Statistics.ChangeDetection;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Statistics.Tests.ChangeDetection;

public sealed class KswinTests
{
    /// <summary>Valid (alpha, window_size, stat_size, seed), small enough to run many.</summary>
    private static readonly Gen<(double Alpha, int WindowSize, int StatSize, int Seed)> AnyParameters =
        Gen.Select(Gen.Double[0, 1], Gen.Int[1, 40], Gen.Int[0, 60], Gen.Int)
            .Select(p => (p.Item1, 2 * p.Item2 + p.Item3, p.Item2, p.Item4));

    [Fact]
    public void Defaults_are_rivers()
    {
        var parameters = ChangeDetectorFactory.Parameters("kswin");

        Assert.Equal(
            new Dictionary<string, string> { ["alpha"] = "0.005", ["window_size"] = "100", ["stat_size"] = "30", ["seed"] = "none" },
            parameters);
    }

    [Fact]
    public void Never_flags_a_constant_stream_whose_tests_all_give_d_0_and_p_1()
    {
        Gen.Select(AnyParameters, Gen.Double[-1e6, 1e6], Gen.Int[1, 1500]).Sample(
            (parameters, value, length) =>
            {
                var kswin = new Kswin(parameters.Alpha, parameters.WindowSize, parameters.StatSize, parameters.Seed);
                for (var i = 0; i < length; i++)
                {
                    kswin.Update(value);
                    Assert.False(kswin.DriftDetected, $"flagged update {i}");
                    var tested = i >= parameters.WindowSize - 1;
                    Assert.Equal(tested ? 1.0 : 0.0, kswin.PValue);
                    Assert.Equal(0.0, kswin.Statistic);
                }
            },
            iter: 200);
    }

    /// <summary>
    /// Each test compares two independent samples of the same continuous distribution with an exact
    /// test, so it alarms with probability P(D &gt;= d*) &lt;= alpha (0.0025 for 30 against 30 at
    /// alpha = 0.005); the tests overlap, so false alarms do happen on a long stream (in River as
    /// well), but their expected number is at most alpha per test. A test that compared overlapping
    /// or misdrawn samples, or an anti-conservative p-value, breaks the bound.
    /// </summary>
    [Theory]
    [InlineData("normal", 1)]
    [InlineData("normal", 2)]
    [InlineData("uniform", 3)]
    [InlineData("exponential", 4)]
    [InlineData("lognormal", 5)]
    public void False_alarms_on_long_stationary_noise_stay_below_alpha_per_test(string distribution, int seed)
    {
        const int length = 50_000;
        var random = new Random(seed);
        var kswin = new Kswin(seed: seed);

        int tests = 0, alarms = 0;
        for (var i = 0; i < length; i++)
        {
            kswin.Update(Draw(distribution, random));
            tests += kswin.WindowCount == 100 || kswin.DriftDetected ? 1 : 0;
            alarms += kswin.DriftDetected ? 1 : 0;
        }

        // The size of one exact test at alpha = 0.005, 30 against 30: P(D >= 14/30) = 0.00253.
        var size = KolmogorovSmirnov.FromStatistic(14, 30, 30, 30, KolmogorovSmirnovMethod.Exact).PValue;
        Assert.Equal(0.0025300622362698, size, 1e-15);
        Assert.True(alarms <= 0.005 * tests, $"{alarms} false alarms in {tests} tests");
        Assert.True(alarms <= size * tests + 3 * Math.Sqrt(size * tests), $"{alarms} false alarms in {tests} tests, expected at most {size * tests:F0}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Never_flags_long_stationary_noise_at_an_alpha_of_1e_minus_7(int seed)
    {
        // P(D >= 22/30) = 4.3e-8 per test: about 0.004 false alarms expected per 100 000 updates.
        var random = new Random(seed);
        var kswin = new Kswin(alpha: 1e-7, seed: seed);
        var minimumPValue = 1.0;

        for (var i = 0; i < 100_000; i++)
        {
            kswin.Update(Draw("normal", random));
            Assert.False(kswin.DriftDetected, $"flagged update {i}");
            minimumPValue = Math.Min(minimumPValue, i >= 99 ? kswin.PValue : 1.0);
        }

        // Non-vacuous: the tests did see small p-values, just not small enough.
        Assert.InRange(minimumPValue, 1e-7, 1e-3);
    }

    [Fact]
    public void Detects_rivers_test_stream_shift_at_the_index_river_reports()
    {
        // River's test_kswin: window_size = 2 stat_size, so the draw takes the whole older half and
        // River's generator plays no part; the p-values are scipy's, so the index is River's.
        var stream = DetectorReference.Stream("river_test_stream_1");
        foreach (var seed in new int?[] { 42, 7, null })
        {
            var (drifts, _) = DetectorReference.Run(new Kswin(alpha: 0.0001, windowSize: 200, statSize: 100, seed: seed), stream);

            Assert.Equal([1042], drifts);
        }
    }

    [Fact]
    public void Detects_the_shift_of_rivers_test_stream_within_window_size_updates_with_the_defaults()
    {
        // The shift is at index 1000 (values 0-1, then 0-7). A false alarm in the 100 updates before it
        // leaves the window mostly post-shift and the shift can go unseen. That happens for 30 of these
        // 200 seeds (River, over seeds 0-199 of its own generator: 24); the others must all detect it.
        var stream = DetectorReference.Stream("river_test_stream_1");
        int seeds = 0, detected = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var (drifts, _) = DetectorReference.Run(new Kswin(seed: seed), stream);
            if (drifts.Any(i => i is >= 900 and < 1000))
            {
                continue;
            }

            seeds++;
            detected += drifts.Any(i => i is >= 1000 and < 1100) ? 1 : 0;
        }

        Assert.InRange(seeds, 150, 200);
        Assert.Equal(seeds, detected);
    }

    [Fact]
    public void Detects_an_abrupt_mean_shift_within_window_size_updates()
    {
        // Normal noise whose mean jumps by 3 to 10 standard deviations after 100 to 300 values,
        // default alpha, stat_size 20 to 50, window_size up to 100 more than twice that.
        var unseen = 0;
        var sizes = Gen.Select(Gen.Int[20, 50], Gen.Int[0, 100], Gen.Int).Select(p => (WindowSize: 2 * p.Item1 + p.Item2, StatSize: p.Item1, Seed: p.Item3));
        Gen.Select(sizes, Gen.Int[100, 300], Gen.Double[3, 10], Gen.Bool, Gen.Int).Sample(
            (parameters, before, jump, down, streamSeed) =>
            {
                var (windowSize, statSize, seed) = parameters;
                var kswin = new Kswin(0.005, windowSize, statSize, seed);
                var random = new Random(streamSeed);
                var lastAlarmBeforeShift = -1;
                for (var i = 0; i < before; i++)
                {
                    kswin.Update(Draw("normal", random));
                    lastAlarmBeforeShift = kswin.DriftDetected ? i : lastAlarmBeforeShift;
                }

                var shift = down ? -jump : jump;
                var delay = -1;
                for (var i = 0; i < windowSize && delay < 0; i++)
                {
                    kswin.Update(shift + Draw("normal", random));
                    delay = kswin.DriftDetected ? i : -1;
                }

                // The law holds when the window holds only pre-shift values at the shift.
                if (before < windowSize || lastAlarmBeforeShift >= before - windowSize)
                {
                    Interlocked.Increment(ref unseen);
                    return;
                }

                Assert.True(delay >= 0, $"no change flagged within {windowSize} updates of a shift of {shift}");
            },
            iter: 300);

        Assert.True(unseen < 150, $"{unseen} of 300 streams did not exercise the law");
    }

    [Fact]
    public void Keeps_the_most_recent_stat_size_values_on_a_change_and_restarts_on_the_next_update_as_river()
    {
        var kswin = new Kswin(seed: 1);
        var inputs = new List<double>();
        var random = new Random(1);
        for (var i = 0; !kswin.DriftDetected; i++)
        {
            Assert.True(i < 2000, "no change flagged");
            var x = (i < 500 ? 0.0 : 5.0) + Draw("normal", random);
            inputs.Add(x);
            kswin.Update(x);
        }

        Assert.Equal(30, kswin.WindowCount);
        Assert.Equal(inputs[^30..], kswin.WindowValues());
        Assert.True(kswin.PValue <= 0.005 && kswin.Statistic > 0.1);

        kswin.Update(1.5);

        Assert.False(kswin.DriftDetected);
        Assert.Equal([1.5], kswin.WindowValues());
        Assert.Equal(0.0, kswin.PValue);
        Assert.Equal(0.0, kswin.Statistic);
    }

    /// <summary>
    /// A model of River's window (append, keep window_size; on a change keep the last stat_size;
    /// empty it on the update after a change) checked against the detector after every update:
    /// the recent sample is the window's last stat_size values, the reference sample distinct values
    /// of its older part, and the statistic and p-value those of <see cref="KolmogorovSmirnov.TwoSample"/>
    /// on the two samples.
    /// </summary>
    [Fact]
    public void Tests_the_latest_stat_size_values_against_a_draw_from_the_older_part_with_scipys_ks_2samp()
    {
        Gen.Select(AnyParameters, Gen.Int[0, 400], Gen.Double[0, 2], Gen.Int).Sample(
            (parameters, length, jumpEvery, streamSeed) =>
            {
                var (alpha, windowSize, statSize, seed) = parameters;
                var kswin = new Kswin(alpha, windowSize, statSize, seed);
                var random = new Random(streamSeed);
                var model = new List<double>();
                var changed = false;
                for (var i = 0; i < windowSize + length; i++)
                {
                    // Continuous values (all distinct) with occasional level jumps, so that changes happen.
                    var x = Math.Floor(i * jumpEvery / 50) * 3 + random.NextDouble();
                    kswin.Update(x);

                    if (changed)
                    {
                        model.Clear();
                    }

                    model.Add(x);
                    if (model.Count > windowSize)
                    {
                        model.RemoveAt(0);
                    }

                    if (model.Count < windowSize)
                    {
                        Assert.False(kswin.DriftDetected);
                        Assert.Equal(model, kswin.WindowValues());
                        changed = false;
                        continue;
                    }

                    var older = model[..(windowSize - statSize)];
                    var recent = model[(windowSize - statSize)..];
                    Assert.Equal(recent.Order(), kswin.RecentSample.ToArray());
                    var reference = kswin.ReferenceSample.ToArray();
                    Assert.Equal(statSize, reference.Distinct().Count());
                    Assert.All(reference, value => Assert.Contains(value, older));
                    Assert.True(reference.SequenceEqual(reference.Order()));

                    var expected = KolmogorovSmirnov.TwoSample(reference, recent.ToArray());
                    Assert.Equal(expected.Statistic, kswin.Statistic);
                    Assert.Equal(expected.PValue, kswin.PValue);
                    Assert.Equal(expected.PValue <= alpha && expected.Statistic > 0.1, kswin.DriftDetected);

                    changed = kswin.DriftDetected;
                    if (changed)
                    {
                        model = recent;
                    }

                    Assert.Equal(model, kswin.WindowValues());
                }
            },
            iter: 300);
    }

    [Fact]
    public void Draws_each_older_position_equally_often()
    {
        // Values 0, 1, 2... identify their positions; stat_size 30 of the 70 older positions per test.
        var kswin = new Kswin(alpha: 0, seed: 3);
        var counts = new long[70];
        const int tests = 20_000;
        for (var i = 0; i < 99 + tests; i++)
        {
            kswin.Update(i);
            if (i < 99)
            {
                continue;
            }

            var oldest = i - 99;
            foreach (var value in kswin.ReferenceSample)
            {
                counts[(int)value - oldest]++;
            }
        }

        // Binomial(tests, 3/7) per position: sd = 70; allow 5 sd.
        var expected = tests * 30.0 / 70.0;
        Assert.All(counts, count => Assert.InRange(count, expected - 350, expected + 350));
    }

    [Theory]
    [InlineData(2.5, false)]
    [InlineData(3.5, true)]
    public void Needs_a_statistic_above_0_1_even_when_the_p_value_is_below_alpha(double offset, bool expected)
    {
        // window_size = 2 stat_size: the reference sample is the whole older half, 0..29. Shifting
        // 0..29 by 2.5 gives D = 3/30 = 0.1 exactly (p = 0.9988), by 3.5 gives D = 4/30 (p = 0.958).
        var kswin = new Kswin(alpha: 1, windowSize: 60, statSize: 30, seed: 1);
        for (var i = 0; i < 30; i++)
        {
            kswin.Update(i);
        }

        for (var i = 0; i < 30; i++)
        {
            kswin.Update(i + offset);
        }

        Assert.Equal(offset == 2.5 ? 0.1 : 4.0 / 30, kswin.Statistic);
        Assert.Equal(expected, kswin.DriftDetected);
    }

    [Theory]
    [InlineData(0.0025, false)]
    [InlineData(0.0026, true)]
    public void Needs_a_p_value_at_most_alpha(double alpha, bool expected)
    {
        // D = 14/30 between 0..29 and 0..29 shifted by 13.5: p = 0.00253.
        var kswin = new Kswin(alpha, windowSize: 60, statSize: 30, seed: 1);
        for (var i = 0; i < 30; i++)
        {
            kswin.Update(i);
        }

        for (var i = 0; i < 30; i++)
        {
            kswin.Update(i + 13.5);
        }

        Assert.Equal(0.0025300622362698, kswin.PValue, 1e-15);
        Assert.Equal(expected, kswin.DriftDetected);
    }

    [Fact]
    public void A_p_value_equal_to_alpha_is_a_change()
    {
        var pValue = KolmogorovSmirnov.TwoSample([.. Enumerable.Range(0, 30).Select(i => (double)i)], [.. Enumerable.Range(0, 30).Select(i => i + 13.5)]).PValue;
        var kswin = new Kswin(pValue, windowSize: 60, statSize: 30, seed: 1);
        for (var i = 0; i < 60; i++)
        {
            kswin.Update(i < 30 ? i : i - 30 + 13.5);
        }

        Assert.Equal(pValue, kswin.PValue);
        Assert.True(kswin.DriftDetected);
    }

    [Fact]
    public void The_same_seed_gives_the_same_detections_and_p_values_and_another_seed_other_ones()
    {
        var stream = DetectorReference.Stream("sudden_shift_gaussian");

        var first = Trace(new Kswin(seed: 5), stream);
        var second = Trace(new Kswin(seed: 5), stream);
        var reused = new Kswin(seed: 5);
        Trace(reused, stream);
        reused.Reset();
        var afterReset = Trace(reused, stream);
        var other = Trace(new Kswin(seed: 6), stream);

        Assert.NotEmpty(first.Drifts);
        Assert.Equal(first.Drifts, second.Drifts);
        Assert.Equal(first.PValues, second.PValues);
        Assert.Equal(first.PValues, afterReset.PValues);
        Assert.NotEqual(first.PValues, other.PValues);
    }

    [Fact]
    public void The_factory_builds_it_from_river_parameter_names()
    {
        var stream = DetectorReference.Stream("sudden_shift_gaussian");
        var parameters = new Dictionary<string, string> { ["alpha"] = "0.01", ["window_size"] = "150", ["stat_size"] = "40", ["seed"] = "12" };

        var fromFactory = ChangeDetectorFactory.Create("kswin", parameters);
        var unseeded = ChangeDetectorFactory.Create("kswin", new Dictionary<string, string> { ["seed"] = "None" });

        Assert.Equal(Trace(new Kswin(0.01, 150, 40, 12), stream).PValues, Trace((Kswin)fromFactory, stream).PValues);
        Assert.NotEqual(Trace(new Kswin(seed: 12), stream).PValues, Trace(new Kswin(0.01, 150, 40, 12), stream).PValues);
        Assert.Equal("none", ChangeDetectorFactory.Parameters("kswin", new Dictionary<string, string>())["seed"]);
        Assert.Equal("12", ChangeDetectorFactory.Parameters("kswin", parameters)["seed"]);
        Assert.IsType<Kswin>(unseeded);
    }

    [Fact]
    public void The_factory_names_window_size_and_stat_size_when_their_combination_is_invalid()
    {
        var error = Assert.Throws<ArgumentException>(
            () => ChangeDetectorFactory.Create("kswin", new Dictionary<string, string> { ["stat_size"] = "60" }));

        Assert.Equal("Invalid value '100' for parameter 'window_size' of change detector 'kswin': must be at least twice stat_size (120).", error.Message);
    }

    [Theory]
    [InlineData(double.NaN, 100, 30, "alpha")]
    [InlineData(-0.01, 100, 30, "alpha")]
    [InlineData(1.01, 100, 30, "alpha")]
    [InlineData(0.005, 59, 30, "windowSize")]
    [InlineData(0.005, 30, 30, "windowSize")]
    [InlineData(0.005, 100, 0, "statSize")]
    [InlineData(0.005, int.MaxValue, int.MaxValue, "windowSize")]
    public void The_constructor_rejects_out_of_range_arguments_by_their_own_name(double alpha, int windowSize, int statSize, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Kswin(alpha, windowSize, statSize));

        Assert.Equal(name, error.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Accepts_alpha_0_and_1_as_river_does(double alpha)
    {
        // 0: exact p-values are never 0, so nothing is flagged; 1: every test with D > 0.1 flags.
        var kswin = new Kswin(alpha, seed: 1);
        int flagged = 0, tests = 0;
        var minimumPValue = 1.0;
        foreach (var x in DetectorReference.Stream("river_test_stream_1"))
        {
            kswin.Update(x);
            if (kswin.WindowCount == 100 || kswin.DriftDetected)
            {
                tests++;
                flagged += kswin.DriftDetected ? 1 : 0;
                minimumPValue = Math.Min(minimumPValue, kswin.PValue);
                Assert.Equal(alpha == 1 && kswin.Statistic > 0.1, kswin.DriftDetected);
            }
        }

        // Non-vacuous: at 0 the window never resets and sees tiny p-values; at 1 many tests flag.
        Assert.True(alpha == 0 ? tests == 1901 && flagged == 0 && minimumPValue < 1e-6 : flagged > 10, $"{tests} tests, {flagged} flagged, smallest p {minimumPValue}");
    }

    [Fact]
    public void Updates_allocate_nothing_once_warmed_up_changes_included()
    {
        var stream = DetectorReference.Stream("sudden_shift_gaussian");
        var kswin = new Kswin(seed: 1);
        DetectorReference.Run(kswin, stream);
        kswin.Reset();

        var changes = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var pass = 0; pass < 5; pass++)
        {
            foreach (var x in stream)
            {
                kswin.Update(x);
                changes += kswin.DriftDetected ? 1 : 0;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(changes >= 5, $"only {changes} changes: the reset path was not exercised");
        Assert.Equal(0, allocated);
    }

    private static (List<int> Drifts, List<double> PValues) Trace(Kswin kswin, double[] stream)
    {
        List<int> drifts = [];
        List<double> pValues = [];
        for (var i = 0; i < stream.Length; i++)
        {
            kswin.Update(stream[i]);
            pValues.Add(kswin.PValue);
            if (kswin.DriftDetected)
            {
                drifts.Add(i);
            }
        }

        return (drifts, pValues);
    }

    private static double Draw(string distribution, Random random)
    {
        var u = 1.0 - random.NextDouble();
        return distribution switch
        {
            "uniform" => u,
            "exponential" => -Math.Log(u),
            "lognormal" => Math.Exp(Normal(u, random)),
            _ => Normal(u, random),
        };
    }

    // Box-Muller from u in (0, 1].
    private static double Normal(double u, Random random) => Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
