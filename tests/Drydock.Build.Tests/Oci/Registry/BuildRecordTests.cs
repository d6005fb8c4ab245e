using System.Text.Json.Nodes;
using Drydock.Build.Oci.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>Why one commit built to other bytes, from what each image records (manifest annotations, config labels and platform).</summary>
public sealed class BuildRecordTests
{
    [Fact]
    public void Explain_NamesEachRecordedFactThatChanged()
    {
        var before = Record(sdk: "10.0.100", baseDigest: "sha256:aaa", architecture: "amd64");
        var now = Record(sdk: "10.0.401", baseDigest: "sha256:bbb", architecture: "arm64");

        var why = BuildRecord.Explain(before, now);

        Assert.Equal("base image digest sha256:aaa → sha256:bbb; SDK 10.0.100 → 10.0.401; platform (runtime identifier) linux/amd64 → linux/arm64", why);
    }

    [Fact]
    public void Explain_ANewCommitComesFirst()
    {
        var why = BuildRecord.Explain(Record(revision: "abc"), Record(revision: "def"));

        Assert.Equal("commit abc → def", why);
    }

    [Fact]
    public void Explain_NothingRecordedChanged_SaysSo()
    {
        var why = BuildRecord.Explain(Record(), Record());

        Assert.StartsWith("nothing Drydock records changed", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AFactMissingInTheOlderImage_IsNotRecordedNotEmpty()
    {
        var before = BuildRecord.Read(new JsonObject { ["annotations"] = new JsonObject() }, null);

        var why = BuildRecord.Explain(before, Record(revision: null));

        Assert.Contains("SDK (not recorded) → 10.0.100", why, StringComparison.Ordinal);
    }

    private static BuildRecord Record(string sdk = "10.0.100", string baseDigest = "sha256:aaa", string architecture = "amd64", string? revision = "abc")
    {
        var annotations = new JsonObject { ["io.drydock.build.sdk"] = sdk };
        if (revision is not null)
        {
            annotations[BuildRecord.RevisionKey] = revision;
        }

        var config = new JsonObject
        {
            ["os"] = "linux",
            ["architecture"] = architecture,
            ["config"] = new JsonObject { ["Labels"] = new JsonObject { ["org.opencontainers.image.base.digest"] = baseDigest } },
        };
        return BuildRecord.Read(new JsonObject { ["annotations"] = annotations }, config);
    }
}
