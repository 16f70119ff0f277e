package machine

// DefaultJIT is the engine when neither Config.JIT nor RVEMU_JIT says: on
// amd64 the translator, which has passed every test and workload there.
const DefaultJIT = "on"
