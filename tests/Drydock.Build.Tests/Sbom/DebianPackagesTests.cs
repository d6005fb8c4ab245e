using System.Diagnostics;
using Drydock.Build.Sbom;

namespace Drydock.Build.Tests.Sbom;

/// <summary>dpkg status databases (this machine's own, and distroless-style files) and chisel manifests.</summary>
public sealed class DebianPackagesTests
{
    [Fact]
    public void Host_dpkg_status_gives_what_dpkg_query_lists_as_installed()
    {
        var start = new ProcessStartInfo("dpkg-query", ["-W", "-f", "${Package} ${Version} ${Architecture} ${db:Status-Status}\\n"]) { RedirectStandardOutput = true };
        using var query = Process.Start(start)!;
        var expected = query.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')).Where(f => f[3] == "installed").Select(f => $"{f[0]} {f[1]} {f[2]}").Order(StringComparer.Ordinal).ToList();
        Assert.True(query.WaitForExit(60_000));

        var packages = DebianPackages.FromDpkgStatus(File.ReadAllText("/var/lib/dpkg/status"));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, packages.Select(p => $"{p.Name} {p.Version} {p.Architecture}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Status_stanzas_keep_source_and_skip_removed_packages()
    {
        const string Status = """
            Package: libssl3
            Status: install ok installed
            Architecture: amd64
            Source: openssl
            Version: 3.0.19-1~deb12u2
            Description: Secure Sockets Layer toolkit - shared libraries
             This package is part of the OpenSSL project's implementation.
             .
             Package: not-a-field

            Package: gone
            Status: deinstall ok config-files
            Version: 1.0

            Package: zlib1g
            Version: 1:1.2.13.dfsg-1
            Architecture: amd64
            Source: zlib (1:1.2.13.dfsg-1)
            """;

        var packages = DebianPackages.FromDpkgStatus(Status.Replace("\r", "", StringComparison.Ordinal)).ToList();

        Assert.Equal(
            [new DebianPackage("libssl3", "3.0.19-1~deb12u2", "amd64", "openssl"), new DebianPackage("zlib1g", "1:1.2.13.dfsg-1", "amd64", "zlib")],
            packages);
    }

    [Fact]
    public void Chisel_manifest_lists_its_package_entries()
    {
        const string Wall = """
            {"jsonwall":"1.0","schema":"1.0","count":4}
            {"kind":"package","name":"libc6","version":"2.39-0ubuntu8.4","sha256":"ab","arch":"amd64"}
            {"kind":"path","path":"/usr/lib/x86_64-linux-gnu/libc.so.6","mode":"0755","slices":["libc6_libs"]}
            {"kind":"package","name":"ca-certificates","version":"20240203","sha256":"cd","arch":"all"}
            {"kind":"slice","name":"libc6_libs"}
            """;

        var packages = DebianPackages.FromChiselManifest(Wall).ToList();

        Assert.Equal([new DebianPackage("libc6", "2.39-0ubuntu8.4", "amd64", null), new DebianPackage("ca-certificates", "20240203", "all", null)], packages);
    }
}
