using System.Globalization;
using Drydock.Build.Oci;

namespace Drydock.Build.Runtime;

/// <summary>How containers of one platform run on this machine.</summary>
/// <param name="Runnable">Its containers can start here.</param>
/// <param name="Emulated">They run under a binfmt_misc handler (qemu-user-static), not natively.</param>
/// <param name="Note">How it runs, or why it cannot, in words for a log line or the report.</param>
public sealed record PlatformSupport(bool Runnable, bool Emulated, string Note);

/// <summary>
/// Which image platforms this machine's podman or Docker Engine can run: the host's natively, and others
/// when the kernel has an enabled binfmt_misc handler for that architecture's ELF binaries
/// (https://docs.kernel.org/admin-guide/binfmt-misc.html), as qemu-user-static registers it. The handler is
/// found by its magic and mask, not its name (Debian, Fedora and tonistiigi/binfmt name them differently),
/// and it needs the <c>F</c> (fix binary) flag: without it the kernel looks the interpreter up inside the
/// container, where it is not. On macOS and Windows the engine runs Linux in a VM (Docker Desktop, podman
/// machine) whose binfmt_misc this process cannot read; both register emulators there, so another Linux
/// architecture counts as emulated.
/// </summary>
/// <param name="host">The platform the engine runs natively.</param>
/// <param name="binfmtDirectory">Where binfmt_misc is mounted (<see cref="BinfmtDirectory"/>; another folder in tests).</param>
/// <param name="engineInVm">True when the engine runs in a VM this process cannot look into (not Linux).</param>
public sealed class HostPlatforms(Platform host, string binfmtDirectory, bool engineInVm = false)
{
    /// <summary>Where Linux mounts binfmt_misc.</summary>
    public const string BinfmtDirectory = "/proc/sys/fs/binfmt_misc";

    /// <summary>This machine: <see cref="Platform.Host"/> and <see cref="BinfmtDirectory"/>.</summary>
    public static HostPlatforms Current { get; } = new(Platform.Host, BinfmtDirectory, !OperatingSystem.IsLinux());

    /// <summary>The ELF identity of each architecture's binaries (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html): class 64-bit, big-endian, <c>e_machine</c>.</summary>
    private static readonly Dictionary<string, (bool Is64, bool BigEndian, ushort Machine)> Elf = new(StringComparer.Ordinal)
    {
        ["amd64"] = (true, false, 0x3E),
        ["arm64"] = (true, false, 0xB7),
        ["arm"] = (false, false, 0x28),
        ["386"] = (false, false, 0x03),
        ["ppc64le"] = (true, false, 0x15),
        ["s390x"] = (true, true, 0x16),
        ["riscv64"] = (true, false, 0xF3),
        ["mips64le"] = (true, false, 0x08),
        ["loong64"] = (true, false, 0x102),
    };

    public Platform Host { get; } = host;

    /// <summary>Whether and how <paramref name="platform"/>'s containers run here. Reads the binfmt_misc entries for a foreign architecture; never throws for a missing or unreadable directory.</summary>
    public PlatformSupport Support(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        if (platform.Runs(Host))
        {
            return new PlatformSupport(true, false, $"runs natively (host {Host})");
        }

        if (platform.OS != Host.OS)
        {
            return new PlatformSupport(false, false, $"cannot run here: {platform.OS} containers need a {platform.OS} host (this one is {Host})");
        }

        if (!Elf.TryGetValue(platform.Architecture, out var elf))
        {
            return new PlatformSupport(false, false, $"cannot run here: Drydock knows no ELF machine for architecture '{platform.Architecture}', so it cannot tell whether a binfmt_misc handler runs it");
        }

        if (engineInVm)
        {
            return new PlatformSupport(true, true, "runs under emulation in the engine's VM (Docker Desktop and podman machine register qemu there; Drydock cannot read that VM's binfmt_misc)");
        }

        var header = Header(elf.Is64, elf.BigEndian, elf.Machine);
        var status = Read(Path.Combine(binfmtDirectory, "status"));
        if (status is null)
        {
            return new PlatformSupport(false, false, $"cannot run here: binfmt_misc is not mounted at {binfmtDirectory}, so no emulator runs {platform.Architecture} binaries; register qemu-user-static (docs/image-tests.md, \"Other platforms\")");
        }

        if (status.Trim() != "enabled")
        {
            return new PlatformSupport(false, false, $"cannot run here: binfmt_misc is disabled ({binfmtDirectory}/status); enable it and register qemu-user-static (docs/image-tests.md, \"Other platforms\")");
        }

        string? withoutFixBinary = null;
        foreach (var entry in Entries())
        {
            var handler = Handler.Parse(Read(entry) ?? "");
            if (handler is null || !handler.Enabled || !handler.Matches(header))
            {
                continue;
            }

            if (!handler.FixBinary)
            {
                withoutFixBinary ??= Path.GetFileName(entry);
                continue;
            }

            return new PlatformSupport(true, true, $"runs under emulation (binfmt_misc handler {Path.GetFileName(entry)}: {handler.Interpreter})");
        }

        return withoutFixBinary is { } name
            ? new PlatformSupport(false, false, $"cannot run here: the binfmt_misc handler {name} for {platform.Architecture} lacks the F (fix binary) flag, so containers cannot find its interpreter; register it again with flags F (qemu-user-static's binfmt.d files have it)")
            : new PlatformSupport(false, false, $"cannot run here: no enabled binfmt_misc handler for {platform.Architecture} binaries in {binfmtDirectory}; register qemu-user-static to run it under emulation (docs/image-tests.md, \"Other platforms\")");
    }

    private string[] Entries()
    {
        try
        {
            return Directory.GetFiles(binfmtDirectory).Where(path => Path.GetFileName(path) is not ("status" or "register")).Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The first 20 bytes of a position-independent executable (ET_DYN, as dotnet and apphosts are) for the machine.</summary>
    private static byte[] Header(bool is64, bool bigEndian, ushort machine)
    {
        var header = new byte[20];
        header[0] = 0x7F;
        header[1] = (byte)'E';
        header[2] = (byte)'L';
        header[3] = (byte)'F';
        header[4] = is64 ? (byte)2 : (byte)1;
        header[5] = bigEndian ? (byte)2 : (byte)1;
        header[6] = 1;
        ushort type = 3;
        header[16] = (byte)(bigEndian ? type >> 8 : type & 0xFF);
        header[17] = (byte)(bigEndian ? type & 0xFF : type >> 8);
        header[18] = (byte)(bigEndian ? machine >> 8 : machine & 0xFF);
        header[19] = (byte)(bigEndian ? machine & 0xFF : machine >> 8);
        return header;
    }

    /// <summary>One binfmt_misc entry as the kernel prints it: <c>enabled</c>, <c>interpreter …</c>, <c>flags: …</c>, <c>offset …</c>, <c>magic …</c>, <c>mask …</c> (hex).</summary>
    private sealed record Handler(bool Enabled, string Interpreter, bool FixBinary, int Offset, byte[] Magic, byte[]? Mask)
    {
        public static Handler? Parse(string text)
        {
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string? Value(string key) => lines.FirstOrDefault(line => line.StartsWith(key + " ", StringComparison.Ordinal))?[(key.Length + 1)..].Trim();
            if (Value("magic") is not { } magic || !TryHex(magic, out var magicBytes))
            {
                // An extension entry (Windows .exe and the like): not an ELF machine.
                return null;
            }

            byte[]? maskBytes = null;
            if (Value("mask") is { } mask && !TryHex(mask, out maskBytes))
            {
                return null;
            }

            var flags = Value("flags:") ?? "";
            var offset = int.TryParse(Value("offset"), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
            return new Handler(lines.FirstOrDefault() == "enabled", Value("interpreter") ?? "", flags.Contains('F', StringComparison.Ordinal), offset, magicBytes, maskBytes);
        }

        /// <summary>As the kernel matches: the file's bytes at the offset, masked, equal the magic, masked.</summary>
        public bool Matches(byte[] header)
        {
            if (Offset + Magic.Length > header.Length)
            {
                return false;
            }

            for (var i = 0; i < Magic.Length; i++)
            {
                var mask = Mask is { } m && i < m.Length ? m[i] : (byte)0xFF;
                if ((header[Offset + i] & mask) != (Magic[i] & mask))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool TryHex(string text, out byte[] bytes)
        {
            try
            {
                bytes = Convert.FromHexString(text);
                return bytes.Length > 0;
            }
            catch (FormatException)
            {
                bytes = [];
                return false;
            }
        }
    }
}

/// <summary><c>DrydockTestPlatforms</c>: which of an image's runnable platforms are loaded and tested.</summary>
public static class TestPlatforms
{
    /// <summary><see cref="All"/> or <see cref="Host"/> (any case; empty is <see cref="All"/>). Checked for every image, one platform or many.</summary>
    /// <exception cref="Diagnostics.DrydockException">DRY2025: any other value.</exception>
    public static string Parse(string? testPlatforms)
    {
        var value = string.IsNullOrWhiteSpace(testPlatforms) ? All : testPlatforms.Trim().ToLowerInvariant();
        return value is All or Host ? value : throw new Diagnostics.DrydockException(Diagnostics.KnownCodes.InvalidTestPlatforms,
            $"DrydockTestPlatforms is {Diagnostics.MessageText.Quote(testPlatforms!)}; set it to 'all' (every platform this machine runs, emulated ones too) or 'host' (only the host's platform).");
    }

    /// <summary>Every platform that runs here, emulated ones included (the default).</summary>
    public const string All = "all";

    /// <summary>Only the host's own platform: emulated .NET starts several times slower.</summary>
    public const string Host = "host";

    /// <summary>
    /// Whether a platform with <paramref name="support"/> is loaded and tested under <paramref name="testPlatforms"/>;
    /// the note says how it runs, or why it is not tested. <paramref name="testsOff"/>: why no image test runs in
    /// this publish (<c>DrydockTest=false</c>, no <c>ContainerTestProject</c>), or null when they do.
    /// </summary>
    /// <exception cref="Diagnostics.DrydockException">DRY2025: a value other than <c>all</c>, <c>host</c> or empty.</exception>
    public static (bool Test, string Note) Choose(PlatformSupport support, string? testPlatforms, string? testsOff = null)
    {
        ArgumentNullException.ThrowIfNull(support);
        var value = Parse(testPlatforms);
        return !support.Runnable ? (false, support.Note)
            : testsOff is not null ? (false, $"not tested: {testsOff}; it {support.Note}")
            : support.Emulated && value == Host ? (false, $"not tested: DrydockTestPlatforms=host, though it {support.Note}")
            : (true, support.Note);
    }
}
