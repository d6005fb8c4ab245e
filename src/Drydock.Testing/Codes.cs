namespace Drydock.Testing;

/// <summary>
/// The diagnostic codes raised inside image tests (band 51xx; the publish's own are 50xx, see docs/diagnostics.md and KnownCodes in Drydock.Build). Each exception message
/// starts with its code, like the SDK's build diagnostics.
/// </summary>
internal static class Codes
{
    /// <summary>The container exited (crashed, OOM-killed) before it was ready.</summary>
    public const string ContainerExited = "DRY5101";

    /// <summary>The container did not become ready within the profile's timeout.</summary>
    public const string NotReady = "DRY5102";

    /// <summary>A DRYDOCK_* environment variable or a profile value is invalid.</summary>
    public const string InvalidSetting = "DRY5103";

    /// <summary>DRYDOCK_IMAGE is not set and no explicit options were given.</summary>
    public const string NoImage = "DRY5104";

    /// <summary>No container runtime, or the runtime could not create the container.</summary>
    public const string RuntimeFailed = "DRY5105";
}
