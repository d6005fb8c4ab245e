// Every test starts real database and cache containers on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
