/* Broken: a shared library with no plugboard_entry_v1. */
int not_a_provider(void) { return 42; }
