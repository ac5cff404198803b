namespace StreamingCL.Statistics.Tests.ChangeDetection;

/// <summary>Same stream, same parameters: the same change and warning indices as River.</summary>
public sealed class RiverParityTests
{
    public static TheoryData<int> DocumentedCaseIndices => [.. Enumerable.Range(0, DetectorReference.DocumentedCases.Count)];

    public static TheoryData<int> ParityCaseIndices => [.. Enumerable.Range(0, DetectorReference.ParityCases.Count)];

    [Theory]
    [MemberData(nameof(DocumentedCaseIndices))]
    public void Reproduces_the_change_points_River_documents(int index)
    {
        var expected = DetectorReference.DocumentedCases[index];
        var detector = DetectorReference.Create(expected.Detector, expected.Parameters);
        var stream = DetectorReference.Stream(expected.Stream);

        List<int> drifts = [], firstWarnings = [];
        var printWarning = true;
        for (var i = 0; i < stream.Length; i++)
        {
            detector.Update(stream[i]);
            // River's docstring loops print the first warning since the start or the last drift.
            if (detector.WarningDetected && printWarning)
            {
                firstWarnings.Add(i);
                printWarning = false;
            }

            if (detector.DriftDetected)
            {
                drifts.Add(i);
                printWarning = true;
            }
        }

        Assert.True(expected.Drifts.SequenceEqual(drifts), $"{expected}: drifts [{string.Join(", ", drifts)}], River documents [{string.Join(", ", expected.Drifts)}]");
        if (expected.FirstWarnings is { } warnings)
        {
            Assert.Equal(warnings, firstWarnings);
        }
    }

    [Theory]
    [MemberData(nameof(ParityCaseIndices))]
    public void Flags_the_same_indices_as_River_on_longer_streams(int index)
    {
        var expected = DetectorReference.ParityCases[index];
        var detector = DetectorReference.Create(expected.Detector, expected.Parameters);

        var (drifts, warnings) = DetectorReference.Run(detector, DetectorReference.Stream(expected.Stream));

        Assert.True(expected.Drifts.SequenceEqual(drifts), $"{expected}: drifts [{string.Join(", ", drifts)}], expected [{string.Join(", ", expected.Drifts)}]");
        Assert.True(expected.Warnings.SequenceEqual(warnings), $"{expected}: {warnings.Count} warnings, expected {expected.Warnings.Length}; first difference at {FirstDifference(expected.Warnings, warnings)}");
    }

    private static int FirstDifference(int[] expected, List<int> actual)
    {
        var i = 0;
        while (i < expected.Length && i < actual.Count && expected[i] == actual[i])
        {
            i++;
        }

        return i < expected.Length ? expected[i] : i < actual.Count ? actual[i] : -1;
    }
}
