using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;
using Drydock.Runtime;

namespace Drydock.Build.Tests.Testing;

/// <summary>The obj/drydock-image.json the publish leaves in each test project for runs from an IDE.</summary>
public sealed class PublishedImageFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "drydock-published-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Write_ThenRead_SameImageAndProfile_UnchangedFileNotRewritten()
    {
        var project = Path.Combine(_directory, "Shop.ImageTests", "Shop.ImageTests.csproj");
        var image = new PublishedImage("sha256:abc", "sha256:def", "podman", "0123456789abcdef", "/src/Shop/Shop.csproj", "Release", "/src/Shop/bin/drydock.json",
            new Dictionary<string, string> { ["DRYDOCK_TEST_PORT"] = "none", ["DRYDOCK_TEST_CPUS"] = "0.5" },
            new Dictionary<string, string> { ["DOCKER_HOST"] = "tcp://docker:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = "/certs/client" });

        PublishedImageFile.Write(project, image, new ListBuildLog());
        var path = PublishedImageFile.PathFor(project);
        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddHours(-1));
        PublishedImageFile.Write(project, image, new ListBuildLog());
        var read = PublishedImage.Read(path);

        Assert.Equal(Path.Combine(_directory, "Shop.ImageTests", "obj", "drydock-image.json"), path);
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(path));
        Assert.NotNull(read);
        Assert.Equal(image with { Profile = read.Profile, Connection = read.Connection }, read);
        Assert.Equal(image.Profile.OrderBy(pair => pair.Key), read.Profile.OrderBy(pair => pair.Key));
        Assert.Equal(image.Connection!.OrderBy(pair => pair.Key), read.Connection!.OrderBy(pair => pair.Key));
        // On the engine it was loaded into, which another engine answering first would not be.
        Assert.Equal("dotnet publish /src/Shop/Shop.csproj -c Release -p:LocalRegistry=Podman", read.PublishCommand);
    }

    [Fact]
    public void Read_EngineKeepsOnlyConnectionVariables()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "drydock-image.json");
        File.WriteAllText(path, """
            {"image": "sha256:abc", "app": "/src/Shop/Shop.csproj",
             "engine": {"DOCKER_HOST": "tcp://docker:2375", "LD_PRELOAD": "/tmp/x.so", "DOCKER_CONTEXT": 1}}
            """);

        var read = PublishedImage.Read(path);

        Assert.Equal(new Dictionary<string, string> { ["DOCKER_HOST"] = "tcp://docker:2375" }, read!.Connection);
    }

    [Fact]
    public void Read_NotThisFormat_Null()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "drydock-image.json");
        File.WriteAllText(path, "{\"something\": 1}");

        Assert.Null(PublishedImage.Read(path));
        Assert.Null(PublishedImage.Read(Path.Combine(_directory, "missing.json")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
