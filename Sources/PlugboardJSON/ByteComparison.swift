#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Byte-for-byte comparisons by memcmp: the generic `elementsEqual` walks element by element through iterators,
/// which showed up in profiles of the request path.
extension UnsafeBufferPointer<UInt8> {
    public func bytesEqual(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        count == other.count && (count == 0 || memcmp(baseAddress!, other.baseAddress!, count) == 0)
    }
}

extension ArraySlice<UInt8> {
    /// Equal to the UTF-8 of `literal`.
    public func bytesEqual(_ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount && withUnsafeBufferPointer {
            $0.bytesEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }
    }
}
