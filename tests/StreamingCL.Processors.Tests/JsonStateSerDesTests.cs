using System.Text;
using Confluent.Kafka;
using StreamingCL.Processors.Drift;
using StreamingCL.Processors.Experiments;

namespace StreamingCL.Processors.Tests;

public sealed class JsonStateSerDesTests
{
    private static readonly SerializationContext Changelog = new(MessageComponentType.Value, "streamingcl-experiments-experiment-units-changelog");

    [Fact]
    public void State_round_trips_with_infinite_sums()
    {
        var serdes = new JsonStateSerDes<UnitState>();
        var unit = new UnitState([new UnitArm("A", double.PositiveInfinity)], MultipleExposures: true);

        var read = serdes.Deserialize(serdes.Serialize(unit, Changelog), Changelog);

        Assert.Equal(unit.Arms, read.Arms);
        Assert.True(read.MultipleExposures);
    }

    [Theory]
    [InlineData("""{"multipleExposures":false}""")] // written before units had arms
    [InlineData("""{"arms":null,"multipleExposures":false}""")]
    [InlineData("""{"arms":[{"variant":null,"sum":1}],"multipleExposures":false}""")]
    public void State_in_another_shape_fails_on_reading_naming_the_type_and_the_remedy(string json)
    {
        var serdes = new JsonStateSerDes<UnitState>();

        var error = Assert.Throws<InvalidDataException>(() => serdes.Deserialize(Encoding.UTF8.GetBytes(json), Changelog));

        Assert.Contains("UnitState", error.Message, StringComparison.Ordinal);
        Assert.Contains("experiment-units-changelog", error.Message, StringComparison.Ordinal);
        Assert.Contains("reset the application's state", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_numeric_reference_stored_before_references_kept_their_count_reads_as_of_unknown_count()
    {
        var serdes = new JsonStateSerDes<VersionReferences>();
        var json = """{"numeric":{"x":{"origin":"published","edges":[1.0],"shares":[0.5,0.5]}},"categorical":{}}""";

        var read = serdes.Deserialize(Encoding.UTF8.GetBytes(json), Changelog);

        Assert.Equal(0, read.Numeric["x"].Count); // the chi-square test then takes the shares as exact
        Assert.Equal(40, serdes.Deserialize(serdes.Serialize(read with { Numeric = new() { ["x"] = read.Numeric["x"] with { Count = 40 } } }, Changelog), Changelog).Numeric["x"].Count);
    }
}
