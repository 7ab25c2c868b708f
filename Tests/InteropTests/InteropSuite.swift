import Testing

/// Interop tests: clients nobody here wrote, against the real `plugboard` executable. Serialized:
/// each test starts servers and clients, and timing checks (cancellation) need the machine's two cores.
@Suite("Interop", .serialized, .timeLimit(.minutes(10)))
struct InteropSuite {}
