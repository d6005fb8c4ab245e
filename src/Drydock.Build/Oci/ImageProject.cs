using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>What a project says about itself that decides whether its publish ships as an image.</summary>
public sealed record ImageProjectFacts
{
    /// <summary>The SDK's <c>EnableSdkContainerSupport</c>: true by default for executables, false for class libraries.</summary>
    public bool EnableSdkContainerSupport { get; init; }

    /// <summary>The SDK's <c>IsPublishable</c> (empty counts as true, as in the SDK).</summary>
    public bool IsPublishable { get; init; } = true;

    /// <summary><c>IsTestProject</c>, which Microsoft.NET.Test.Sdk sets for every test project.</summary>
    public bool IsTestProject { get; init; }

    /// <summary>The project references Drydock.Testing (package or project): it tests images, it is not one.</summary>
    public bool ReferencesDrydockTesting { get; init; }

    /// <summary>The SDK's <c>ContainerImageFormat</c>: empty, <c>OCI</c> or <c>Docker</c>.</summary>
    public string? ImageFormat { get; init; }
}

/// <summary>
/// Only apps become images. With Drydock.Sdk added to every project (Directory.Build.props), a
/// solution publish reaches test projects and libraries too; they are skipped with the reason.
/// </summary>
public static class ImageProject
{
    /// <summary>The package (and project) name whose reference marks an image-test project.</summary>
    public const string TestingPackage = "Drydock.Testing";

    /// <summary>Null when the project ships as an image; else why not, as a sentence fragment for the log.</summary>
    public static string? SkipReason(ImageProjectFacts facts)
    {
        if (facts.IsTestProject)
        {
            return "it is a test project (IsTestProject=true); test projects are run against images, they do not become one";
        }

        if (facts.ReferencesDrydockTesting)
        {
            return $"it references {TestingPackage}, so it is an image-test project (a ContainerTestProject), not an app";
        }

        if (!facts.IsPublishable)
        {
            return "IsPublishable is false";
        }

        if (!facts.EnableSdkContainerSupport)
        {
            return "EnableSdkContainerSupport is not true (the SDK sets it for executables, not for class libraries; set it to true to build an image)";
        }

        return null;
    }

    /// <summary>
    /// The image format Drydock builds: OCI (the default, also when <paramref name="format"/> is empty).
    /// Throws DRY2020 for <c>Docker</c> and for anything else: Drydock never replaces a format silently.
    /// </summary>
    public static string CheckImageFormat(string? format)
    {
        if (string.IsNullOrWhiteSpace(format) || string.Equals(format.Trim(), "OCI", StringComparison.OrdinalIgnoreCase))
        {
            return "OCI";
        }

        var why = string.Equals(format.Trim(), "Docker", StringComparison.OrdinalIgnoreCase)
            ? "Drydock builds, tests and pushes OCI images (OCI media types, which podman, Docker Engine and every registry accept; its archive also carries docker-archive's manifest.json, so Docker Engines before 25 load it too) and does not write Docker's v2 schema 2 media types"
            : "the SDK knows only OCI and Docker";
        throw new DrydockException(
            KnownCodes.UnsupportedImageFormat,
            $"ContainerImageFormat is {MessageText.Quote(format)}: {why}. Remove ContainerImageFormat or set it to OCI.");
    }
}
