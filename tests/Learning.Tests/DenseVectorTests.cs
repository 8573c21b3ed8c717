using NetflixML.Learning.Core;

namespace NetflixML.Learning.Tests;

public sealed class DenseVectorTests
{
    // Lengths around the four- and eight-lane blocks, so the vector loops and every tail are taken.
    public static TheoryData<int> Lengths => new() { 0, 1, 3, 4, 5, 7, 8, 9, 12, 13, 64, 67 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot_and_AddScaled_agree_with_the_element_by_element_sums(int length)
    {
        var rng = new Rng((ulong)length + 1);
        var a = Enumerable.Range(0, length).Select(_ => rng.Gaussian(0, 1)).ToArray();
        var b = Enumerable.Range(0, length).Select(_ => rng.Gaussian(0, 1)).ToArray();

        var expected = 0.0;
        for (var i = 0; i < length; i++)
        {
            expected += a[i] * b[i];
        }

        Assert.Equal(expected, DenseVector.Dot(a, b), 1e-12);

        var target = (double[])b.Clone();
        DenseVector.AddScaled(-2.5, a, target);
        for (var i = 0; i < length; i++)
        {
            Assert.Equal(b[i] - (2.5 * a[i]), target[i], 1e-12);
        }
    }

    [Fact]
    public void Spans_of_different_lengths_are_refused_rather_than_read_past_their_end()
    {
        var error = Assert.Throws<ArgumentException>(() => DenseVector.Dot(new double[8], new double[4]));
        Assert.Equal("The spans differ in length (8 and 4).", error.Message);
        Assert.Throws<ArgumentException>(() => DenseVector.AddScaled(1, new double[3], new double[5]));
    }
}
