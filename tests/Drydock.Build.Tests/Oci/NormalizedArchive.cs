using System.Formats.Tar;
using System.Text.Json.Nodes;

namespace Drydock.Build.Tests.Oci;

/// <summary>Reads a normalized archive back with the BCL's TarReader, independently of Drydock's reader.</summary>
internal sealed class NormalizedArchive
{
    public NormalizedArchive(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            Entries.Add(entry);
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            Files[entry.Name] = data.ToArray();
        }

        Index = JsonNode.Parse(Files["index.json"])!.AsObject();
        Manifest = JsonNode.Parse(Blob((string)Index["manifests"]![0]!["digest"]!))!.AsObject();
        Config = JsonNode.Parse(Blob((string)Manifest["config"]!["digest"]!))!.AsObject();
    }

    public List<TarEntry> Entries { get; } = [];

    public Dictionary<string, byte[]> Files { get; } = [];

    public JsonObject Index { get; }

    public JsonObject Manifest { get; }

    public JsonObject Config { get; }

    public byte[] Blob(string digest) => Files["blobs/sha256/" + digest["sha256:".Length..]];

    public byte[] Layer(int i) => Blob((string)Manifest["layers"]![i]!["digest"]!);

    public static List<TarEntry> ReadTar(byte[] tar)
    {
        var entries = new List<TarEntry>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }
}
