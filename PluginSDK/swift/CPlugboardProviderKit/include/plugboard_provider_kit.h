/*
 * plugboard_provider_kit.h — the C half of PlugboardProviderKit: finding the provider's declaration in the library
 * it is linked into. Not for authors; the Swift half (PlugboardProviderKit) is the API.
 */
#ifndef PLUGBOARD_PROVIDER_KIT_H
#define PLUGBOARD_PROVIDER_KIT_H

#include <stddef.h>

/* The type metadata of each non-generic type in this shared library that conforms to the protocol `protocol`
 * declared in module `module`, in the order the linker laid them out. Writes at most `capacity` into `types`;
 * returns how many there are. Hidden: each provider library has its own copy, used only by its own kit. */
__attribute__((visibility("hidden"))) size_t pbk_conforming_types(const char *module, const char *protocol, const void **types, size_t capacity);

#endif /* PLUGBOARD_PROVIDER_KIT_H */
