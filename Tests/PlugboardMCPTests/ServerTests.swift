import Testing

/// Every suite here starts real `plugboard` processes; they run one at a time so a loaded two-core machine
/// does not turn their timeouts into flakes.
@Suite(.serialized) enum ServerTests {}
