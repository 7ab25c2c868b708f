import Glibc
import Logging

/// A host that serves thousands of connections and runs workers needs more descriptors than a shell's default
/// soft limit (often 1024): raise it to the hard limit, as servers do, and say when the configured connection cap
/// still does not fit.
enum DescriptorLimit {
    static func raise(toFit maxConnections: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        // Room for plugins, workers and the log besides the connections.
        if limit.rlim_cur != rlim_t.max, limit.rlim_cur < rlim_t(maxConnections + 64) {
            logger.warning("""
                transports.limits.max_connections is \(maxConnections), but this process may open only \(limit.rlim_cur) \
                descriptors: raise the hard limit (ulimit -Hn, LimitNOFILE= in a systemd unit) or lower max_connections
                """)
        }
    }
}
