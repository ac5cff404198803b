using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Statistics.Tests.ChangeDetection;

public sealed class AllocationTests
{
    public static TheoryData<string> Detectors => [.. ChangeDetectorFactory.DetectorNames];

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Updates_allocate_nothing_once_warmed_up(string name)
    {
        var detector = ChangeDetectorFactory.Create(name);
        var stream = DetectorReference.Stream("noisy_error_rates");
        DetectorReference.Run(detector, stream);
        detector.Reset();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var pass = 0; pass < 5; pass++)
        {
            foreach (var x in stream)
            {
                detector.Update(x);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
