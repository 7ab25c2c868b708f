import Foundation

/// Each worker's private, writable directory (its plugin copy and whatever the plugin writes), removed when the
/// worker ends.
enum ScratchDirectory {
    static func make(for providerLabel: String) throws -> String {
        var template = Array((NSTemporaryDirectory() + "plugboard-worker-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw WorkerStartError(provider: providerLabel, detail: "cannot create a scratch directory in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
