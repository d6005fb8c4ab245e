using System.Text.Json;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Testing;

namespace Drydock.Build.Attestation;

/// <summary>One manifest of the image that gets attestations: a platform's manifest (<see cref="Platform"/> set) or the image itself (a single-platform manifest, or the index).</summary>
/// <param name="Emulated">The platform's tests ran under emulation.</param>
public sealed record AttestationSubject(Digest Digest, string? Platform, bool Emulated = false);

/// <summary>A predicate someone else made (<c>DrydockAttestationPredicate</c>: the SBOM): its JSON file, type, and the subject it is about (null: every subject).</summary>
public sealed record ExtraPredicate(string File, string PredicateType, Digest? Subject);

/// <summary>
/// Which statements an image gets (docs/attestations.md): for every subject — each platform manifest and the index of a
/// multi-platform image, or the one manifest — the provenance, one test result per test project run on that subject's
/// platform (the index gets every run), and each <see cref="ExtraPredicate"/> about it.
/// </summary>
public static class AttestationPlan
{
    /// <param name="name">The subjects' name: <c>registry/repository</c>.</param>
    /// <param name="image">The single-platform manifest or the index.</param>
    /// <param name="platforms">A multi-platform image's manifests; empty for a single-platform image.</param>
    /// <param name="imagePlatform">A single-platform image's platform (<c>linux/amd64</c>).</param>
    public static IReadOnlyList<AttestationRequest> Create(
        string name,
        Digest image,
        string imagePlatform,
        IReadOnlyList<AttestationSubject> platforms,
        IReadOnlyList<TestRunResult> runs,
        IReadOnlyDictionary<string, string> profile,
        JsonObject provenance,
        string? runUrl,
        IReadOnlyList<ExtraPredicate> extra)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(extra);
        var subjects = platforms.Prepend(new AttestationSubject(image, null)).ToList();
        var requests = new List<AttestationRequest>();
        var predicates = extra.Select(p => (p, Read(p, subjects))).ToList();
        foreach (var subject in subjects)
        {
            requests.Add(new AttestationRequest(name, subject.Digest, ProvenancePredicate.Type, provenance));
            foreach (var run in runs)
            {
                // A run names its platform when the image has several (or ran emulated); else it is the image's.
                var platform = run.Platform ?? imagePlatform;
                var of = platforms.FirstOrDefault(p => p.Platform == platform);
                if (subject.Platform is not null && subject.Platform != platform)
                {
                    continue;
                }

                var emulated = of?.Emulated ?? (run.Platform is not null && platforms.Count == 0);
                requests.Add(new AttestationRequest(name, subject.Digest, TestResultPredicate.Type, TestResultPredicate.Create(run, profile, platform, emulated, runUrl)));
            }

            foreach (var (predicate, json) in predicates.Where(p => p.p.Subject is null || p.p.Subject == subject.Digest))
            {
                requests.Add(new AttestationRequest(name, subject.Digest, predicate.PredicateType, json));
            }
        }

        return requests;
    }

    /// <summary>The predicate's JSON, or DRY2035 when it cannot be attested.</summary>
    private static JsonNode Read(ExtraPredicate predicate, IReadOnlyList<AttestationSubject> subjects)
    {
        string Where() => $"The DrydockAttestationPredicate '{predicate.File}'";
        if (string.IsNullOrWhiteSpace(predicate.PredicateType) || !Uri.TryCreate(predicate.PredicateType, UriKind.Absolute, out _))
        {
            throw new DrydockException(KnownCodes.InvalidAttestationPredicate, $"{Where()} has no PredicateType metadata that is an absolute URI (it has '{predicate.PredicateType}'). Set PredicateType, e.g. https://cyclonedx.org/bom.");
        }

        if (predicate.Subject is { } subject && subjects.All(s => s.Digest != subject))
        {
            throw new DrydockException(KnownCodes.InvalidAttestationPredicate, $"{Where()} is about {subject}, which is not this image: its manifests are {string.Join(", ", subjects.Select(s => s.Digest))}. Set Subject to one of them, or leave it empty for all.");
        }

        try
        {
            return JsonNode.Parse(File.ReadAllBytes(predicate.File)) as JsonObject
                ?? throw new DrydockException(KnownCodes.InvalidAttestationPredicate, $"{Where()} is not a JSON object. A predicate is the JSON object a statement carries.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new DrydockException(KnownCodes.InvalidAttestationPredicate, $"{Where()} could not be read as JSON ({e.GetType().Name}). The target that adds it to DrydockAttestationPredicate must write it first (DrydockAttestImageDependsOn).");
        }
    }
}
