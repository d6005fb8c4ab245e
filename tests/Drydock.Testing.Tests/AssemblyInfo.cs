// Every test starts real containers on a 2-core machine, and the limits tests measure CPU:
// one at a time keeps them honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
