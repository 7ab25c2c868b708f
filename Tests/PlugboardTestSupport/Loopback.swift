import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback TCP for the HTTP server under test: free ports, connections, and HTTP/1.1 on a socket. Blocking calls:
/// run them on a thread of your own, never on Swift's cooperative pool.
public enum Loopback {
    /// A port the kernel just handed out and released (another process could take it before the server binds; on
    /// a test machine that is rare, and the server then fails to start with a clear error). Nil if none.
    public static func freePort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    /// A socket connected to 127.0.0.1:`port`, which gives up reading after 30 s (nothing in a test may wait
    /// forever on a server that stopped answering); nil when nothing accepts there.
    public static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
        guard connected else {
            close(fd)
            return nil
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Whether something accepts connections on 127.0.0.1:`port`.
    public static func accepts(_ port: Int) -> Bool {
        guard let fd = connect(port: port) else { return false }
        close(fd)
        return true
    }

    /// Sends one HTTP/1.1 request (a Host header unless given, and Content-Length); false if the socket failed.
    public static func sendRequest(_ fd: Int32, port: Int, _ method: String, _ path: String, headers: [String: String],
                                   body: [UInt8]) -> Bool {
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if headers["Host"] == nil { head += "Host: 127.0.0.1:\(port)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    private static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}

/// Reads HTTP/1.1 replies from a socket, one after another (keep-alive): the status line and headers, then the
/// body by Content-Length or chunked encoding.
public final class HTTPReplyReader {
    public struct Head: Sendable {
        public var status: Int
        /// Lower-cased names.
        public var headers: [String: String]

        public init(status: Int, headers: [String: String]) {
            self.status = status
            self.headers = headers
        }
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    public init(fd: Int32) { self.fd = fd }

    public func readHead() -> Head? {
        guard let status = readLine()?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        var headers: [String: String] = [:]
        while let line = readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Head(status: status, headers: headers)
    }

    /// The body after `head`; nil if the connection ended first.
    public func readBody(of head: Head) -> [UInt8]? {
        var body: [UInt8] = []
        if head.headers["transfer-encoding"]?.lowercased() == "chunked" {
            while let sizeLine = readLine(), let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) {
                if size == 0 {
                    _ = readLine()
                    break
                }
                guard let chunk = readBytes(size) else { return nil }
                body += chunk
                _ = readLine()
            }
        } else if let length = Int(head.headers["content-length"] ?? "0"), length > 0 {
            guard let bytes = readBytes(length) else { return nil }
            body = bytes
        }
        return body
    }

    /// The next chunk of a chunked body as it arrives (an SSE stream's events); nil once the body has ended, the
    /// connection closed or the socket's read timeout passed.
    public func readChunk() -> [UInt8]? {
        guard let sizeLine = readLine(), let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16), size > 0,
              let chunk = readBytes(size) else { return nil }
        _ = readLine()
        return chunk
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n <= 0 { return false }
        buffer += chunk[..<n]
        return true
    }

    private func readLine() -> String? {
        while true {
            if let i = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<i], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                buffer.removeSubrange(...i)
                return line
            }
            guard fill() else { return nil }
        }
    }

    private func readBytes(_ count: Int) -> [UInt8]? {
        while buffer.count < count { guard fill() else { return nil } }
        let out = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return out
    }
}
