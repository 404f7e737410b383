// The CLI tests run llama.cpp in process and as child processes. ggml's worker threads spin while they wait for each other, so two
// llama.cpp runs sharing a small machine slow each other down many times over: these tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
