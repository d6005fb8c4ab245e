namespace Drydock.Build.Diagnostics;

/// <summary>
/// Every diagnostic code Drydock emits. Bands: 1xxx git and metadata, 2xxx properties and
/// configuration, 3xxx image build and local runtime, 4xxx lint, 5xxx image tests, 6xxx push.
/// Each code has a section in docs/diagnostics.md; <see cref="HelpLink"/> points at it.
/// </summary>
public static class KnownCodes
{
    // 1xxx git and metadata
    public const string NoRepository = "DRY1001";
    public const string GitNotFound = "DRY1002";
    public const string GitFailed = "DRY1003";
    public const string UnsafeRepository = "DRY1004";
    public const string UnsupportedRepository = "DRY1005";
    public const string NoCommit = "DRY1006";
    public const string ShallowClone = "DRY1007";
    public const string InvalidVersion = "DRY1009";
    public const string CommitTimeOutOfRange = "DRY1010";

    /// <summary>Warning: GitHub's pull request payload is unreadable; the PR head (and, for pull_request_target, the number) go unrecorded.</summary>
    public const string CiEventUnreadable = "DRY1050";

    /// <summary>Warning: the CI says it ran for another commit than the repository's HEAD, the tree that was built.</summary>
    public const string CiRevisionMismatch = "DRY1051";

    /// <summary>Warning: a branch's name would read as a floating, version, commit or pull request tag; it gets <c>branch-</c> before it.</summary>
    public const string BranchTagReserved = "DRY1052";

    // 2xxx properties and configuration
    public const string InvalidRepository = "DRY2001";
    public const string InvalidTag = "DRY2002";
    public const string InvalidLabelKey = "DRY2003";
    public const string InvalidSourceDateEpoch = "DRY2004";
    public const string NoImageTags = "DRY2005";
    public const string InvalidTestRunTimeout = "DRY2006";
    public const string InvalidLintSeverity = "DRY2007";
    public const string InvalidSizeBudget = "DRY2008";
    public const string InvalidRegistry = "DRY2009";

    /// <summary>A Drydock bug: an exception no code was made for. The task base reports it without a stack trace.</summary>
    public const string UnexpectedFailure = "DRY2099";
    public const string InvalidTestPort = "DRY2010";

    /// <summary><c>DrydockCreated</c> is not a time.</summary>
    public const string InvalidCreated = "DRY2011";

    // 202x: what the SDK is asked to build (image format, platforms).
    public const string UnsupportedImageFormat = "DRY2020";
    public const string PlatformNotRestored = "DRY2021";

    /// <summary><c>DrydockTestPlatforms</c> is neither <c>all</c> nor <c>host</c>.</summary>
    public const string InvalidTestPlatforms = "DRY2025";

    /// <summary>A test profile property (<c>ContainerTestTimeout</c>, <c>ContainerTestMemory</c>, …) is malformed.</summary>
    public const string InvalidTestProfile = "DRY2026";

    // 2030–2039 attestation configuration: signing keys and predicates, all checked before any push.
    public const string SigningKeyUnreadable = "DRY2030";
    public const string SigningKeyEncrypted = "DRY2031";
    public const string SigningKeyNotP256 = "DRY2032";
    public const string SigningKeyMalformed = "DRY2033";

    /// <summary>DrydockRequireSigning=true and neither DrydockSigningKey nor DRYDOCK_SIGNING_KEY is set.</summary>
    public const string SigningKeyRequired = "DRY2034";

    /// <summary>A DrydockAttestationPredicate item that cannot be attested (no file, not JSON, no PredicateType, a subject that is not this image's).</summary>
    public const string InvalidAttestationPredicate = "DRY2035";

    /// <summary>The base image's registry does not resolve on this machine (offline, a private network): DrydockBaseRegistry or ContainerBaseImage.</summary>
    public const string BaseRegistryUnresolved = "DRY2036";

    // 3xxx image build and local runtime
    public const string ImageArchiveMissing = "DRY3001";
    public const string ImageArchiveInvalid = "DRY3002";
    public const string RuntimeLoadFailed = "DRY3003";
    public const string NoRuntime = "DRY3004";

    /// <summary>The app's deps.json in the image cannot be read, so the SBOM cannot list the app's packages.</summary>
    public const string SbomUnreadableDeps = "DRY3010";

    // 4xxx lint findings (Policy/ImageLinter); each rule's default severity is in its doc section.
    public const string RunsAsRoot = "DRY4001";
    public const string DevelopmentBuild = "DRY4002";
    public const string SecretInConfig = "DRY4003";
    public const string SensitiveFile = "DRY4004";
    public const string DevelopmentFile = "DRY4005";
    public const string SetuidFile = "DRY4006";
    public const string WorldWritableFile = "DRY4007";
    public const string TooManyPorts = "DRY4008";
    public const string PrivilegedPort = "DRY4009";
    public const string NoIcu = "DRY4010";
    public const string NotMinimalBase = "DRY4011";
    public const string UnpinnedBaseImage = "DRY4012";
    public const string OverSizeBudget = "DRY4013";
    public const string EntrypointNotAccessible = "DRY4014";
    public const string LargeDebugSymbols = "DRY4015";

    // 5xxx image tests
    public const string TestsFailed = "DRY5001";
    public const string TestBuildFailed = "DRY5002";
    public const string TestResultsMissing = "DRY5003";
    public const string TestRunTimedOut = "DRY5004";
    public const string TestNeedsRuntime = "DRY5005";
    public const string AmbiguousTestPort = "DRY5006";
    public const string TestsCancelled = "DRY5007";
    public const string TestsRequired = "DRY5008";

    /// <summary>Warning: the image is pushed without image tests.</summary>
    public const string UntestedPush = "DRY5050";

    // 51xx: raised inside the test run by Drydock.Testing, quoted by DRY5001; declared once, in src/Shared/Runtime/ImageTestCodes.cs.
    public const string ContainerExited = Drydock.Runtime.ImageTestCodes.ContainerExited;
    public const string ContainerNotReady = Drydock.Runtime.ImageTestCodes.NotReady;
    public const string InvalidTestSetting = Drydock.Runtime.ImageTestCodes.InvalidSetting;
    public const string NoImageToTest = Drydock.Runtime.ImageTestCodes.NoImage;
    public const string TestRuntimeFailed = Drydock.Runtime.ImageTestCodes.RuntimeFailed;
    public const string ContainerRunTimedOut = Drydock.Runtime.ImageTestCodes.RunTimedOut;
    public const string TestHostNotFound = Drydock.Runtime.ImageTestCodes.HostNotFound;
    public const string PodmanApiMissing = Drydock.Runtime.ImageTestCodes.PodmanApiMissing;

    // 6xxx push
    public const string RegistryUnauthorized = "DRY6001";
    public const string RegistryForbidden = "DRY6002";
    public const string RegistryNotFound = "DRY6003";
    public const string RegistryUnavailable = "DRY6004";
    public const string RegistryTlsFailed = "DRY6005";
    public const string PushedDigestMismatch = "DRY6006";
    public const string TagsPartlyPushed = "DRY6007";
    public const string CredentialHelperFailed = "DRY6008";
    public const string CredentialConfigInvalid = "DRY6009";
    public const string RegistryProtocolError = "DRY6010";
    public const string DirtyPushRefused = "DRY6011";
    public const string ImmutableTagMoved = "DRY6012";

    /// <summary>The registry refused to move an existing tag (immutable tags: ECR, Harbor, Artifact Registry).</summary>
    public const string RegistryTagImmutable = "DRY6013";

    /// <summary>Warning: a commit, branch or pull request tag moved to other bytes of the same commit; the message says why.</summary>
    public const string TagMovedToRebuild = "DRY6014";

    /// <summary>Warning: the registry has no referrers API and its <c>sha256-&lt;hex&gt;</c> tag does not hold a referrers index (GitLab), so no referrer is listed there.</summary>
    public const string ReferrersTagUnusable = "DRY6015";

    /// <summary>An attestation could not be attached after the image was pushed (a warning with DrydockRequireAttestations=false).</summary>
    public const string AttestationNotAttached = "DRY6020";

    // 6040–6049 DrydockVerifyImage
    public const string VerifyInputInvalid = "DRY6040";
    public const string VerifyNoAttestations = "DRY6041";
    public const string VerifySignatureInvalid = "DRY6042";
    public const string VerifyNotPassed = "DRY6043";
    public const string VerifyProvenanceMismatch = "DRY6044";

    public static string HelpLink(string code) =>
        $"https://github.com/drydock-build/drydock/blob/main/docs/diagnostics.md#{code.ToLowerInvariant()}";
}
