// libtorch's default generator (initialisation, dropout) and its thread pool are process-wide: tests that train
// and check exact resume, or measure the process's memory, must not share the process with tests running beside
// them. So the engine tests run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
