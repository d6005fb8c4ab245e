using System.Diagnostics;
using System.Globalization;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;

// Usage: Push <archive> <registry host:port> <repository> <tag> [parallelism]
// Prints: <seconds of PushAsync> uploaded=<n> mounted=<n> present=<n> bytes=<n>
// The clock covers PushAsync only (connect, blob HEADs and uploads, manifest PUT and re-read, tag):
// not process startup, JIT of Main or reading the archive's structure.
var archive = OciArchive.Open(args[0]);
var options = args.Length > 4 ? new RegistryOptions { Parallelism = int.Parse(args[4], CultureInfo.InvariantCulture) } : new RegistryOptions();
var pusher = new ImagePusher(options, credential: null, NullBuildLog.Instance);
var request = new PushRequest { Registry = args[1], Repository = args[2], Tags = [args[3]] };

var clock = Stopwatch.StartNew();
var result = await pusher.PushAsync(archive, request, CancellationToken.None);
clock.Stop();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{clock.Elapsed.TotalSeconds:0.000} uploaded={result.BlobsUploaded} mounted={result.BlobsMounted} present={result.BlobsPresent} bytes={result.BytesUploaded}"));
