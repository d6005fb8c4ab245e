using Drydock.Build.Oci;

namespace Drydock.Build.Tests.Oci;

public sealed class DigestTests
{
    [Fact]
    public void Of_Bytes_IsSha256WithPrefix() =>
        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Digest.Of("abc"u8).ToString());

    [Fact]
    public void Of_Stream_EqualsOfBytes() =>
        Assert.Equal(Digest.Of("abc"u8), Digest.Of(new MemoryStream("abc"u8.ToArray())));

    [Theory]
    [InlineData("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", true)]
    [InlineData("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", false)]
    [InlineData("sha256:ba7816bf", false)]
    [InlineData("sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", false)]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", false)]
    [InlineData("", false)]
    public void TryParse_AcceptsOnlyLowercaseSha256(string value, bool valid)
    {
        Assert.Equal(valid, Digest.TryParse(value, out var digest));
        Assert.Equal(valid ? value : null, digest?.ToString());
    }
}
