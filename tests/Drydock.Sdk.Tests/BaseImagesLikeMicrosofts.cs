using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Policy;
using Drydock.Build.Sbom;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The stand-ins eng/base-images.sh pushes to the loopback registry carry what Microsoft's images carry,
/// as dotnet/dotnet-docker's Dockerfiles for 10.0 write them (src/runtime-deps/10.0/noble-chiseled[-extra],
/// src/runtime/10.0/noble-chiseled, src/aspnet/10.0/noble-chiseled): the environment per flavour and
/// family, user and group app = 1654, /home/app owned by it, "/" 0755, /usr/share/dotnet with
/// /usr/bin/dotnet an absolute link to it, runtime's ENTRYPOINT and CMD; ICU only in "-extra"; and, as
/// chisel-wrapper writes it for Microsoft's chiseled images, /var/lib/dpkg/status naming the Debian packages
/// whose files they hold (with /etc/os-release, as chisel's base-files slice has it). And the lint finds no
/// access problem (DRY4014) for their user. Setup's record of what it built is on the pushed manifest
/// (io.drydock.setup.stamp), in the registry rather than in one checkout.
/// </summary>
public sealed class BaseImagesLikeMicrosofts : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-base-").FullName;

    [Theory]
    [InlineData("runtime-deps", "noble-chiseled")]
    [InlineData("runtime-deps", "noble-chiseled-extra")]
    [InlineData("runtime", "noble-chiseled")]
    [InlineData("runtime", "noble-chiseled-extra")]
    [InlineData("aspnet", "noble-chiseled")]
    [InlineData("aspnet", "noble-chiseled-extra")]
    public void Base_image_matches_dotnet_docker(string flavour, string family)
    {
        var archivePath = Path.Combine(_directory, $"{flavour}-{family}.tar");
        Oci.Checked("skopeo", ["copy", "--src-tls-verify=false", $"docker://{Paths.Registry}/dotnet/{flavour}:10.0-{family}", $"oci-archive:{archivePath}"]);
        var archive = OciArchive.Open(archivePath);
        var config = archive.Config["config"]!;

        // runtime-deps sets these four (the last only without ICU); runtime adds DOTNET_VERSION, aspnet ASPNET_VERSION.
        var env = config["Env"]!.AsArray().Select(e => (string)e!).Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e[1]);
        string[] expected =
        [
            "PATH", "APP_UID", "ASPNETCORE_HTTP_PORTS", "DOTNET_RUNNING_IN_CONTAINER",
            .. family == "noble-chiseled" ? ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] : Array.Empty<string>(),
            .. flavour != "runtime-deps" ? ["DOTNET_VERSION"] : Array.Empty<string>(),
            .. flavour == "aspnet" ? ["ASPNET_VERSION"] : Array.Empty<string>(),
        ];
        Assert.Equal(expected, env.Keys);
        Assert.Equal("1654", env["APP_UID"]);
        Assert.Equal("8080", env["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal("true", env["DOTNET_RUNNING_IN_CONTAINER"]);
        Assert.Equal("true", env.GetValueOrDefault("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "true"));
        Assert.Equal("1654", (string?)config["User"]);
        Assert.Equal(flavour == "runtime-deps" ? null : """["/usr/bin/dotnet"]""", config["Entrypoint"]?.ToJsonString());
        Assert.Equal(flavour == "runtime-deps" ? null : """["--info"]""", config["Cmd"]?.ToJsonString());

        var files = Files(archive);
        Assert.Equal((UnixFileMode)0b111_101_101, files[""].Mode);
        Assert.Equal(0, files[""].Uid);
        Assert.Contains("app:x:1654:1654:", Text(archive, "etc/passwd"), StringComparison.Ordinal);
        Assert.Contains("app:x:1654:", Text(archive, "etc/group"), StringComparison.Ordinal);
        Assert.Equal((1654, 1654, (UnixFileMode)0b111_101_101), (files["home/app"].Uid, files["home/app"].Gid, files["home/app"].Mode));
        Assert.True(files.ContainsKey("etc/ssl/certs/ca-certificates.crt"));
        Assert.Equal(family == "noble-chiseled-extra", files.Keys.Any(path => path.Contains("/libicuuc.so", StringComparison.Ordinal)));
        Assert.Equal(family == "noble-chiseled-extra", files.ContainsKey("usr/share/zoneinfo/UTC"));
        Assert.False(files.ContainsKey("bin/sh") || files.ContainsKey("usr/bin/sh"));
        if (flavour == "runtime-deps")
        {
            Assert.DoesNotContain(files.Keys, path => path.StartsWith("usr/share/dotnet", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal(TarEntryType.SymbolicLink, files["usr/bin/dotnet"].EntryType);
            Assert.Equal("/usr/share/dotnet/dotnet", files["usr/bin/dotnet"].LinkName);
            Assert.Equal(TarEntryType.RegularFile, files["usr/share/dotnet/dotnet"].EntryType);
            Assert.Contains(files.Keys, path => path.StartsWith("usr/share/dotnet/shared/Microsoft.NETCore.App/", StringComparison.Ordinal));
            Assert.Equal(flavour == "aspnet", files.Keys.Any(path => path.StartsWith("usr/share/dotnet/shared/Microsoft.AspNetCore.App/", StringComparison.Ordinal)));
        }

        Assert.DoesNotContain(ImageLinter.Lint(archive, new LintContext()), finding => finding.Code == KnownCodes.EntrypointNotAccessible);

        // The package metadata SBOM tools read, for the packages whose files the image holds.
        var packages = DebianPackages.FromDpkgStatus(Text(archive, "var/lib/dpkg/status")).ToDictionary(p => p.Name);
        foreach (var package in new[] { "libc6", "libssl3", "libstdc++6", "libgcc-s1", "ca-certificates", "base-files" })
        {
            Assert.True(packages.ContainsKey(package), $"{package} is not in /var/lib/dpkg/status: {string.Join(", ", packages.Keys)}");
        }

        Assert.Equal(family == "noble-chiseled-extra", packages.ContainsKey("libicu72"));
        Assert.Equal(family == "noble-chiseled-extra", packages.ContainsKey("tzdata"));
        Assert.All(packages.Values, p => Assert.True(p.Architecture is "amd64" or "all", $"{p.Name}: {p.Architecture}"));
        Assert.Equal(TarEntryType.SymbolicLink, files["etc/os-release"].EntryType);
        Assert.Contains("ID=debian", Text(archive, "usr/lib/os-release"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)archive.Manifest["annotations"]?["io.drydock.setup.stamp"]));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Every entry of every layer by path (without "./"; the root directory is ""), later layers winning.</summary>
    private static Dictionary<string, TarEntry> Files(OciArchive archive)
    {
        var files = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        foreach (var layer in archive.Layers)
        {
            using var gzip = new GZipStream(archive.OpenBlob(layer.Digest), CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                files[entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..].TrimEnd('/') : entry.Name.TrimEnd('/')] = entry;
            }
        }

        return files;
    }

    private static string Text(OciArchive archive, string path)
    {
        foreach (var layer in archive.Layers)
        {
            using var gzip = new GZipStream(archive.OpenBlob(layer.Digest), CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.Name.TrimStart('.', '/') == path && entry.DataStream is { } data)
                {
                    using var text = new StreamReader(data, Encoding.UTF8);
                    return text.ReadToEnd();
                }
            }
        }

        return "";
    }
}
