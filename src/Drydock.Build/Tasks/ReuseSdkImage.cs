using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Decides, before the SDK's <c>PublishContainer</c>, whether the SDK must build the image, or whether its last
/// image (<see cref="SdkImageRecord"/>) can be made again from the publish folder: the same SDK inputs, the same
/// files by name, the archive it went into still there, and no SDK archive of this publish already.
/// </summary>
public sealed class ReuseSdkImage : DrydockTask
{
    /// <summary>The SDK's inputs, a line each: every <c>CreateNewImage</c> parameter but the tags, the publish folder's data, and the label and environment values.</summary>
    [Required]
    public ITaskItem[] Inputs { get; set; } = [];

    [Required]
    public string RecordFile { get; set; } = "";

    /// <summary>The last normalized archive, whose base layers a reused image reads.</summary>
    [Required]
    public string Archive { get; set; } = "";

    /// <summary>The SDK's archive: when it exists, the SDK already built this publish's image (Visual Studio's container publish).</summary>
    [Required]
    public string SdkArchive { get; set; } = "";

    [Required]
    public string PublishDirectory { get; set; } = "";

    /// <summary><c>DrydockReuseSdkImage</c>: false always runs the SDK.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The key of <see cref="Inputs"/>, under which the SDK's image is recorded.</summary>
    [Output]
    public string Key { get; private set; } = "";

    [Output]
    public bool Reuse { get; private set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        Key = SdkImageRecord.KeyOf(Inputs.Select(item => item.ItemSpec));
        var why = !Enabled ? "DrydockReuseSdkImage=false"
            : File.Exists(SdkArchive) ? "it already built this publish's image"
            : SdkImageRecord.Read(RecordFile) is not { } record ? "no earlier image of the SDK's is recorded"
            : record.Mismatch(Key, Archive, PublishDirectory);
        Reuse = why is null;
        log.Detail(Reuse
            ? "Drydock: only the content of the published files changed: the SDK's last image is made again from them, without the SDK's image build"
            : $"Drydock: the SDK builds the image: {why}");
    }
}
