// Each test runs real `dotnet publish` processes on a 2-core machine: one at a time is faster than
// contention, and podman's store is shared.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
