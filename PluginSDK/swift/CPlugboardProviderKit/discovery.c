/*
 * Finds the provider declaration without the author exporting anything: the Swift compiler writes a record of
 * every protocol conformance into the section swift5_protocol_conformances of the image it is linked into, and
 * the linker brackets that section with __start_/__stop_ symbols that are local to the image. So this file, linked
 * statically into a provider library, sees exactly that library's conformances, and never another provider's in
 * the same host process.
 *
 * The layouts read here are the Swift ABI's (swift/ABI/Metadata.h), stable since Swift 5 on ELF platforms; Swift's
 * own runtime registers the same section through the same bracketing symbols (swiftrt.o).
 */
#include "plugboard_provider_kit.h"

#include <stdint.h>
#include <string.h>

extern const int32_t __start_swift5_protocol_conformances __attribute__((weak, visibility("hidden")));
extern const int32_t __stop_swift5_protocol_conformances __attribute__((weak, visibility("hidden")));

/* A relative direct pointer: the target's address minus the field's. */
static const void *direct(const int32_t *field) {
    return (const char *)field + *field;
}

/* A relative indirectable pointer: the low bit set means the target is a pointer to the thing (a reference across
 * modules goes through one). */
static const void *indirectable(const int32_t *field) {
    int32_t offset = *field;
    const char *target = (const char *)field + (offset & ~(int32_t)1);
    return (offset & 1) ? *(const void *const *)target : target;
}

/* The head every context descriptor shares: flags (kind in the low 5 bits), parent, name. */
typedef struct {
    uint32_t flags;
    int32_t parent;
    int32_t name;
} context_descriptor;

enum { KIND_MODULE = 0, KIND_PROTOCOL = 3, KIND_CLASS = 16, KIND_STRUCT = 17, KIND_ENUM = 18 };
enum { FLAG_GENERIC = 0x80 };

static unsigned kind_of(const context_descriptor *context) { return context->flags & 0x1f; }

static const char *name_of(const context_descriptor *context) { return direct(&context->name); }

static int is_protocol(const context_descriptor *context, const char *module, const char *protocol) {
    if (!context || kind_of(context) != KIND_PROTOCOL || strcmp(name_of(context), protocol) != 0) return 0;
    const context_descriptor *parent = indirectable(&context->parent);
    return parent && kind_of(parent) == KIND_MODULE && strcmp(name_of(parent), module) == 0;
}

/* A protocol conformance descriptor's first four fields. */
typedef struct {
    int32_t protocol;
    int32_t type;
    int32_t witness_table;
    uint32_t flags; /* bits 3-5: how `type` refers to the conforming type */
} conformance_descriptor;

enum { TYPE_DIRECT_DESCRIPTOR = 0, TYPE_INDIRECT_DESCRIPTOR = 1 };

/* A nominal type's descriptor: the context head, then its metadata access function. */
typedef struct {
    context_descriptor context;
    int32_t access_function;
} type_descriptor;

/* The access function of a non-generic type takes the metadata request and returns the metadata and its state,
 * in Swift's calling convention. */
typedef struct {
    const void *metadata;
    uintptr_t state;
} metadata_response;
typedef metadata_response (*metadata_accessor)(uintptr_t request) __attribute__((swiftcall));

size_t pbk_conforming_types(const char *module, const char *protocol, const void **types, size_t capacity) {
    const int32_t *record = &__start_swift5_protocol_conformances;
    const int32_t *end = &__stop_swift5_protocol_conformances;
    if (!record || !end) return 0;
    size_t found = 0;
    for (; record < end; record++) {
        const conformance_descriptor *conformance = direct(record);
        if (!is_protocol(indirectable(&conformance->protocol), module, protocol)) continue;
        const type_descriptor *type;
        switch ((conformance->flags >> 3) & 0x7) {
        case TYPE_DIRECT_DESCRIPTOR: type = direct(&conformance->type); break;
        case TYPE_INDIRECT_DESCRIPTOR: type = *(const type_descriptor *const *)direct(&conformance->type); break;
        default: continue; /* Objective-C classes: none on this platform */
        }
        unsigned kind = kind_of(&type->context);
        if ((kind != KIND_CLASS && kind != KIND_STRUCT && kind != KIND_ENUM) || (type->context.flags & FLAG_GENERIC)) continue;
        metadata_accessor access = (metadata_accessor)direct(&type->access_function);
        if (found < capacity) types[found] = access(0).metadata; /* 0: complete metadata, blocking */
        found++;
    }
    return found;
}
