import Glibc
import PlugboardSandbox
import PlugboardWorkerSandbox

/// The sandbox, layer by layer, in the only order that works: namespaces while the process is still single-
/// threaded, limits, the crash notes, Landlock, and seccomp last (it forbids the calls the others need).
enum WorkerSandbox {
    static func apply(_ start: WorkerMessage.Start) -> [SandboxLayerReport] {
        var report: [SandboxLayerReport] = []
        report.append(start.namespaces
            ? .applying("namespaces") { pbw_namespaces(start.allowNetwork ? 0 : 1, $0, $1) }
            : .init(layer: "namespaces", status: .disabled, detail: "the policy switched them off"))

        func limit(_ name: String, _ resource: Int32, _ value: UInt64?, unit: String) {
            guard let value else { return report.append(.init(layer: name, status: .disabled, detail: "no limit in the policy")) }
            var layer = SandboxLayerReport.applying(name) { pbw_rlimit(resource, value, $0, $1) }
            if layer.status == .applied { layer.detail = "\(value) \(unit)" }
            report.append(layer)
        }
        limit("rlimit-as", Int32(RLIMIT_AS.rawValue), start.memoryBytes, unit: "bytes of address space")
        // CPU: the soft limit sends SIGXCPU (which the crash notes name); the hard one, a second later, SIGKILL.
        limit("rlimit-cpu", Int32(RLIMIT_CPU.rawValue), start.cpuSeconds, unit: "CPU seconds")
        limit("rlimit-nofile", Int32(RLIMIT_NOFILE.rawValue), start.openFiles, unit: "open files")
        if getuid() == 0 && !start.allowProcesses {
            report.append(.init(layer: "rlimit-nproc", status: .unavailable,
                detail: "not set: the worker runs as root, whose process count is machine-wide; seccomp refuses new processes instead"))
        } else {
            limit("rlimit-nproc", PBW_RLIMIT_NPROC, start.maxProcesses, unit: "processes of this user")
        }
        pbw_install_death_notes(FrameProtocol.noteDescriptor)

        if start.landlock {
            // /proc, read-only: libdispatch reads /proc/<tid>/stat of its own threads and crashes when it cannot.
            // With a mount namespace, /proc is the worker's own task directory (see pbw_namespaces); without
            // one, other processes' names and states stay visible, though Landlock's ptrace scoping keeps their
            // memory, environment and descriptors out of reach.
            let readable = [start.pluginFile, "/proc"] + start.readablePaths
            let writable = [start.scratchDirectory]
            report.append(.applying("landlock") { message, capacity in
                withCStrings(readable) { reads in
                    withCStrings(writable) { writes in
                        pbw_landlock(reads, readable.count, writes, writable.count, start.allowNetwork ? 1 : 0, message, capacity)
                    }
                }
            })
        } else {
            report.append(.init(layer: "landlock", status: .disabled, detail: "the policy switched it off"))
        }
        report.append(start.seccomp
            ? .applying("seccomp") { pbw_seccomp(start.allowNetwork ? 1 : 0, start.allowProcesses ? 1 : 0, $0, $1) }
            : .init(layer: "seccomp", status: .disabled, detail: "the policy switched it off"))
        return report
    }

    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { UnsafePointer(strdup($0)) }
        defer { for copy in copies { free(UnsafeMutablePointer(mutating: copy)) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

extension SandboxLayerReport {
    /// Runs one C layer function with a message buffer and turns its status into a report line.
    static func applying(_ layer: String, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> SandboxLayerReport {
        var buffer = [CChar](repeating: 0, count: 512)
        let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        let detail = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let kind: Status = switch status {
        case PBW_APPLIED: .applied
        case PBW_UNAVAILABLE: .unavailable
        default: .failed
        }
        return SandboxLayerReport(layer: layer, status: kind, detail: detail)
    }
}
