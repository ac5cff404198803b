using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Statistics.Tests.ChangeDetection;

/// <summary>ADWIN's window bookkeeping, after River's test_adwin_regression.py.</summary>
public sealed class AdwinTests
{
    [Fact]
    public void Tracks_the_width_and_mean_of_its_window()
    {
        var adwin = new Adwin();
        Assert.Equal(0.0, adwin.Mean);

        foreach (var x in new[] { 1.0, 2.0, 3.0, 4.0, 5.0 })
        {
            adwin.Update(x);
        }

        Assert.Equal(5.0, adwin.Width);
        Assert.Equal(3.0, adwin.Mean);
    }

    [Fact]
    public void Drops_old_data_on_a_change_and_starts_afresh_on_the_next_update()
    {
        var adwin = new Adwin(clock: 1);
        for (var i = 0; i < 500; i++)
        {
            adwin.Update(0.0);
        }

        var updates = 0;
        do
        {
            adwin.Update(100.0);
            updates++;
        }
        while (!adwin.DriftDetected && updates < 500);

        Assert.True(adwin.DriftDetected);
        Assert.InRange(adwin.Width, 1, 500 + updates - 1);

        adwin.Update(50.0);

        Assert.False(adwin.DriftDetected);
        Assert.Equal(1.0, adwin.Width);
        Assert.Equal(50.0, adwin.Mean);
    }

    [Fact]
    public void Looks_for_no_cut_within_the_grace_period()
    {
        var watched = new Adwin(gracePeriod: 100, clock: 1);
        var eager = new Adwin(gracePeriod: 10, clock: 1);
        var stream = Enumerable.Repeat(0.0, 50).Concat(Enumerable.Repeat(1000.0, 50)).ToArray();

        Assert.Empty(DetectorReference.Run(watched, stream).Drifts);
        Assert.NotEmpty(DetectorReference.Run(eager, stream).Drifts);
    }

    [Fact]
    public void Keeps_a_deep_window_exact_through_bucket_merges()
    {
        var adwin = new Adwin(clock: int.MaxValue);
        var values = Enumerable.Range(0, 200_000).Select(i => (double)(i % 7)).ToArray();
        foreach (var x in values)
        {
            adwin.Update(x);
        }

        Assert.Equal(values.Length, adwin.Width);
        Assert.Equal(values.Average(), adwin.Mean, 12);
    }
}
