import Foundation
import Glibc
import PlugboardCore
import PlugboardJSON

/// Why a worker could not be started or could not load its plugin; names the file and says what to do.
public struct WorkerStartError: Error, Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    public var detail: String
    /// The plugin took its worker down or never answered (a crash, a hang, garbage on the channel), as opposed to
    /// the loader refusing it cleanly: what quarantines a file.
    public var workerMisbehaved: Bool

    public init(provider: String, detail: String, workerMisbehaved: Bool = false) {
        self.provider = provider
        self.detail = detail
        self.workerMisbehaved = workerMisbehaved
    }

    public var description: String { "cannot run \(provider) in a sandboxed worker: \(detail)" }
}

/// Starts one worker and takes it through the handshake: hello (versions), start (plugin and policy), then
/// ready (catalog and sandbox report) or loadFailed. Blocking: run it off the cooperative pool.
enum WorkerLauncher {
    static func start(
        file: String, config: RawJSON, policy: SandboxPolicy, log: @escaping @Sendable (LogRecord) -> Void,
        onDeath: @escaping @Sendable (WorkerConnection, WorkerDeath) -> Void
    ) throws(WorkerStartError) -> (WorkerConnection, WorkerMessage.Ready) {
        func failure(_ detail: String) -> WorkerStartError { WorkerStartError(provider: file, detail: detail) }
        guard let executable = WorkerExecutable.locate(policy) else {
            throw failure("the \(WorkerExecutable.name) executable was not found beside this program; build it "
                + "(`swift build --product \(WorkerExecutable.name)`) or set PLUGBOARD_WORKER to its path")
        }
        let scratch: String
        do { scratch = try ScratchDirectory.make(for: file) } catch { throw error as? WorkerStartError ?? failure("\(error)") }
        let process: WorkerProcess
        do {
            process = try WorkerProcess.spawn(executable: executable, readLimit: max(policy.maxResponseBytes + 64, FrameProtocol.handshakeFrameLimit))
        } catch {
            ScratchDirectory.remove(scratch)
            throw failure(error.description)
        }
        func abandon(_ detail: String) -> WorkerStartError {
            let (status, _) = process.killAndReap()
            let output = drain(process.outputDescriptor)
            ScratchDirectory.remove(scratch)
            let exit = status & 0x7f == 0 ? "exited with status \((status >> 8) & 0xff)" : WorkerDeath(status: status).description
            return WorkerStartError(provider: file, detail: detail + " (the worker \(exit)" + (output.isEmpty ? ")" : "; it printed: \(output))"),
                                    workerMisbehaved: true)
        }

        let clock = ContinuousClock()
        let end = clock.now + policy.startTimeout
        func next(_ stage: String) throws(WorkerStartError) -> FrameReader {
            while true {
                guard process.channel.waitReadable(timeout: max(end - clock.now, .zero)) else {
                    throw abandon("no \(stage) within \(policy.startTimeout)")
                }
                do {
                    guard let payload = try process.channel.receive() else { throw abandon("the worker ended before its \(stage)") }
                    var reader = try FrameReader(payload: payload)
                    guard reader.type == .log else { return reader }
                    _ = try reader.u64()
                    log(try WorkerMessage.decodeLog(&reader))
                } catch let error as FrameError {
                    throw abandon("malformed \(stage): \(error)")
                } catch let error as WorkerStartError {
                    throw error
                } catch {
                    throw abandon("\(error)")
                }
            }
        }

        var reader = try next("hello")
        guard reader.type == .hello, let hello = try? WorkerMessage.Hello(&reader) else { throw abandon("the worker's first frame was not a hello") }
        guard hello.version == FrameProtocol.version else {
            throw abandon("the worker speaks protocol \(hello.version), this host \(FrameProtocol.version); use the \(WorkerExecutable.name) built with this host")
        }
        let start = WorkerMessage.Start(pluginFile: file, config: config.bytes, scratchDirectory: scratch, policy: policy)
        do { try process.channel.send(start.frame) } catch { throw abandon("cannot send the start message: \(error)") }

        reader = try next("ready message")
        switch reader.type {
        case .ready:
            do {
                let ready = try WorkerMessage.Ready(&reader)
                let connection = WorkerConnection(process: process, providerId: ready.info.id, policy: policy,
                                                  scratchDirectory: scratch, log: log, onDeath: onDeath)
                return (connection, ready)
            } catch {
                throw abandon("malformed ready message: \(error)")
            }
        case .loadFailed:
            let message = (try? reader.string()) ?? "(no message)"
            _ = process.killAndReap()
            ScratchDirectory.remove(scratch)
            throw failure(message)
        default:
            throw abandon("expected a ready message, got \(reader.type)")
        }
    }

    /// Whatever the worker printed, for the error message (at most 2 KiB).
    private static func drain(_ descriptor: Int32) -> String {
        _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
        var bytes = [UInt8](repeating: 0, count: 2048)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        return count > 0 ? String(decoding: bytes[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
    }
}

extension WorkerDeath {
    /// A reaped status the host did not cause.
    init(status: Int32) {
        self = WorkerDeath.classify(status: status, note: nil, cpuSeconds: 0, cpuLimit: nil, killedBy: nil)
    }
}
