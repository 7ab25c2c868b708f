/*
 * plugboard.hpp — a header-only C++17 layer over the provider ABI in plugboard.h (and plugboard_json.h).
 *
 * Not part of the ABI: a provider built with it is an ordinary plugboard.h provider. It gives
 *   - components as values: Tool, Resource, ResourceTemplate, Prompt, with lambdas as handlers;
 *   - a Call object per call: its arguments (Arguments), progress, log lines, cancellation;
 *   - exceptions instead of set_error: whatever a handler throws is caught before it reaches the host;
 *   - one macro for the entry point.
 *
 *     #include "plugboard.hpp"
 *     static const plugboard::Provider provider("hello", "1.0.0", {
 *         plugboard::Tool("hello", "1.0")
 *             .description("Greets someone")
 *             .input_schema(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})")
 *             .handler([](plugboard::Call &call) {
 *                 return plugboard::text("Hello, " + call.args().string("name") + "!");
 *             }),
 *     });
 *     PLUGBOARD_ENTRY(provider);
 *
 * Build: c++ -std=c++17 -shared -fPIC -I PluginSDK/include hello.cpp -o libhello.so
 *
 * Errors: throw plugboard::InvalidArguments / plugboard::NotFound for the client's mistakes (protocol errors),
 * anything else derived from std::exception for the component's own failure (tools: an isError result carrying
 * what()). Arguments' accessors throw InvalidArguments themselves, naming the argument.
 *
 * Threading is the C ABI's: a component runs concurrently with itself only if it is marked .reentrant().
 */
#ifndef PLUGBOARD_HPP
#define PLUGBOARD_HPP

/* The Swift host imports PluginSDK/include as one C module (every header in the directory), so this file must
 * read as nothing to a C compiler. */
#ifdef __cplusplus

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugboard.h"
#include "plugboard_json.h"

/* Hidden: two providers built against different copies of this header may live in one host process, and their
 * inline functions must never bind to each other's. Only plugboard_entry_v1 is exported. */
namespace plugboard __attribute__((visibility("hidden"))) {

/* ---- Errors --------------------------------------------------------------------------------------------- */

/* A failure with an explicit pb_error_code. Any other std::exception counts as PB_ERROR_FAILED. */
class Error : public std::runtime_error {
public:
    Error(pb_error_code code, const std::string &message) : std::runtime_error(message), code_(code) {}
    pb_error_code code() const noexcept { return code_; }

private:
    pb_error_code code_;
};

/* The client's arguments do not fit: a protocol error (-32602), not a tool result. */
class InvalidArguments : public Error {
public:
    explicit InvalidArguments(const std::string &message) : Error(PB_ERROR_INVALID_ARGUMENTS, message) {}
};

/* The thing asked for does not exist (a resource behind a template, say). */
class NotFound : public Error {
public:
    explicit NotFound(const std::string &message) : Error(PB_ERROR_NOT_FOUND, message) {}
};

/* ---- JSON: writing ----------------------------------------------------------------------------------- */

/* `s` as a JSON string literal, quotes included. */
inline std::string quote(std::string_view s) {
    std::string input(s); /* pbj_escape reads to the NUL */
    std::string out(pbj_escape(input.c_str(), nullptr, 0) + 1, '\0');
    out.resize(pbj_escape(input.c_str(), &out[0], out.size()));
    return out;
}

/* A JSON object, member by member. Each setter has its own name, so a string literal can never turn into a
 * bool by overload resolution. */
class Object {
public:
    Object &string(std::string_view key, std::string_view value) { return raw(key, quote(value)); }
    Object &number(std::string_view key, double value) {
        char text[32];
        std::snprintf(text, sizeof text, "%.17g", value);
        return raw(key, text);
    }
    Object &boolean(std::string_view key, bool value) { return raw(key, value ? "true" : "false"); }
    /* `json` is written as is: a nested object or array built elsewhere. */
    Object &raw(std::string_view key, std::string_view json) {
        text_ += text_.size() == 1 ? "" : ",";
        text_ += quote(key);
        text_ += ':';
        text_ += json;
        return *this;
    }
    std::string str() const { return text_ + "}"; }

private:
    std::string text_ = "{";
};

/* ---- JSON: reading the arguments -------------------------------------------------------------------------- */

/* The top-level members of a JSON object the host handed over (already valid JSON; borrowed for the call).
 * Getters without a fallback throw InvalidArguments when the member is absent; every getter throws it when the
 * member has another type. Keys are compared literally. */
class Arguments {
public:
    explicit Arguments(const char *json) : json_(json ? json : "{}") {}

    /* The whole object, as the client sent it. */
    std::string_view json() const { return json_; }
    bool has(std::string_view key) const { return find(key) != nullptr; }
    /* The member's JSON text (an object, array, number...), or nothing if absent. */
    std::optional<std::string_view> raw(std::string_view key) const {
        const char *value = find(key);
        if (!value) return std::nullopt;
        return std::string_view(value, static_cast<size_t>(pbj_skip_value(value) - value));
    }

    double number(std::string_view key) const { return required(number_or_none(key), key, "a number"); }
    double number_or(std::string_view key, double fallback) const { return number_or_none(key).value_or(fallback); }
    std::string string(std::string_view key) const { return required(string_or_none(key), key, "a string"); }
    std::string string_or(std::string_view key, std::string_view fallback) const {
        return string_or_none(key).value_or(std::string(fallback));
    }
    bool boolean(std::string_view key) const { return required(boolean_or_none(key), key, "true or false"); }
    bool boolean_or(std::string_view key, bool fallback) const { return boolean_or_none(key).value_or(fallback); }

private:
    const char *find(std::string_view key) const { return pbj_find(json_, std::string(key).c_str()); }

    template <class T>
    static T required(std::optional<T> value, std::string_view key, const char *what) {
        if (!value) throw InvalidArguments("argument '" + std::string(key) + "' is required: " + what);
        return std::move(*value);
    }
    static InvalidArguments mistyped(std::string_view key, const char *what) {
        return InvalidArguments("argument '" + std::string(key) + "' must be " + what);
    }

    std::optional<double> number_or_none(std::string_view key) const {
        const char *value = find(key);
        if (!value) return std::nullopt;
        if (!(*value == '-' || (*value >= '0' && *value <= '9'))) throw mistyped(key, "a number");
        return std::strtod(value, nullptr);
    }
    std::optional<std::string> string_or_none(std::string_view key) const {
        const char *value = find(key);
        if (!value) return std::nullopt;
        if (*value != '"') throw mistyped(key, "a string");
        /* Decoding never lengthens a string: the encoded size bounds the buffer. */
        std::string out(static_cast<size_t>(pbj_skip_string(value) - value) + 1, '\0');
        pbj_decode_string(value, &out[0], out.size());
        out.resize(std::strlen(out.c_str()));
        return out;
    }
    std::optional<bool> boolean_or_none(std::string_view key) const {
        const char *value = find(key);
        if (!value) return std::nullopt;
        if (std::strncmp(value, "true", 4) == 0) return true;
        if (std::strncmp(value, "false", 5) == 0) return false;
        throw mistyped(key, "true or false");
    }

    const char *json_;
};

/* ---- Results -------------------------------------------------------------------------------------------- */

/* What a handler returns: JSON text for host->set_result. */
class Result {
public:
    /* Any JSON value. For tools: a full CallToolResult ({"content":[...]}), or anything else, which the host
     * wraps as text content (and, for an object, structuredContent). */
    static Result json(std::string json) { return Result(std::move(json)); }
    const std::string &json() const noexcept { return json_; }

private:
    explicit Result(std::string json) : json_(std::move(json)) {}
    std::string json_;
};

/* A tool's plain text answer. */
inline Result text(std::string_view s) { return Result::json(quote(s)); }
/* Any JSON value (see Result::json). */
inline Result json(std::string json) { return Result::json(std::move(json)); }
/* An object: a tool's text content and its structuredContent. */
inline Result json(const Object &object) { return Result::json(object.str()); }
/* A resource's contents: one text entry. */
inline Result resource_text(std::string_view uri, std::string_view mime_type, std::string_view text) {
    Object content;
    content.string("uri", uri).string("mimeType", mime_type).string("text", text);
    return Result::json("{\"contents\":[" + content.str() + "]}");
}
/* A prompt: one user message of text. */
inline Result user_message(std::string_view text) {
    return Result::json("{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":" + quote(text) + "}}]}");
}

/* ---- The call ------------------------------------------------------------------------------------------- */

enum class Level : int32_t {
    debug = PB_LOG_DEBUG, info = PB_LOG_INFO, notice = PB_LOG_NOTICE, warning = PB_LOG_WARNING,
    error = PB_LOG_ERROR, critical = PB_LOG_CRITICAL, alert = PB_LOG_ALERT, emergency = PB_LOG_EMERGENCY
};

/* One running call. Lives as long as the handler runs; everything it returns is borrowed for that long. */
class Call {
public:
    Call(const pb_host *host, pb_call *call, const pb_request *request)
        : host_(host), call_(call), request_(request), args_(request->arguments) {}
    Call(const Call &) = delete;
    Call &operator=(const Call &) = delete;

    /* Tool and prompt arguments, or a template's variables. */
    const Arguments &args() const noexcept { return args_; }
    /* The component's key as registered (tool name, URI, URI template). */
    std::string_view key() const noexcept { return request_->key; }
    /* The version the host chose, or nothing for an unversioned component. */
    std::optional<std::string_view> version() const noexcept {
        if (!request_->version) return std::nullopt;
        return std::string_view(request_->version);
    }
    /* Resources and templates: the URI being read; otherwise empty. */
    std::string_view uri() const noexcept { return request_->uri ? request_->uri : ""; }
    /* The request's _meta without the host's own keys, a JSON object ("{}" from a 1.0 host). */
    std::string_view meta() const noexcept {
        if (request_->struct_size < offsetof(pb_request, meta_len) + sizeof(size_t) || !request_->meta) return "{}";
        return std::string_view(request_->meta, request_->meta_len);
    }

    /* Progress; total <= 0 means unknown. */
    void progress(double done, double total = 0, std::string_view message = {}) const {
        std::string text(message);
        host_->progress(call_, done, total, message.empty() ? nullptr : text.c_str());
    }
    /* True once the client cancelled or the deadline passed: stop and throw (or return) early. */
    bool cancelled() const { return host_->is_cancelled(call_) != 0; }
    /* Throws a failure naming the cancellation, for loops that only need to stop. */
    void throw_if_cancelled() const {
        if (cancelled()) throw Error(PB_ERROR_FAILED, "cancelled");
    }
    /* A log line to this call's client, tagged with the plugin id. */
    void log(Level level, std::string_view message) const {
        host_->log(host_, call_, static_cast<int32_t>(level), std::string(message).c_str());
    }

private:
    const pb_host *host_;
    pb_call *call_;
    const pb_request *request_;
    Arguments args_;
};

using Handler = std::function<Result(Call &)>;

/* ---- Components --------------------------------------------------------------------------------------------- */

namespace detail { struct Registry; }

/* What every kind shares. Optional text left empty is not sent. */
class Component {
public:
    Component(pb_kind kind, std::string_view key, std::string_view version) : kind_(kind), key_(key), version_(version) {}

protected:
    friend struct detail::Registry;
    pb_kind kind_;
    std::string key_, version_, name_, title_, description_, mime_type_, input_schema_, output_schema_, annotations_,
        arguments_, tags_, icons_;
    uint32_t flags_ = 0;
    Handler handler_;
};

/* The chainable setters every kind has; Self is the kind's own class, so a chain keeps its type. */
template <class Self>
class Builder : public Component {
public:
    using Component::Component;
    Self &title(std::string_view s) { title_ = std::string(s); return self(); }
    Self &description(std::string_view s) { description_ = std::string(s); return self(); }
    /* A JSON array of strings. */
    Self &tags(std::string_view json) { tags_ = std::string(json); return self(); }
    /* A JSON array of MCP Icon objects (ABI 1.2). */
    Self &icons(std::string_view json) { icons_ = std::string(json); return self(); }
    /* The handler may run concurrently with itself: it guards whatever it shares. */
    Self &reentrant() { flags_ |= PB_FLAG_REENTRANT; return self(); }
    Self &handler(Handler h) { handler_ = std::move(h); return self(); }

private:
    Self &self() { return static_cast<Self &>(*this); }
};

/* A tool. An empty version registers it unversioned; per name, version every registration or none. */
class Tool : public Builder<Tool> {
public:
    explicit Tool(std::string_view name, std::string_view version = {}) : Builder(PB_KIND_TOOL, name, version) {}
    /* A JSON Schema object (default {"type":"object"}). */
    Tool &input_schema(std::string_view json) { input_schema_ = std::string(json); return *this; }
    Tool &output_schema(std::string_view json) { output_schema_ = std::string(json); return *this; }
    /* A JSON object, passed through. */
    Tool &annotations(std::string_view json) { annotations_ = std::string(json); return *this; }
};

/* A resource at a fixed URI. */
class Resource : public Builder<Resource> {
public:
    explicit Resource(std::string_view uri, std::string_view version = {}) : Builder(PB_KIND_RESOURCE, uri, version) {}
    Resource &name(std::string_view s) { name_ = std::string(s); return *this; }
    Resource &mime_type(std::string_view s) { mime_type_ = std::string(s); return *this; }
    Resource &annotations(std::string_view json) { annotations_ = std::string(json); return *this; }
};

/* Resources behind an RFC 6570 URI template; the handler reads the variables from call.args(). */
class ResourceTemplate : public Builder<ResourceTemplate> {
public:
    explicit ResourceTemplate(std::string_view uri_template, std::string_view version = {})
        : Builder(PB_KIND_RESOURCE_TEMPLATE, uri_template, version) {}
    ResourceTemplate &name(std::string_view s) { name_ = std::string(s); return *this; }
    ResourceTemplate &mime_type(std::string_view s) { mime_type_ = std::string(s); return *this; }
};

/* A prompt. */
class Prompt : public Builder<Prompt> {
public:
    explicit Prompt(std::string_view name, std::string_view version = {}) : Builder(PB_KIND_PROMPT, name, version) {}
    /* A JSON array of {"name","description","required"}. */
    Prompt &arguments(std::string_view json) { arguments_ = std::string(json); return *this; }
};

/* ---- The provider ------------------------------------------------------------------------------------------- */

/* The whole provider: its id, its build's version and its components. Declare one, statically, and name it in
 * PLUGBOARD_ENTRY. */
class Provider {
public:
    using Init = std::function<void(const Arguments &config)>;

    Provider(std::string_view id, std::string_view version, std::vector<Component> components, Init init = nullptr)
        : state_(new State{std::string(id), std::string(version), std::move(components), std::move(init), {nullptr}}) {}
    Provider(const Provider &) = delete;
    Provider &operator=(const Provider &) = delete;
    /* The state is never freed: a provider lives as long as the process (the host never unloads a library), and
     * exit() runs static destructors while the host's threads may still call its components. */
    ~Provider() = default;

    const char *id() const noexcept { return state_->id.c_str(); }
    const char *version() const noexcept { return state_->version.c_str(); }

    /* A log line to the host's own log, from anywhere (init, threads of your own); dropped before init. */
    void log(Level level, std::string_view message) const {
        if (const pb_host *host = state_->host.load()) host->log(host, nullptr, static_cast<int32_t>(level), std::string(message).c_str());
    }

private:
    friend struct detail::Registry;
    struct State {
        std::string id, version;
        std::vector<Component> components;
        Init init;
        std::atomic<const pb_host *> host;
    };
    State *state_;
};

/* ---- The C boundary: nothing thrown gets past these functions ----------------------------------------------- */

namespace detail {

inline const char *or_null(const std::string &s) { return s.empty() ? nullptr : s.c_str(); }

struct Registry {
    /* The one handler every component is registered with: user_data is its Component, state the host table. */
    static int32_t invoke(pb_call *call, const pb_request *request) noexcept {
        const pb_host *host = static_cast<const pb_host *>(request->state);
        const Component *component = static_cast<const Component *>(request->user_data);
        try {
            Call context(host, call, request);
            Result result = component->handler_(context);
            host->set_result(call, result.json().c_str());
        } catch (const Error &error) {
            host->set_error(call, error.code(), error.what());
        } catch (const std::exception &error) {
            host->set_error(call, PB_ERROR_FAILED, error.what());
        } catch (...) {
            host->set_error(call, PB_ERROR_FAILED, "the handler threw something that is not a std::exception");
        }
        return PB_OK;
    }

    static int32_t init(const Provider &provider, const pb_host *host, const char *config, void **state, char *err,
                        size_t err_cap) noexcept {
        *state = const_cast<pb_host *>(host);
        provider.state_->host.store(host);
        try {
            if (provider.state_->init) provider.state_->init(Arguments(config));
            return 0;
        } catch (const std::exception &error) {
            std::snprintf(err, err_cap, "%s", error.what());
        } catch (...) {
            std::snprintf(err, err_cap, "init threw something that is not a std::exception");
        }
        return 1;
    }

    static int32_t describe(const Provider &provider, pb_registrar *registrar) noexcept {
        try {
            return register_all(provider, registrar);
        } catch (...) { /* only allocation can throw here: refuse loading rather than unwind into the host */
            return 1;
        }
    }

    static int32_t register_all(const Provider &provider, pb_registrar *registrar) {
        for (const Component &c : provider.state_->components) {
            if (!c.handler_) {
                provider.log(Level::error, "component '" + c.key_ + "' has no handler: give it one with .handler(...)");
                return 1;
            }
            pb_component component = PB_COMPONENT_INIT;
            component.kind = static_cast<uint32_t>(c.kind_);
            component.key = c.key_.c_str();
            component.name = or_null(c.name_);
            component.version = or_null(c.version_);
            component.title = or_null(c.title_);
            component.description = or_null(c.description_);
            component.mime_type = or_null(c.mime_type_);
            component.input_schema = or_null(c.input_schema_);
            component.output_schema = or_null(c.output_schema_);
            component.annotations = or_null(c.annotations_);
            component.arguments = or_null(c.arguments_);
            component.tags = or_null(c.tags_);
            component.icons = or_null(c.icons_);
            component.flags = c.flags_;
            component.handler = invoke;
            component.user_data = const_cast<Component *>(&c);
            if (registrar->add(registrar, &component) != 0) return 1;
        }
        return 0;
    }
};

} // namespace detail
} // namespace plugboard

/* The entry point for `provider` (a plugboard::Provider with static storage). Use once per library, at file
 * scope, followed by a semicolon. */
#define PLUGBOARD_ENTRY(provider)                                                                                     \
    static int32_t plugboard_cpp_init_(const pb_host *host, const char *config, void **state, char *err, size_t cap) { \
        return ::plugboard::detail::Registry::init((provider), host, config, state, err, cap);                      \
    }                                                                                                             \
    static int32_t plugboard_cpp_describe_(void *, pb_registrar *registrar) {                                     \
        return ::plugboard::detail::Registry::describe((provider), registrar);                                    \
    }                                                                                                             \
    extern "C" PB_EXPORT const pb_entry *plugboard_entry_v1(void) {                                               \
        static const pb_entry entry =                                                                             \
            PB_ENTRY_INIT((provider).id(), (provider).version(), plugboard_cpp_init_, plugboard_cpp_describe_, NULL); \
        return &entry;                                                                                            \
    }                                                                                                             \
    static_assert(true, "")

#endif /* __cplusplus */
#endif /* PLUGBOARD_HPP */
