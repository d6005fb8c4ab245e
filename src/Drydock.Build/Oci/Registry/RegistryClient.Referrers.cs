using System.Net;

namespace Drydock.Build.Oci.Registry;

/// <summary>Reading referrers back (DrydockVerifyImage): the referrers API and blobs by digest.</summary>
public sealed partial class RegistryClient
{
    /// <summary>
    /// The referrers index of <paramref name="subject"/> from the referrers API
    /// (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers); null when the
    /// registry has no such API (404), and the caller reads the <c>sha256-&lt;hex&gt;</c> tag instead.
    /// </summary>
    public async Task<byte[]?> GetReferrersAsync(string repository, Digest subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        using var response = await SendAsync(
            $"GET referrers {repository}@{subject}",
            () => new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/referrers/{subject}"),
            cancellationToken,
            HttpStatusCode.OK, HttpStatusCode.NotFound).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A blob's bytes, checked against its digest; null when the registry has no such blob.</summary>
    public async Task<byte[]?> GetBlobAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        using var response = await SendAsync(
            $"GET blob {repository}@{digest}",
            () => new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/blobs/{digest}"),
            cancellationToken,
            HttpStatusCode.OK, HttpStatusCode.NotFound).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Digest.Of(bytes) == digest ? bytes : null;
    }
}
