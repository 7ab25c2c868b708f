import NIOCore
import PlugboardFleet
import Testing

/// RESP2 as the Redis protocol specification writes it: commands out, replies in, whole or in pieces.
@Suite struct RESPValueTests {
    @Test func aCommandIsAnArrayOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPValue.command(["SET", "key", "välue"], into: &buffer)
        #expect(buffer.readString(length: buffer.readableBytes) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$6\r\nvälue\r\n")
    }

    @Test func everyReplyTypeIsRead() throws {
        var buffer = ByteBuffer(string: "+OK\r\n-ERR wrong\r\n:-42\r\n$5\r\nhello\r\n$-1\r\n*2\r\n:1\r\n*1\r\n$0\r\n\r\n*-1\r\n")
        #expect(try RESPValue.read(from: &buffer) == .simpleString("OK"))
        #expect(try RESPValue.read(from: &buffer) == .error("ERR wrong"))
        #expect(try RESPValue.read(from: &buffer) == .integer(-42))
        #expect(try RESPValue.read(from: &buffer) == .bulkString(Array("hello".utf8)))
        #expect(try RESPValue.read(from: &buffer) == .bulkString(nil))
        #expect(try RESPValue.read(from: &buffer) == .array([.integer(1), .array([.bulkString([])])]))
        #expect(try RESPValue.read(from: &buffer) == .array(nil))
        #expect(buffer.readableBytes == 0)
    }

    @Test func anIncompleteReplyConsumesNothingUntilItIsWhole() throws {
        let whole = "*2\r\n$5\r\nhello\r\n:7\r\n"
        for cut in 1..<whole.utf8.count {
            var buffer = ByteBuffer(bytes: Array(whole.utf8.prefix(cut)))
            #expect(try RESPValue.read(from: &buffer) == nil, "cut at \(cut)")
            #expect(buffer.readableBytes == cut)
        }
        var buffer = ByteBuffer(string: whole)
        #expect(try RESPValue.read(from: &buffer) == .array([.bulkString(Array("hello".utf8)), .integer(7)]))
    }

    @Test(arguments: ["?what\r\n", ":12x\r\n", "$-5\r\n", "$3\r\nabcXY", "*99999999\r\n", "+OK\rX"])
    func whatIsNotRESP2IsAnError(_ text: String) {
        var buffer = ByteBuffer(string: text)
        #expect(throws: RESPProtocolError.self) { try RESPValue.read(from: &buffer) }
    }
}
