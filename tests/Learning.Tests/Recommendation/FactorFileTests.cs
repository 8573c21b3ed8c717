using NetflixML.Learning.Recommendation;

namespace NetflixML.Learning.Tests.Recommendation;

/// <summary>The arrays factor models write to their files.</summary>
public sealed class FactorFileTests
{
    [Fact]
    public void Item_flags_round_trip_and_a_wrong_count_is_refused()
    {
        bool[] flags = [true, false, false, true, true];
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            FactorArrays.WriteFlags(writer, flags);
        }

        Assert.Equal(4 + flags.Length, stream.Length);
        stream.Position = 0;
        using (var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Assert.Equal(flags, FactorArrays.ReadFlags(reader, flags.Length));
        }

        stream.Position = 0;
        using var again = new BinaryReader(stream);
        var error = Assert.Throws<InvalidDataException>(() => FactorArrays.ReadFlags(again, 6));
        Assert.Equal("5 item flags for 6 items.", error.Message);
    }
}
