using System.Diagnostics;
using System.Security.Cryptography;
using Drydock.Build.Attestation;
using Drydock.Build.Diagnostics;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Attestation;

/// <summary>Signing keys as openssl writes them: the good ones load with the right key id, each bad one is its DRY code, and no message holds the key.</summary>
public sealed class SigningKeys : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("ecparam -name prime256v1 -genkey -noout")] // SEC 1 "EC PRIVATE KEY"
    [InlineData("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256")] // PKCS#8 "PRIVATE KEY"
    public void AP256KeyLoads_ItsKeyIdIsTheSha256OfTheDerPublicKey(string generate)
    {
        var path = OpenSsl(generate, "key.pem");
        var der = OpenSslBytes($"pkey -in {path} -pubout -outform DER");

        using var key = SigningKey.FromFile(path);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(der)), key.KeyId);
        Assert.DoesNotContain("PRIVATE", key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_TheFileBeforeTheVariable_TheVariableElseNone_NoneRequiredIsDry2034()
    {
        var file = OpenSsl("ecparam -name prime256v1 -genkey -noout", "file.pem");
        var variable = File.ReadAllText(OpenSsl("ecparam -name prime256v1 -genkey -noout", "variable.pem"));
        using var fromFile = SigningKey.FromFile(file);
        using var fromVariable = SigningKey.FromPem(variable, "a test");
        string? Environment(string name) => name == SigningKey.Variable ? variable : null;

        using var both = SigningKey.Resolve(file, Environment, required: true);
        using var onlyVariable = SigningKey.Resolve(null, Environment, required: true);
        using var none = SigningKey.Resolve("", _ => null, required: false);
        var required = Assert.Throws<DrydockException>(() => SigningKey.Resolve(null, _ => "", required: true));

        Assert.Equal(fromFile.KeyId, both!.KeyId);
        Assert.Equal(fromVariable.KeyId, onlyVariable!.KeyId);
        Assert.Null(none);
        Assert.Equal(KnownCodes.SigningKeyRequired, required.Code);
    }

    [Fact]
    public void AMissingFile_IsDry2030() =>
        Assert.Equal(KnownCodes.SigningKeyUnreadable, Assert.Throws<DrydockException>(() => SigningKey.FromFile(_temp.File("none.pem"))).Code);

    [Fact]
    public void AnEncryptedKey_IsDry2031_AndTheMessageHoldsNoKeyMaterial()
    {
        var plain = OpenSsl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256", "plain.pem");
        var encrypted = OpenSsl($"pkcs8 -topk8 -in {plain} -passout pass:secret", "encrypted.pem");

        var error = Assert.Throws<DrydockException>(() => SigningKey.FromFile(encrypted));

        Assert.Equal(KnownCodes.SigningKeyEncrypted, error.Code);
        AssertNoKeyIn(error.Message, encrypted);
    }

    [Theory]
    [InlineData("ecparam -name secp384r1 -genkey -noout")]
    [InlineData("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048")]
    public void AKeyThatIsNotP256_IsDry2032(string generate)
    {
        var path = OpenSsl(generate, "other.pem");

        var error = Assert.Throws<DrydockException>(() => SigningKey.FromFile(path));

        Assert.Equal(KnownCodes.SigningKeyNotP256, error.Code);
        AssertNoKeyIn(error.Message, path);
    }

    [Theory]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n")]
    [InlineData("just text")]
    public void AMalformedKey_IsDry2033(string pem) =>
        Assert.Equal(KnownCodes.SigningKeyMalformed, Assert.Throws<DrydockException>(() => SigningKey.FromPem(pem, "the DRYDOCK_SIGNING_KEY variable")).Code);

    [Fact]
    public void APublicKeyInsteadOfThePrivateOne_IsDry2033()
    {
        var key = OpenSsl("ecparam -name prime256v1 -genkey -noout", "key.pem");
        var pub = OpenSsl($"pkey -in {key} -pubout", "pub.pem");

        Assert.Equal(KnownCodes.SigningKeyMalformed, Assert.Throws<DrydockException>(() => SigningKey.FromFile(pub)).Code);
    }

    private static void AssertNoKeyIn(string message, string path)
    {
        foreach (var line in File.ReadAllLines(path).Where(l => !l.StartsWith("-----", StringComparison.Ordinal) && l.Length > 16))
        {
            Assert.DoesNotContain(line, message, StringComparison.Ordinal);
        }
    }

    /// <summary>Runs <c>openssl ARGS -out FILE</c> and returns the file.</summary>
    internal string OpenSsl(string arguments, string name)
    {
        var path = _temp.File(name);
        Run($"{arguments} -out {path}");
        return path;
    }

    private static byte[] OpenSslBytes(string arguments)
    {
        using var process = Start(arguments);
        using var buffer = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        Assert.True(process.WaitForExit(30_000));
        Assert.Equal(0, process.ExitCode);
        return buffer.ToArray();
    }

    private static void Run(string arguments)
    {
        using var process = Start(arguments);
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000));
        Assert.True(process.ExitCode == 0, error);
    }

    private static Process Start(string arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Split(' '))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
