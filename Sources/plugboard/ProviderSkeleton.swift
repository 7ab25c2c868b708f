/// The files `plugboard new` writes (plugboard.h is copied beside them).
enum ProviderSkeleton {
    static func c(_ name: String) -> [(String, String)] {
        [("\(name).c", """
        /* \(name) — a Plugboard provider.
         *   build:  make          (or: cc -shared -fPIC -I include \(name).c -o lib\(name).so)
         *   check:  plugboard inspect ./lib\(name).so
         *   call:   drop lib\(name).so into a watched plugin directory, then
         *           plugboard call \(name)_echo --args '{"text": "hi"}'
         * The guide to the ABI: PluginSDK/README.md in the Plugboard repository. */
        #include <string.h>
        #include "plugboard.h"

        static const pb_host *host;

        static int32_t init(const pb_host *h, const char *config_json, void **state, char *err, size_t err_cap) {
            (void)config_json; (void)err; (void)err_cap;
            host = h;
            *state = NULL;
            return 0;
        }

        /* echo 1.0: answers with its arguments object (an object result also becomes structuredContent). */
        static int32_t echo(pb_call *call, const pb_request *request) {
            if (!strstr(request->arguments, "\\"text\\"")) {
                host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'text' is required: a string");
                return PB_OK;
            }
            host->set_result(call, request->arguments);
            return PB_OK;
        }

        /* A plain C function served as a tool: the host builds its schema and calls it through libffi. */
        static double twice(double x) { return 2 * x; }

        static int32_t describe(void *state, pb_registrar *registrar) {
            (void)state;
            pb_component tool = PB_COMPONENT_INIT;
            tool.kind = PB_KIND_TOOL;
            tool.key = "echo";
            tool.version = "1.0";
            tool.description = "Answers with its arguments";
            tool.input_schema = "{\\"type\\":\\"object\\",\\"properties\\":{\\"text\\":{\\"type\\":\\"string\\"}},\\"required\\":[\\"text\\"]}";
            tool.flags = PB_FLAG_REENTRANT;
            tool.handler = echo;
            if (registrar->add(registrar, &tool) != 0) return 1;
            static const char *names[] = {"x"};
            return registrar->add_function(registrar, "twice", NULL, "d(d)", (pb_function)twice, names,
                                           "Doubles a number", PB_FLAG_REENTRANT);
        }

        PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
            static const pb_entry entry = PB_ENTRY_INIT("\(name)", "0.1.0", init, describe, NULL);
            return &entry;
        }

        """),
        ("Makefile", """
        lib\(name).so: \(name).c include/plugboard.h
        \tcc -shared -fPIC -O2 -Wall -I include \(name).c -o lib\(name).so

        clean:
        \trm -f lib\(name).so

        """)]
    }

    static func swift(_ name: String) -> [(String, String)] {
        [("Package.swift", """
        // swift-tools-version:6.0
        import PackageDescription

        let package = Package(
            name: "\(name)",
            products: [.library(name: "\(name)", type: .dynamic, targets: ["\(name)"])],
            targets: [
                // plugboard.h, the provider ABI, as a C module.
                .target(name: "CPlugboard"),
                .target(name: "\(name)", dependencies: ["CPlugboard"]),
            ]
        )

        """),
        ("Sources/CPlugboard/shim.c", "#include \"plugboard.h\"\n"),
        ("Sources/\(name)/Provider.swift", """
        // \(name) — a Plugboard provider in Swift, against the C ABI alone.
        //   build: swift build -c release      check: plugboard inspect .build/release/lib\(name).so
        // Handlers are C function pointers: closures that capture nothing; shared state lives in globals set in init.
        import CPlugboard

        nonisolated(unsafe) private var host: UnsafePointer<pb_host>!

        private func cString(_ text: StaticString) -> UnsafePointer<CChar> {
            UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
        }

        /// echo 1.0: answers with its arguments object.
        private let echo: pb_handler = { call, request in
            guard let request else { return Int32(PB_OK.rawValue) }
            _ = host.pointee.set_result(call, request.pointee.arguments)
            return Int32(PB_OK.rawValue)
        }

        private let initialize: @convention(c) (
            UnsafePointer<pb_host>?, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
            UnsafeMutablePointer<CChar>?, Int
        ) -> Int32 = { hostTable, _, state, _, _ in
            host = hostTable
            state?.pointee = nil
            return 0
        }

        private let describe: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<pb_registrar>?) -> Int32 = { _, registrar in
            guard let registrar else { return 1 }
            var component = pb_component()
            component.struct_size = UInt32(MemoryLayout<pb_component>.size)
            component.kind = PB_KIND_TOOL.rawValue
            component.key = cString("echo")
            component.version = cString("1.0")
            component.description = cString("Answers with its arguments")
            component.flags = PB_FLAG_REENTRANT
            component.handler = echo
            return registrar.pointee.add(registrar, &component) == 0 ? 0 : 1
        }

        nonisolated(unsafe) private let entry: UnsafeMutablePointer<pb_entry> = {
            let entry = UnsafeMutablePointer<pb_entry>.allocate(capacity: 1)
            entry.initialize(to: pb_entry(
                magic: PB_MAGIC, struct_size: UInt32(MemoryLayout<pb_entry>.size),
                abi_major: UInt16(PB_ABI_MAJOR), abi_minor: UInt16(PB_ABI_MINOR),
                plugin_id: cString("\(name)"), plugin_version: cString("0.1.0"),
                init: initialize, describe: describe, deinit: nil, get_extension: nil,
                build_pointer_size: UInt8(MemoryLayout<UnsafeRawPointer>.size), build_byte_order: UInt8(PB_BUILD_BYTE_ORDER),
                build_libc: UInt8(PB_BUILD_LIBC), build_reserved: 0))
            return entry
        }()

        @_cdecl("plugboard_entry_v1")
        public func plugboardEntry() -> UnsafePointer<pb_entry>? {
            UnsafePointer(entry)
        }

        """)]
    }
}
