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
}
