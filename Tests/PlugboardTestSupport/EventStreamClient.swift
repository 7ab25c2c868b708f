import Foundation
import PlugboardJSON
#if canImport(Glibc)
import Glibc
#endif

/// One POST whose answer is a long-lived Server-Sent Events stream (a `subscriptions/listen`), read event by
/// event as the server writes them. A refusal (any status but 200) is read whole into `refusal`.
public final class EventStreamClient: @unchecked Sendable {  // used by one test task at a time
    public let status: Int
    public let headers: [String: String]
    /// The body of a refused request, parsed.
    public private(set) var refusal: JSONValue?
    private let fd: Int32
    private let reader: HTTPReplyReader
    private var pending = ""
    private var events: [JSONValue] = []
    private var patience: Duration = .seconds(3)

    /// Opens the stream; nil when nothing answers on `port`. Reads give up after `patience` seconds of silence.
    public static func open(port: Int, path: String = "/mcp", headers: [String: String], body: String,
                            patience seconds: Int = 3) async -> EventStreamClient? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                guard let fd = Loopback.connect(port: port) else { return continuation.resume(returning: nil) }
                var timeout = timeval(tv_sec: seconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let reader = HTTPReplyReader(fd: fd)
                guard Loopback.sendRequest(fd, port: port, "POST", path, headers: headers, body: Array(body.utf8)),
                      let head = reader.readHead() else {
                    close(fd)
                    return continuation.resume(returning: nil)
                }
                let stream = EventStreamClient(fd: fd, reader: reader, head: head)
                stream.patience = .seconds(seconds)
                if head.status != 200 { stream.refusal = reader.readBody(of: head).flatMap { try? JSONParser.parse($0) } }
                continuation.resume(returning: stream)
            }
        }
    }

    private init(fd: Int32, reader: HTTPReplyReader, head: HTTPReplyReader.Head) {
        self.fd = fd
        self.reader = reader
        self.status = head.status
        self.headers = head.headers
    }

    deinit { close(fd) }

    /// The next event's data, parsed; nil when the stream ended or brought no event (keep-alives aside) within
    /// the patience.
    public func next() async -> JSONValue? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.nextBlocking()) }
        }
    }

    private func nextBlocking() -> JSONValue? {
        let deadline = ContinuousClock.now + patience
        while events.isEmpty {
            guard ContinuousClock.now < deadline else { return nil }
            guard let chunk = reader.readChunk() else { return nil }
            pending += String(decoding: chunk, as: UTF8.self)
            while let end = pending.range(of: "\n\n") {
                let event = pending[..<end.lowerBound]
                pending.removeSubrange(..<end.upperBound)
                let data = event.split(separator: "\n").filter { $0.hasPrefix("data:") }
                    .map { $0.dropFirst(5).drop { $0 == " " } }.joined(separator: "\n")
                if !data.isEmpty, let value = try? JSONParser.parse(data) { events.append(value) }
            }
        }
        return events.removeFirst()
    }
}
