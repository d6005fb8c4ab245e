using System.Net;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>
/// Strict read-only (<c>Tmpfs = false</c>, <c>DrydockTestTmpfs=false</c>): an app that writes to /tmp
/// fails as in a pod with <c>readOnlyRootFilesystem</c> and no emptyDir, and works with the default tmpfs.
/// </summary>
[Collection(WithTestImages.Name)]
public sealed class ReadOnlyRootFs(TestImages images)
{
    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task WriteToTmp_SucceedsByDefault(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine));
        await using var app = await image.StartAsync();

        using var response = await app.Http.GetAsync(new Uri("/write?path=/tmp/probe", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task WriteToTmp_FailsUnderStrict(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Tmpfs = false }));
        await using var app = await image.StartAsync();

        using var tmp = await app.Http.GetAsync(new Uri("/write?path=/tmp/probe", UriKind.Relative));
        // podman mounts its own tmpfs on these for --read-only unless told not to.
        using var varTmp = await app.Http.GetAsync(new Uri("/write?path=/var/tmp/probe", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, tmp.StatusCode);
        Assert.Contains("Read-only file system", await tmp.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.InternalServerError, varTmp.StatusCode);
    }
}
