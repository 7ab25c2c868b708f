import PlugboardABI

/// How a provider says it was built (`pb_entry.build_*`, ABI 1.3), against how this host was. A library for
/// another pointer size, byte order or C library may load and then crash at its first call, or corrupt memory;
/// refusing it at the entry, naming the field, says what to rebuild (as PostgreSQL's PG_MODULE_MAGIC does).
enum BuildSignature {
    static let hostPointerSize = UInt8(MemoryLayout<UnsafeRawPointer>.size)
    static let hostByteOrder: UInt8 = 1.littleEndian == 1 ? UInt8(PB_BYTE_ORDER_LITTLE) : UInt8(PB_BYTE_ORDER_BIG)
    #if canImport(Glibc)
    static let hostLibc = UInt8(PB_LIBC_GLIBC)
    #elseif canImport(Musl)
    static let hostLibc = UInt8(PB_LIBC_MUSL)
    #elseif canImport(Android)
    static let hostLibc = UInt8(PB_LIBC_BIONIC)
    #else
    static let hostLibc: UInt8 = 0
    #endif

    /// What differs, in words that name the field and the fix; nil when the build matches (a 0 field is not
    /// declared and not checked).
    static func mismatch(of entry: pb_entry) -> String? {
        if entry.build_pointer_size != 0, entry.build_pointer_size != hostPointerSize {
            return "built for \(entry.build_pointer_size)-byte pointers (pb_entry.build_pointer_size = \(entry.build_pointer_size)); "
                + "this host uses \(hostPointerSize)-byte pointers. Rebuild the provider for this machine's architecture."
        }
        if entry.build_byte_order != 0, entry.build_byte_order != hostByteOrder {
            return "built for \(byteOrder(entry.build_byte_order)) byte order (pb_entry.build_byte_order = \(entry.build_byte_order)); "
                + "this host is \(byteOrder(hostByteOrder)). Rebuild the provider for this machine's architecture."
        }
        if entry.build_libc != 0, hostLibc != 0, entry.build_libc != hostLibc {
            return "built against \(libc(entry.build_libc)) (pb_entry.build_libc = \(entry.build_libc)); this host runs on \(libc(hostLibc)). "
                + "Rebuild the provider with this system's compiler and C library (a musl build cannot load into a glibc host, nor the reverse)."
        }
        return nil
    }

    static func byteOrder(_ value: UInt8) -> String {
        switch Int32(value) {
        case PB_BYTE_ORDER_LITTLE: "little-endian"
        case PB_BYTE_ORDER_BIG: "big-endian"
        default: "an unknown (\(value))"
        }
    }

    static func libc(_ value: UInt8) -> String {
        switch Int32(value) {
        case PB_LIBC_GLIBC: "glibc"
        case PB_LIBC_MUSL: "musl"
        case PB_LIBC_BIONIC: "bionic"
        default: "an unknown C library (\(value))"
        }
    }
}
