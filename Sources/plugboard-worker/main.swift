// plugboard-worker: runs one provider for a Plugboard host, inside a sandbox it sets up before the plugin's code
// is loaded. Started by the host (PlugboardSandbox.WorkerProvider) with posix_spawn; speaks FrameProtocol on
// descriptor 3. Not meant to be run by hand.
import Glibc
import PlugboardSandbox
import PlugboardWorkerSandbox

var hostPid: Int32 = 0
if let index = CommandLine.arguments.firstIndex(of: "--host-pid"), index + 1 < CommandLine.arguments.count {
    hostPid = Int32(CommandLine.arguments[index + 1]) ?? 0
}
guard hostPid > 0 else {
    complain("plugboard-worker is started by a Plugboard host (it serves one provider on descriptor 3); it is not run by hand.")
    exit(64)
}

// Before anything else: die with the host, and drop whatever descriptors leaked into us.
var deathSignal = SandboxLayerReport.applying("pdeathsig") { pbw_parent_death_signal(hostPid, $0, $1) }
guard deathSignal.status == .applied else { exit(FrameProtocol.exitHostGone) }
pbw_close_descriptors_from(FrameProtocol.noteDescriptor + 1)

let channel = FrameChannel(descriptor: FrameProtocol.channelDescriptor, readLimit: 1 << 28)
do {
    try channel.send(WorkerMessage.Hello(pid: getpid()).frame)
    guard let payload = try channel.receive() else { exit(0) }
    var reader = try FrameReader(payload: payload)
    guard reader.type == .start else { throw FrameError("expected a start frame, got \(reader.type)") }
    let start = try WorkerMessage.Start(&reader)

    let report = [deathSignal] + WorkerSandbox.apply(start)
    if let failed = report.first(where: { $0.status == .failed }) {
        try channel.send(WorkerMessage.loadFailed("the sandbox could not be set up, so the plugin was not loaded: \(failed)"))
        exit(0)
    }
    let server = try WorkerServer.load(start: start, channel: channel, report: report)
    server.serve()
} catch {
    complain("plugboard-worker: \(error)")
    exit(FrameProtocol.exitConnectionBroken)
}
