using Drydock.Build.Oci.Registry;
using Drydock.Build.Policy;
using Drydock.Build.Testing;

namespace Drydock.Build.Reporting;

/// <summary>What <c>drydock.json</c> says about one publish. Later stages (lint, tests, push) add their parts.</summary>
public sealed record ImageReport
{
    public int SchemaVersion { get; init; } = 1;

    public required ImageSection Image { get; init; }

    public required SourceSection Source { get; init; }

    /// <summary>podman or docker when the image was loaded into it; null otherwise.</summary>
    public string? Runtime { get; init; }

    /// <summary>True when the image's tests ran (or passed before, see <see cref="Tests"/>'s Cached) in this publish.</summary>
    public bool Tested { get; init; }

    /// <summary>
    /// True when the publish was stopped (SIGINT, SIGTERM, a killed build) while the image tests ran:
    /// <see cref="Tests"/> then holds only what finished, and nothing was pushed.
    /// </summary>
    public bool Cancelled { get; init; }

    public IReadOnlyList<TestRunResult> Tests { get; init; } = [];

    /// <summary>The lint's findings, with the severity they were reported at.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>What the registry confirmed, <c>verified: true</c> included; null when the image was not pushed.</summary>
    public PushResult? Push { get; init; }

    /// <summary>
    /// The attestations written beside the report (docs/attestations.md): predicate type, subject, statement and bundle
    /// files, <c>signed</c>; after a push, each one's referrer digest, or the error that kept it out of the registry.
    /// </summary>
    public IReadOnlyList<Attestation.AttestationRecord> Attestations { get; init; } = [];

    /// <summary>The SBOM files written beside the report (docs/sbom.md): one per image manifest; empty when none was written.</summary>
    public IReadOnlyList<SbomFile> Sboms { get; init; } = [];
}

/// <summary>One SBOM file and the manifest it describes.</summary>
public sealed record SbomFile
{
    public required string Path { get; init; }

    /// <summary>The manifest digest the SBOM describes (<c>sha256:…</c>), its attestation's subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The platform, for one manifest of a multi-platform image; null otherwise.</summary>
    public string? Platform { get; init; }

    /// <summary>The in-toto predicate type: <c>https://cyclonedx.org/bom</c>.</summary>
    public required string PredicateType { get; init; }
}

public sealed record ImageSection
{
    public string? Registry { get; init; }

    public required string Repository { get; init; }

    public required string Digest { get; init; }

    public required string ConfigDigest { get; init; }

    /// <summary>The names the publish gives the image: in the local engine once it passed (<see cref="Tagged"/>), in the registry once pushed (the push section).</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>
    /// Whether the local engine's names (<see cref="Tags"/>) now name this image: false when the publish stopped before
    /// (a failed test, a refused push: they keep what they named) or loaded it nowhere.
    /// </summary>
    public bool Tagged { get; init; }

    /// <summary>Sum of the manifest, config and layer sizes: the bytes a registry stores.</summary>
    public required long Size { get; init; }

    public required string Archive { get; init; }

    public string? BaseName { get; init; }

    public string? BaseDigest { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required IReadOnlyDictionary<string, string> Annotations { get; init; }

    /// <summary>
    /// A multi-platform image's platforms, sorted as in its index; null for a single-platform image.
    /// Then <see cref="Digest"/> is the image index's, and <see cref="ConfigDigest"/>, the labels and the
    /// base are those of the platform that was loaded and tested.
    /// </summary>
    public IReadOnlyList<PlatformSection>? Platforms { get; init; }
}

/// <summary>One platform of a multi-platform image.</summary>
public sealed record PlatformSection
{
    /// <summary><c>os/architecture[/variant]</c>, e.g. <c>linux/arm64</c>.</summary>
    public required string Platform { get; init; }

    /// <summary>Its manifest digest, as listed in the index.</summary>
    public required string Digest { get; init; }

    public required string ConfigDigest { get; init; }

    public required long Size { get; init; }

    /// <summary>
    /// Its own single-image archive, what was loaded: present only when it was written (the platform was
    /// loaded; the index archive, <see cref="ImageSection.Archive"/>, holds every platform).
    /// </summary>
    public string? Archive { get; init; }

    /// <summary>True for a platform loaded into the local runtime: every one tested, and the one the tags name.</summary>
    public bool Loaded { get; init; }

    /// <summary>True when it runs here under emulation (a binfmt_misc handler such as qemu-user-static), not natively.</summary>
    public bool Emulated { get; init; }

    /// <summary>True when every image test ran against this platform's image in this publish (or passed before: the test cache).</summary>
    public bool Tested { get; init; }

    /// <summary>Why it was not tested (it cannot run here, <c>DrydockTestPlatforms=host</c>, the tests did not run); null when tested.</summary>
    public string? Untested { get; init; }
}

public sealed record SourceSection
{
    public string? Revision { get; init; }

    public string? Version { get; init; }

    public string? Created { get; init; }
}
